/* Statistics of a synthetic dump whose numbers are known: event counts, exits by domain and
 * exception class, hypercall latency (min/avg/p99/max), unmatched hypercalls, lost records. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_host.h>
#include "helpers.h"

#define FN_A 0xc6000001u
#define FN_B 0xc6000002u

/* 1 tick = 1 ns. Hypercall i of 1..100 on d1v0 takes i ns (FN_A); 10 on d2v0 take 1000 ns
 * (FN_B); one entry never returns and one exit has no entry. */
static void tt_synthetic(struct trace_data *d)
{
    uint64_t t = 1000;

    tt_init(2, 2048, 1000000000);
    trace_dump_set_domain(1, "rt");
    for (unsigned i = 1; i <= 100; i++) {
        tt_at(0, t);
        TRACE(trap, TRACE_DV(1, 0), 0x16, 0x5a000000, 0);
        TRACE(hc_entry, TRACE_DV(1, 0), FN_A, i, 0);
        tt_at(0, t + i);
        TRACE(hc_exit, TRACE_DV(1, 0), FN_A, 0);
        t += 200;
    }
    for (unsigned i = 0; i < 10; i++) {
        tt_at(1, 500 + 2000 * i);
        TRACE(hc_entry, TRACE_DV(2, 0), FN_B, 0, 0);
        tt_at(1, 1500 + 2000 * i);
        TRACE(hc_exit, TRACE_DV(2, 0), FN_B, 0);
        TRACE(trap, TRACE_DV(2, 0), 0x24, 0x93c08006, 0);
    }
    tt_at(1, 90000);
    TRACE(hc_exit, TRACE_DV(2, 1), FN_B, 0);
    TRACE(hc_entry, TRACE_DV(2, 0), FN_A, 0, 0);
    TRACE(trap, TRACE_DV(2, 0), 0x01, 0x4000000, 0);
    tt_parse(d);
}

static const struct trace_hc_stats *tt_fn(const struct trace_report *r, uint64_t fn)
{
    for (size_t i = 0; i < r->nhc; i++) {
        if (r->hc[i].fn == fn) {
            return &r->hc[i];
        }
    }
    cr_assert_fail("no statistics for function %llx", (unsigned long long)fn);
    return NULL;
}

Test(trace_stats, hypercall_latency)
{
    struct trace_data d;
    struct trace_report r;
    struct trace_err e;
    const struct trace_hc_stats *a, *b, *all;

    tt_synthetic(&d);
    cr_assert_eq(trace_report_compute(&d, &r, &e), 0, "%s", e.msg);
    a = tt_fn(&r, FN_A);
    cr_assert_eq(a->lat.count, 100);
    cr_assert_eq(a->lat.min_ns, 1);
    cr_assert_eq(a->lat.max_ns, 100);
    cr_assert_eq(a->lat.p99_ns, 99);
    cr_assert_float_eq(a->lat.avg_ns, 50.5, 1e-9);
    b = tt_fn(&r, FN_B);
    cr_assert_eq(b->lat.count, 10);
    cr_assert_eq(b->lat.min_ns, 1000);
    cr_assert_eq(b->lat.p99_ns, 1000);
    all = tt_fn(&r, UINT64_MAX);
    cr_assert_eq(all->lat.count, 110);
    cr_assert_eq(all->lat.max_ns, 1000);
    cr_assert_eq(all->lat.p99_ns, 1000, "nearest rank: the 109th of 110");
    cr_assert_eq(r.hc_unmatched, 2);
    trace_report_free(&r);
    trace_data_free(&d);
}

Test(trace_stats, counts_exits_and_lost)
{
    struct trace_data d;
    struct trace_report r;
    struct trace_err e;

    tt_synthetic(&d);
    cr_assert_eq(trace_report_compute(&d, &r, &e), 0, "%s", e.msg);
    cr_assert_eq(r.records, 100 * 3 + 10 * 3 + 3);
    cr_assert_eq(r.counts[TRACE_EV_trap], 100 + 10 + 1);
    cr_assert_eq(r.counts[TRACE_EV_hc_entry], 111);
    cr_assert_eq(r.counts[TRACE_EV_hc_exit], 111);
    cr_assert_eq(r.lost, 0);
    cr_assert_eq(r.span_ns, 90000 - 500);
    cr_assert_eq(r.ndoms, 2);
    cr_assert_eq(r.doms[0].domid, 1, "domains in order of their first exit");
    cr_assert_eq(r.doms[0].by_ec[0x16], 100);
    cr_assert_eq(r.doms[0].total, 100);
    cr_assert_eq(r.doms[1].domid, 2);
    cr_assert_eq(r.doms[1].by_ec[0x24], 10);
    cr_assert_eq(r.doms[1].by_ec[0x01], 1);
    cr_assert_eq(r.doms[1].total, 11);
    trace_report_free(&r);
    trace_data_free(&d);
}

Test(trace_stats, text_report)
{
    struct trace_data d;
    struct trace_report r;
    struct trace_err e;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    tt_synthetic(&d);
    cr_assert_eq(trace_report_compute(&d, &r, &e), 0, "%s", e.msg);
    trace_report_print(&d, &r, f);
    fclose(f);
    cr_assert_not_null(strstr(text, "rt, domain 1: 100 exits"), "%s", text);
    cr_assert_not_null(strstr(text, "EC 0x16 HVC64"), "%s", text);
    cr_assert_not_null(strstr(text, "EC 0x24 DABT_LOW"), "%s", text);
    cr_assert_not_null(strstr(text, "0xc6000001"), "%s", text);
    cr_assert_not_null(strstr(text, "unmatched entries or exits: 2"), "%s", text);
    cr_assert_not_null(strstr(text, "0 lost"), "%s", text);
    free(text);
    trace_report_free(&r);
    trace_data_free(&d);
}

Test(trace_stats, lost_records_are_reported)
{
    struct trace_data d;
    struct trace_report r;
    struct trace_err e;

    tt_init(1, 200, 1000);
    for (unsigned i = 0; i < 250; i++) {
        TRACE(irq_phys, i);
    }
    tt_parse(&d);
    cr_assert_eq(trace_report_compute(&d, &r, &e), 0, "%s", e.msg);
    cr_assert_eq(r.lost, 51);
    cr_assert_eq(r.counts[TRACE_EV_trace_lost], 1);
    trace_report_free(&r);
    trace_data_free(&d);
}
