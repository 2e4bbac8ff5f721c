/* hcbench: the cost of a null hypercall (HC_VERSION: trap, dispatch, return), measured in
 * virtual time over many calls; with the trace on, each call also writes its trap, hc_entry
 * and hc_exit records. Command line: calls=N (default 10000). */
#include <guest/kit.h>
#include <libfdt.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

int guest_main(uint64_t dtb)
{
    const void *fdt = (const void *)dtb;
    int chosen = dtb ? fdt_path_offset(fdt, "/chosen") : -1;
    const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
    size_t len;
    const char *v = lib_cmdline_value(args, "calls", &len);
    uint64_t calls = v ? lib_strtoul(v, NULL, 0) : 10000;
    uint64_t hz = kit_counter_hz();

    if (calls == 0) {
        calls = 1;
    }
    uint64_t t0 = kit_counter();
    for (uint64_t i = 0; i < calls; i++) {
        kit_hvc(HC_VERSION, 0, 0, 0);
    }
    uint64_t ns = (kit_counter() - t0) * 1000000000ull / hz;
    /* Picoseconds keep the fraction: under icount 1 ns is one instruction. */
    kit_printf("null_hypercall calls=%llu total_ns=%llu per_call_ps=%llu\n",
               (unsigned long long)calls, (unsigned long long)ns,
               (unsigned long long)(ns * 1000 / calls));
    kit_ready(0);
    return 0;
}
