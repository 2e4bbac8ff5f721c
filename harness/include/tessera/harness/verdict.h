/* The verdict of a run: pass only if QEMU exited 0, the hypervisor reported exit status 0 and
 * every manifest domain became ready; otherwise every reason, in words. */
#ifndef TESSERA_HARNESS_VERDICT_H
#define TESSERA_HARNESS_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tessera/harness/consolelog.h>
#include <tessera/harness/scenario.h>
#include <tessera/harness/strvec.h>

struct verdict_input {
    const struct clog *log; /* the expected domains must become ready */
    int qemu_status;        /* wait status */
    bool timed_out;
    uint32_t timeout_ms;
    const struct scenario_domains *domains; /* for start-after explanations; may be NULL */
    /* Xen (--backend xen): it never ends a dom0less run; the harness ended QEMU once every
     * domain was ready (finished), and there is no 'exit status=' line to expect. */
    bool xen;
    bool finished;
};

/* Returns true for a pass; appends a reason per failed expectation to reasons. A FATAL line of
 * the hypervisor is the reason (what follows from it is not repeated). */
bool verdict_decide(const struct verdict_input *in, struct strvec *reasons);

/* Why the domain d of log never became ready, in words: "domain 'x' never became ready: it was
 * built but never started, waiting (start-after) for 'y', which never became ready". */
void verdict_not_ready(const struct clog *log, const struct scenario_domains *domains,
                       const struct clog_domain *d, char *buf, size_t len);

#endif
