/* Perfetto (Chrome trace-event) JSON: valid JSON (jansson and jq), a named process per domain
 * and thread per vCPU, run slices that never overlap on one pCPU, instants and counters. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_host.h>
#include "helpers.h"

#define D1V0 TRACE_DV(1, 0)
#define D1V1 TRACE_DV(1, 1)
#define D2V0 TRACE_DV(2, 0)

static void tt_switch(unsigned cpu, uint64_t t, uint64_t prev, uint64_t next, unsigned why)
{
    tt_at(cpu, t);
    TRACE(sched_switch, cpu, prev, next, why);
}

/* Two domains on two pCPUs: rt (2 vCPUs) and be (1 vCPU) sharing pCPU 0. */
static void tt_schedule(void)
{
    tt_init(2, 1024, 1000000000);
    trace_dump_set_domain(1, "rt");
    trace_dump_set_domain(2, "be");
    tt_at(0, 50);
    TRACE(dom_create, 1, 2, 16384);
    TRACE(sched_wake, 1, 0);
    TRACE(sched_wake, 2, 0);
    tt_switch(0, 100, TRACE_IDLE, D1V0, TRACE_SWITCH_START);
    tt_at(0, 120);
    TRACE(trap, D1V0, 0x24, 0x93c08006, 0x40080000);
    TRACE(mmio, D1V0, 0x9000000, 4 | TRACE_MMIO_WRITE, 'x');
    tt_switch(0, 200, D1V0, D2V0, TRACE_SWITCH_PREEMPT);
    tt_at(0, 210);
    TRACE(hc_entry, D2V0, 0xc6000001, 0, 0);
    TRACE(hc_exit, D2V0, 0xc6000001, 0);
    tt_switch(0, 300, D2V0, D1V0, TRACE_SWITCH_YIELD);
    tt_at(0, 350);
    TRACE(irq_inject, D1V0, 27);
    tt_switch(0, 400, D1V0, TRACE_IDLE, TRACE_SWITCH_BLOCK);
    tt_at(1, 150);
    TRACE(sched_wake, 1, 1);
    tt_switch(1, 150, TRACE_IDLE, D1V1, TRACE_SWITCH_START);
    tt_at(1, 160);
    TRACE(guest_marker, D1V1, 7, 42);
    TRACE(irq_phys, 33);
}

static json_t *tt_perfetto(void)
{
    struct trace_data d;
    struct trace_err e;
    char *dir = tt_tmpdir(), *path, *cmd, *out, *err;
    json_error_t je;
    json_t *root;

    tt_schedule();
    tt_parse(&d);
    cr_assert(asprintf(&path, "%s/trace.json", dir) > 0);
    cr_assert_eq(trace_perfetto_write(&d, path, &e), 0, "%s", e.msg);
    root = json_load_file(path, 0, &je);
    cr_assert_not_null(root, "invalid JSON: %s at line %d", je.text, je.line);
    cr_assert(asprintf(&cmd, "jq -e '.traceEvents | length > 0' %s", path) > 0);
    cr_assert_eq(tt_run(cmd, &out, &err), 0, "jq refused the JSON: %s", err);
    free(cmd);
    free(out);
    free(err);
    free(path);
    tt_rmtree(dir);
    free(dir);
    trace_data_free(&d);
    return root;
}

/* The events with ph == ph (and name == name if not NULL). */
static json_t *tt_select(json_t *root, const char *ph, const char *name)
{
    json_t *all = json_object_get(root, "traceEvents"), *sel = json_array(), *ev;
    size_t i;

    json_array_foreach(all, i, ev)
    {
        const char *p = json_string_value(json_object_get(ev, "ph"));
        const char *n = json_string_value(json_object_get(ev, "name"));
        if (strcmp(p, ph) == 0 && (!name || (n && strcmp(n, name) == 0))) {
            json_array_append(sel, ev);
        }
    }
    return sel;
}

