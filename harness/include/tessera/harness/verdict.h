/* The verdict of a run: pass only if QEMU exited 0, the hypervisor reported exit status 0 and
 * every manifest domain became ready; otherwise every reason, in words. */
#ifndef TESSERA_HARNESS_VERDICT_H
#define TESSERA_HARNESS_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include <tessera/harness/consolelog.h>
#include <tessera/harness/strvec.h>

struct verdict_input {
    const struct clog *log; /* manifest domains are the declared ones */
    int qemu_status;        /* wait status */
    bool timed_out;
    uint32_t timeout_ms;
};

/* Returns true for a pass; appends a reason per failed expectation to reasons. */
bool verdict_decide(const struct verdict_input *in, struct strvec *reasons);

#endif
