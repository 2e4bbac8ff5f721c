/* The per-pCPU buffers: a full buffer drops and counts, keeps the first records and ends with
 * a trace_lost record; pCPUs do not disturb each other; the early buffer survives trace_init. */
#include <criterion/criterion.h>
#include <errno.h>
#include <tessera/trace.h>
#include <tessera/trace_host.h>
#include "helpers.h"

#define TT_SLOTS 200

Test(trace_ring, full_buffer_keeps_the_start_and_counts_the_rest)
{
    struct trace_data d;
    struct trace_cpu_stats cs;
    const unsigned extra = 77;

    tt_init(2, TT_SLOTS, 1000);
    for (unsigned i = 0; i < TT_SLOTS - 1 + extra; i++) {
        tt_at(1, 10 + i);
        TRACE(irq_phys, i);
    }
    cr_assert_eq(trace_cpu_stats(1, &cs), 0);
    cr_assert_eq(cs.records, TT_SLOTS);
    cr_assert_eq(cs.capacity, TT_SLOTS);
    cr_assert_eq(cs.lost, extra);
    tt_parse(&d);
    cr_assert_eq(d.cpus[1].nrecords, TT_SLOTS);
    cr_assert_eq(d.cpus[1].lost, extra);
    cr_assert_eq(d.lost, extra);
    for (unsigned i = 0; i < TT_SLOTS - 1; i++) {
        cr_assert_eq(d.cpus[1].recs[i].args[0], i, "the first records are kept in order");
        cr_assert_eq(d.cpus[1].recs[i].seq, i);
    }
    /* The last slot: when the buffer filled, and how many records were dropped since. */
    cr_assert_eq(d.cpus[1].recs[TT_SLOTS - 1].id, TRACE_EV_trace_lost);
    cr_assert_eq(d.cpus[1].recs[TT_SLOTS - 1].ts, 10 + TT_SLOTS - 1);
    cr_assert_eq(d.cpus[1].recs[TT_SLOTS - 1].args[0], 1);
    cr_assert_eq(d.cpus[1].recs[TT_SLOTS - 1].args[1], extra);
    cr_assert_eq(d.cpus[0].nrecords, 0, "pCPU 0 untouched");
    trace_data_free(&d);
}

Test(trace_ring, exactly_full_loses_nothing_until_the_next_event)
{
    struct trace_stats s;

    tt_init(1, TT_SLOTS, 1000);
    for (unsigned i = 0; i < TT_SLOTS - 1; i++) {
        TRACE(timer_fire, 0, i);
    }
    trace_stats(&s);
    cr_assert_eq(s.records, TT_SLOTS - 1);
    cr_assert_eq(s.lost, 0);
    TRACE(timer_fire, 0, 1);
    trace_stats(&s);
    cr_assert_eq(s.records, TT_SLOTS);
    cr_assert_eq(s.lost, 1);
    cr_assert_eq(s.ncpus, 1);
    cr_assert_eq(s.capacity, TT_SLOTS);
}

Test(trace_ring, early_records_move_to_the_real_buffer)
{
    static uint64_t mem[2 * 300 * 6];
    struct trace_data d;

    trace_reset();
    tt_at(0, 5);
    TRACE(boot_phase, TRACE_BOOT_ENTRY, 0);
    TRACE(boot_phase, TRACE_BOOT_MMU, 0);
    tt_at(1, 6);
    TRACE(boot_phase, TRACE_BOOT_HOSTDT, 0); /* no buffer for pCPU 1 yet: not recorded */
    tt_at(0, 7);
    cr_assert_eq(trace_init(2, mem, sizeof(mem)), 0);
    TRACE(boot_phase, TRACE_BOOT_FRAMES, 0);
    tt_parse(&d);
    cr_assert_eq(d.cpus[0].nrecords, 3);
    cr_assert_eq(d.cpus[0].recs[0].args[0], TRACE_BOOT_ENTRY);
    cr_assert_eq(d.cpus[0].recs[1].args[0], TRACE_BOOT_MMU);
    cr_assert_eq(d.cpus[0].recs[2].args[0], TRACE_BOOT_FRAMES);
    cr_assert_eq(d.cpus[0].recs[2].seq, 2);
    cr_assert_eq(d.cpus[0].capacity, 300);
    trace_data_free(&d);
}

Test(trace_ring, early_buffer_overflow_is_counted)
{
    static uint64_t mem[1 * 300 * 6];
    struct trace_data d;

    trace_reset();
    tt_at(0, 1);
    for (unsigned i = 0; i < TRACE_EARLY_RECORDS + 9; i++) {
        TRACE(console_line, TRACE_HYP_DOMID, i);
    }
    cr_assert_eq(trace_init(1, mem, sizeof(mem)), 0);
    TRACE(console_line, TRACE_HYP_DOMID, 1000);
    tt_parse(&d);
    cr_assert_eq(d.cpus[0].lost, 10);
    cr_assert_eq(d.cpus[0].nrecords, TRACE_EARLY_RECORDS + 1);
    cr_assert_eq(d.cpus[0].recs[TRACE_EARLY_RECORDS - 1].id, TRACE_EV_trace_lost);
    cr_assert_eq(d.cpus[0].recs[TRACE_EARLY_RECORDS - 1].args[1], 10);
    cr_assert_eq(d.cpus[0].recs[TRACE_EARLY_RECORDS].args[1], 1000);
    trace_data_free(&d);
}

Test(trace_ring, init_refuses_bad_arguments)
{
    static uint64_t mem[4 * 200 * 6 + 1];

    trace_reset();
    cr_assert_eq(trace_init(0, mem, sizeof(mem)), -EINVAL);
    cr_assert_eq(trace_init(TRACE_MAX_CPUS + 1, mem, sizeof(mem)), -EINVAL);
    cr_assert_eq(trace_init(1, (char *)mem + 4, 1000 * TRACE_RECORD_SIZE), -EINVAL);
    cr_assert_eq(trace_init(4, mem, 4 * (TRACE_MIN_RECORDS - 1) * TRACE_RECORD_SIZE), -ENOMEM);
    cr_assert_eq(trace_init(4, mem, 4 * 200 * TRACE_RECORD_SIZE), 0);
    cr_assert_eq(trace_init(4, mem, 4 * 200 * TRACE_RECORD_SIZE), -EBUSY);
    struct trace_cpu_stats cs;
    cr_assert_eq(trace_cpu_stats(4, &cs), -EINVAL);
    cr_assert_eq(trace_cpu_stats(3, &cs), 0);
    cr_assert_eq(cs.capacity, 200);
}

Test(trace_ring, records_beyond_the_buffers_are_ignored)
{
    struct trace_stats s;

    tt_init(2, TT_SLOTS, 1000);
    tt_at(5, 1);
    TRACE(irq_phys, 27);
    trace_stats(&s);
    cr_assert_eq(s.records, 0);
    cr_assert_eq(s.lost, 0);
}
