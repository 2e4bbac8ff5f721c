/* The verdict of a run, with one reason in words per failed expectation. */
#include <stdio.h>
#include <sys/wait.h>

#include <tessera/harness/proc.h>
#include <tessera/harness/verdict.h>

static void verdict_qemu(const struct verdict_input *in, struct strvec *reasons)
{
    char how[128];

    if (in->timed_out) {
        strvec_pushf(reasons,
                     "timeout: QEMU still running after %u ms (wall clock) and was "
                     "killed",
                     in->timeout_ms);
        return;
    }
    if (!WIFEXITED(in->qemu_status) || WEXITSTATUS(in->qemu_status) != 0) {
        proc_describe(in->qemu_status, how, sizeof(how));
        strvec_pushf(reasons, "QEMU %s", how);
    }
}

static void verdict_hypervisor(const struct clog *log, struct strvec *reasons)
{
    if (!log->have_entry) {
        strvec_push(reasons, "the hypervisor never printed its entry line");
    }
    if (!log->have_exit) {
        strvec_push(reasons, "the hypervisor printed no 'exit status=' line");
    } else if (log->exit_status != 0) {
        strvec_pushf(reasons, "the hypervisor reported exit status=%d", log->exit_status);
    }
}

static void verdict_domains(const struct clog *log, struct strvec *reasons)
{
    for (size_t i = 0; i < log->ndom; i++) {
        const struct clog_domain *d = &log->dom[i];
        if (!d->declared) {
            strvec_pushf(reasons,
                         "the console names domain '%s', which the manifest does not "
                         "declare",
                         d->name);
        } else if (d->ready_ns == CLOG_NONE) {
            strvec_pushf(reasons, "domain '%s' never became ready", d->name);
        }
    }
}

bool verdict_decide(const struct verdict_input *in, struct strvec *reasons)
{
    size_t before = reasons->n;

    verdict_qemu(in, reasons);
    verdict_hypervisor(in->log, reasons);
    verdict_domains(in->log, reasons);
    return reasons->n == before;
}
