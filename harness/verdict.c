/* The verdict of a run, with one reason in words per failed expectation; a domain that never
 * became ready is explained from what the console showed and the manifest's start-after. */
#include <stdio.h>
#include <string.h>
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

/* Xen: its first line, and QEMU ended by the harness once every domain was ready (Xen neither
 * exits nor powers off when its dom0less domains end). */
static void verdict_xen(const struct verdict_input *in, struct strvec *reasons)
{
    if (!in->log->have_entry) {
        strvec_push(reasons, "Xen printed no line (no '(XEN) [TICKS]' console line)");
    }
    if (in->timed_out) {
        verdict_qemu(in, reasons);
    } else if (!in->finished) {
        char how[128];
        proc_describe(in->qemu_status, how, sizeof(how));
        strvec_pushf(reasons, "QEMU %s before every domain was ready", how);
    }
}

static const struct scenario_domain *verdict_manifest_domain(const struct scenario_domains *doms,
                                                             const char *name)
{
    for (size_t i = 0; doms && i < doms->n; i++) {
        if (strcmp(doms->v[i].name, name) == 0) {
            return &doms->v[i];
        }
    }
    return NULL;
}

/* Appends ", waiting (start-after) for 'a' and 'b', which never became ready" for the
 * predecessors of sd that are not ready (nothing if all are). */
static void verdict_waiting(const struct clog *log, const struct scenario_domain *sd, char *buf,
                            size_t len)
{
    unsigned n = 0;
    size_t used = strlen(buf);

    for (unsigned i = 0; sd && i < sd->nafter && used < len; i++) {
        long k = clog_find(log, sd->after[i]);
        if (k >= 0 && log->dom[k].ready_ns != CLOG_NONE) {
            continue;
        }
        snprintf(buf + used, len - used, "%s'%s'",
                 n == 0 ? ", waiting (start-after) for " : " and ", sd->after[i]);
        used = strlen(buf);
        n++;
    }
    if (n > 0 && used < len) {
        snprintf(buf + used, len - used, ", which never became ready");
    }
}

void verdict_not_ready(const struct clog *log, const struct scenario_domains *domains,
                       const struct clog_domain *d, char *buf, size_t len)
{
    int n = snprintf(buf, len, "domain '%s' never became ready: ", d->name);
    size_t used = n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;

    if (d->created_ns == CLOG_NONE) {
        snprintf(buf + used, len - used, "it was never created");
    } else if (d->first_instr_ns == CLOG_NONE && d->first_output_ns == CLOG_NONE) {
        snprintf(buf + used, len - used, "it was built but never started");
        verdict_waiting(log, verdict_manifest_domain(domains, d->name), buf, len);
    } else if (d->shutdown_ns != CLOG_NONE) {
        snprintf(buf + used, len - used, "it shut down (%s) first", d->shutdown_reason);
    } else {
        snprintf(buf + used, len - used, "it started but never made the ready hypercall");
    }
}

static void verdict_domains(const struct verdict_input *in, struct strvec *reasons)
{
    const struct clog *log = in->log;
    char why[512];

    for (size_t i = 0; i < log->ndom; i++) {
        const struct clog_domain *d = &log->dom[i];
        if (!d->declared) {
            strvec_pushf(reasons,
                         "the console names domain '%s', which the manifest does not "
                         "declare",
                         d->name);
        } else if (d->expected && d->ready_ns == CLOG_NONE && !log->fatal) {
            verdict_not_ready(log, in->domains, d, why, sizeof(why));
            strvec_push(reasons, why);
        }
    }
}

/* An isolation probe a guest reports as leaked is a failed run, whatever else went well. */
static void verdict_isolation(const struct metrics *m, struct strvec *reasons)
{
    for (size_t i = 0; i < m->np; i++) {
        if (m->p[i].leaked) {
            strvec_pushf(reasons,
                         "isolation: domain '%s' reached what probe '%s' tried (%lu leaked)",
                         m->p[i].domain, m->p[i].name, m->p[i].leaked);
        }
    }
}

bool verdict_decide(const struct verdict_input *in, struct strvec *reasons)
{
    size_t before = reasons->n;

    if (in->log->fatal) {
        /* The boot stopped on purpose: QEMU's and the hypervisor's exit statuses and the
         * domains that were never built all follow from this one message. */
        if (in->timed_out) {
            verdict_qemu(in, reasons);
        }
        strvec_pushf(reasons, "the hypervisor stopped: FATAL %s", in->log->fatal);
    } else if (in->xen) {
        verdict_xen(in, reasons);
    } else {
        verdict_qemu(in, reasons);
        verdict_hypervisor(in->log, reasons);
    }
    verdict_domains(in, reasons);
    verdict_isolation(&in->log->metrics, reasons);
    return reasons->n == before;
}