static bool tt_has_meta(json_t *root, int pid, const char *what, const char *label)
{
    json_t *m = tt_select(root, "M", what), *ev;
    size_t i;
    bool found = false;

    json_array_foreach(m, i, ev)
    {
        const char *n = json_string_value(json_object_get(json_object_get(ev, "args"), "name"));
        found |=
            json_integer_value(json_object_get(ev, "pid")) == pid && n && strcmp(n, label) == 0;
    }
    json_decref(m);
    return found;
}

Test(trace_perfetto, processes_and_threads_are_named)
{
    json_t *root = tt_perfetto();

    cr_assert(tt_has_meta(root, 1, "process_name", "tessera hypervisor"));
    cr_assert(tt_has_meta(root, 1001, "process_name", "rt (domain 1)"));
    cr_assert(tt_has_meta(root, 1002, "process_name", "be (domain 2)"));
    cr_assert(tt_has_meta(root, 1001, "thread_name", "vCPU 1"));
    cr_assert(tt_has_meta(root, 1, "thread_name", "pCPU 1"));
    json_decref(root);
}

static int tt_cmp_ts(const void *a, const void *b)
{
    double x = json_real_value(json_object_get(*(json_t *const *)a, "ts"));
    double y = json_real_value(json_object_get(*(json_t *const *)b, "ts"));
    return x < y ? -1 : x > y;
}

/* Run slices on pCPU cpu, from the vCPU threads (pid != 1) or the pCPU threads (pid == 1). */
static void tt_check_no_overlap(json_t *slices, int cpu, bool hyp)
{
    json_t *v[64], *ev;
    size_t i, n = 0;

    json_array_foreach(slices, i, ev)
    {
        bool is_hyp = json_integer_value(json_object_get(ev, "pid")) == 1;
        if (json_integer_value(json_object_get(json_object_get(ev, "args"), "pcpu")) == cpu &&
            is_hyp == hyp) {
            cr_assert_lt(n, 64);
            v[n++] = ev;
        }
    }
    qsort(v, n, sizeof(v[0]), tt_cmp_ts);
    for (i = 1; i < n; i++) {
        double end = json_real_value(json_object_get(v[i - 1], "ts")) +
                     json_real_value(json_object_get(v[i - 1], "dur"));
        cr_assert_leq(end, json_real_value(json_object_get(v[i], "ts")) + 1e-9,
                      "slices overlap on pCPU %d", cpu);
    }
}

Test(trace_perfetto, run_slices_never_overlap_on_a_pcpu)
{
    json_t *root = tt_perfetto();
    json_t *x = tt_select(root, "X", NULL), *run = tt_select(root, "X", "running");

    /* pCPU 0: d1v0 [100,200) d2v0 [200,300) d1v0 [300,400); pCPU 1: d1v1 [150,end). */
    cr_assert_eq(json_array_size(run), 4);
    cr_assert_eq(json_array_size(x), 8, "each run slice also on the pCPU's thread");
    for (int cpu = 0; cpu < 2; cpu++) {
        tt_check_no_overlap(x, cpu, false);
        tt_check_no_overlap(x, cpu, true);
    }
    json_decref(x);
    json_decref(run);
    json_decref(root);
}

Test(trace_perfetto, instants_and_counters)
{
    json_t *root = tt_perfetto();
    json_t *trap = tt_select(root, "i", "trap DABT_LOW");
    json_t *marker = tt_select(root, "i", "guest_marker");
    json_t *counters = tt_select(root, "C", "runnable vCPUs pCPU 0");
    json_t *ev = json_array_get(trap, 0);

    cr_assert_eq(json_array_size(trap), 1);
    cr_assert_eq(json_integer_value(json_object_get(ev, "tid")), 1001000, "on d1v0's thread");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(ev, "args"), "ec")), 0x24);
    cr_assert_eq(json_real_value(json_object_get(ev, "ts")), 0.12);
    cr_assert_eq(json_array_size(marker), 1);
    cr_assert_gt(json_array_size(counters), 0);
    json_decref(trap);
    json_decref(marker);
    json_decref(counters);
    json_decref(root);
}
