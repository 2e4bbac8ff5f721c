/* crash: a guest that fails on purpose (an undefined instruction its own kernel cannot
 * handle, reported as a crash), to exercise the on-crash policies and show that a crashing
 * domain leaves the others running. */
#include <guest/kit.h>

int guest_main(uint64_t dtb)
{
    (void)dtb;
    kit_printf("about to execute an undefined instruction\n");
    __asm__ volatile("udf #0");
    kit_printf("still running: the undefined instruction did not trap\n");
    return 0;
}
