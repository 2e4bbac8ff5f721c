/* chirp: the victim of the SMP stress test. Each vCPU prints numbered, checksummed lines, each
 * in one console_write, as fast as it can, until its domain is destroyed under it or vCPU 0
 * ends it as its orders say (chirp.h). A line that reaches the serial port cut, merged with
 * another or mixed with another vCPU's bytes fails its checksum. */
#include <guest/kit.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

#include "chirp.h"

static volatile struct chirp_orders *const orders =
    (volatile struct chirp_orders *)(uintptr_t)CHIRP_ORDERS_IPA;

/* One line: "chirp cpu=C inc=I seq=N data=XXXX... sum=HHHHHHHH". */
static void chirp_line(unsigned cpu, unsigned inc, unsigned seq)
{
    char line[160];
    char data[33];

    for (unsigned i = 0; i < 32; i++) {
        data[i] = (char)('a' + (seq * 7 + i * 3 + cpu) % 26);
    }
    data[32] = '\0';
    int n =
        lib_snprintf(line, sizeof(line), "chirp cpu=%u inc=%u seq=%u data=%s", cpu, inc, seq, data);
    uint32_t sum = chirp_sum(line, (unsigned long)n);
    n += lib_snprintf(line + n, sizeof(line) - (unsigned long)n, " sum=%08x\n", sum);
    kit_console_write(line, (uint64_t)n);
}

static void chirp_forever(uint64_t cpu)
{
    unsigned inc = orders->incarnation;

    for (unsigned seq = 0;; seq++) {
        chirp_line((unsigned)cpu, inc, seq);
    }
}

int guest_main(uint64_t dtb)
{
    (void)dtb;
    unsigned inc = orders->incarnation, limit = orders->limit;
    enum chirp_end end = orders->magic == CHIRP_ORDERS_MAGIC ? orders->end : CHIRP_FOREVER;

    kit_ready(0);
    kit_cpu_on(1, chirp_forever, 1); /* a one-vCPU domain refuses: then vCPU 0 prints alone */
    for (unsigned seq = 0; end == CHIRP_FOREVER || seq < limit; seq++) {
        chirp_line(0, inc, seq);
    }
    if (end == CHIRP_CRASH) {
        kit_shutdown(HC_SHUTDOWN_CRASH);
    }
    return 0;
}
