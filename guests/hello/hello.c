/* hello: the smallest guest. Prints where and when it started, declares itself ready and
 * powers off. */
#include <guest/kit.h>
#include <tessera/hypercall.h>

int guest_main(uint64_t dtb)
{
    struct hc_ret v = kit_hvc(HC_VERSION, 0, 0, 0);
    kit_printf("hello from a Tessera domain: ABI %llu.%llu, dtb=0x%llx, first instruction at "
               "counter %llu\n",
               (unsigned long long)(v.r1 >> 16), (unsigned long long)(v.r1 & 0xffff),
               (unsigned long long)dtb, (unsigned long long)kit_start_ticks);
    kit_ready(0);
    kit_printf("verdict: PASS\n");
    return 0;
}
