/* The run-time class mask (a masked event costs one test and evaluates nothing) and the
 * compile-time switch (TESSERA_TRACE=0: no code at all, checked on the object file). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace.h>
#include <tessera/trace_host.h>
#include "helpers.h"

extern int tt_side_effects;
void tt_compiled_out_macros(void);
void tt_compiled_out_functions(void);

static int tt_evaluated;

static uint64_t tt_arg(uint64_t v)
{
    tt_evaluated++;
    return v;
}

Test(trace_mask, masked_classes_record_nothing_and_evaluate_nothing)
{
    struct trace_stats s;

    tt_init(1, 256, 1000);
    trace_set_mask(TRACE_MASK_ALL & ~TRACE_CLASS_BIT(trap) & ~TRACE_CLASS_BIT(mmio));
    TRACE(trap, tt_arg(1), tt_arg(0x16), tt_arg(0), tt_arg(0));
    TRACE(mmio, tt_arg(1), 0x9000000, 4, 0);
    trace_trap(1, 0x16, 0, 0);
    cr_assert_eq(tt_evaluated, 0);
    TRACE(hc_entry, tt_arg(1), 0xc6000000, 0, 0);
    cr_assert_eq(tt_evaluated, 1);
    trace_stats(&s);
    cr_assert_eq(s.records, 1);
    trace_set_mask(TRACE_MASK_ALL);
    TRACE(trap, 1, 0x16, 0, 0);
    trace_stats(&s);
    cr_assert_eq(s.records, 2);
}

Test(trace_mask, every_class_has_its_bit)
{
    struct trace_stats s;

    for (size_t i = 0; i < trace_event_count(); i++) {
        const struct trace_event_info *ev = trace_event_at(i);
        tt_init(1, 256, 1000);
        trace_set_mask(~TRACE_MASK_ALL);
        trace_write(ev->id, 0, 0, 0, 0); /* the raw writer does not test the mask */
        trace_set_mask(1u << ev->cls);
        cr_assert(trace_class_on(ev->cls));
        for (size_t j = 0; j < trace_class_count(); j++) {
            unsigned bit = trace_class_at(j)->bit;
            cr_assert_eq(trace_class_on(bit), bit == ev->cls);
        }
        trace_stats(&s);
        cr_assert_eq(s.records, 1);
    }
}

Test(trace_mask, compiled_out_tracepoints_do_nothing)
{
    struct trace_stats s;

    tt_init(1, 256, 1000);
    tt_compiled_out_macros();
    tt_compiled_out_functions();
    cr_assert_eq(tt_side_effects, 0, "arguments of compiled-out tracepoints were evaluated");
    trace_stats(&s);
    cr_assert_eq(s.records, 0);
}

/* gcov instrumentation adds counters even to dead branches: the size check needs a normal build. */
#ifndef TT_COVERAGE
/* Size of symbol sym in the nm -S output of obj. */
static unsigned long tt_symbol_size(const char *nm, const char *sym)
{
    char want[128];
    const char *p;

    snprintf(want, sizeof(want), " %s\n", sym);
    p = strstr(nm, want);
    cr_assert_not_null(p, "%s not in the object file", sym);
    while (p > nm && p[-1] != '\n') {
        p--;
    }
    /* "ADDRESS SIZE TYPE NAME" */
    return strtoul(strchr(p, ' ') + 1, NULL, 16);
}

Test(trace_mask, compiled_out_tracepoints_leave_no_instructions)
{
    char *out, *err;
    unsigned long empty, macros, functions;

    cr_assert_eq(tt_run("nm -S --defined-only " TT_COMPILED_OUT_OBJ, &out, &err), 0, "%s", err);
    empty = tt_symbol_size(out, "tt_compiled_out_empty");
    macros = tt_symbol_size(out, "tt_compiled_out_macros");
    functions = tt_symbol_size(out, "tt_compiled_out_functions");
    cr_assert_eq(macros, empty, "TRACE() left %lu bytes of code", macros - empty);
    cr_assert_eq(functions, empty, "trace_NAME() left %lu bytes of code", functions - empty);
    free(out);
    free(err);
}
#endif
