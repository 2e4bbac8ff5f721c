/* Every event of events.def goes record -> dump -> decode through each writer form. The calls
 * are generated from events.def, so a new event is covered without touching this file. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <tessera/trace.h>
#include <tessera/trace_host.h>
#include "helpers.h"

#define TT_CPUS 3

/* A value for argument `name` of the k-th record, distinct per record and argument. */
static uint64_t tt_val(unsigned k, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (; *name; name++) {
        h = (h ^ (uint8_t)*name) * 0x100000001b3ull;
    }
    return h ^ ((uint64_t)k << 40);
}

#define TT_VAL(a) tt_val(k, #a)

/* Records every event once with writer form `form` (0..3), the k-th at pCPU k % TT_CPUS and
 * counter 1000 + k. Returns the number of records. */
static unsigned tt_emit_all(int form, unsigned k)
{
#define TRACE_EVENT(id, cls, name, args, desc, argdesc)                                            \
    tt_at(k % TT_CPUS, 1000 + k);                                                                  \
    if (form == 0) {                                                                               \
        trace_emit_##name(TRACE_XM_MAP(TT_VAL, TRACE_XM_COMMA, args));                             \
    } else if (form == 1) {                                                                        \
        TRACE(name, TRACE_XM_MAP(TT_VAL, TRACE_XM_COMMA, args));                                   \
    } else if (form == 2) {                                                                        \
        trace_##name(TRACE_XM_MAP(TT_VAL, TRACE_XM_COMMA, args));                                  \
    } else {                                                                                       \
        tt_at(k % TT_CPUS, 0);                                                                     \
        TRACE_AT(1000 + k, name, TRACE_XM_MAP(TT_VAL, TRACE_XM_COMMA, args));                      \
    }                                                                                              \
    k++;
#include "../../../trace/events.def"
    return k;
}

static void tt_check(const struct trace_record *r, unsigned k, const struct trace_event_info *ev)
{
    cr_assert_eq(r->id, ev->id, "record %u: id 0x%x, want %s (0x%x)", k, r->id, ev->name, ev->id);
    cr_assert_eq(r->cpu, k % TT_CPUS, "%s: cpu", ev->name);
    cr_assert_eq(r->ts, 1000 + k, "%s: timestamp", ev->name);
    for (unsigned a = 0; a < 4; a++) {
        uint64_t want = a < ev->nargs ? tt_val(k, ev->args[a]) : 0;
        cr_assert_eq(r->args[a], want, "%s: argument %u", ev->name, a);
    }
}

Test(trace_roundtrip, every_event_every_writer)
{
    struct trace_data d;
    const struct trace_record **all;
    unsigned k = 0;
    size_t n, nev = trace_event_count();

    tt_init(TT_CPUS, 1024, 62500000);
    for (int form = 0; form < 4; form++) {
        k = tt_emit_all(form, k);
    }
    cr_assert_eq(k, 4 * nev);
    tt_parse(&d);
    cr_assert_eq(d.nrecords, k);
    cr_assert_eq(d.lost, 0);
    cr_assert_eq(d.ncpus, TT_CPUS);
    all = trace_data_merge(&d, &n);
    cr_assert_eq(n, k);
    for (unsigned i = 0; i < n; i++) {
        tt_check(all[i], i, trace_event_at(i % nev));
    }
    free(all);
    trace_data_free(&d);
}

Test(trace_roundtrip, tables_match_the_list)
{
    size_t n = 0;

#define TRACE_EVENT(id_, cls_, name_, args_, desc_, argdesc_)                                      \
    do {                                                                                           \
        const struct trace_event_info *ev = trace_event_by_id(id_);                                \
        cr_assert_not_null(ev);                                                                    \
        cr_assert_str_eq(ev->name, #name_);                                                        \
        cr_assert_eq(ev->cls, TRACE_CLASS_##cls_);                                                 \
        cr_assert_eq(ev->nargs, TRACE_XM_COUNT(args_));                                            \
        cr_assert_eq(trace_event_by_name(#name_), ev);                                             \
        cr_assert_str_eq(trace_class_name(ev->cls), #cls_);                                        \
        n++;                                                                                       \
    } while (0);
#include "../../../trace/events.def"
    cr_assert_eq(n, trace_event_count());
    cr_assert_null(trace_event_by_id(0));
    cr_assert_null(trace_event_by_id(TRACE_ID_LIMIT + 5));
}

Test(trace_roundtrip, domain_names_travel_in_the_dump)
{
    struct trace_data d;

    tt_init(1, 256, 62500000);
    cr_assert_eq(trace_dump_set_domain(0, "ctl"), 0);
    cr_assert_eq(trace_dump_set_domain(7, "a-very-long-domain-name-that-is-cut-here"), 0);
    cr_assert_eq(trace_dump_set_domain(3, "gone"), 0);
    cr_assert_eq(trace_dump_set_domain(3, NULL), 0);
    cr_assert_eq(trace_dump_set_domain(TRACE_DUMP_MAX_DOMAINS, "x"), -EINVAL);
    tt_parse(&d);
    cr_assert_eq(d.ndomains, 2);
    cr_assert_str_eq(trace_data_domain_name(&d, 0), "ctl");
    cr_assert_str_eq(trace_data_domain_name(&d, 7), "a-very-long-domain-name-that-is");
    cr_assert_null(trace_data_domain_name(&d, 3));
    trace_data_free(&d);
}
