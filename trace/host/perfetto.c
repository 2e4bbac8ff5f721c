/* `tessera trace --perfetto FILE`: Chrome trace-event JSON for ui.perfetto.dev. One process
 * per domain (one thread per vCPU) plus a hypervisor process (one thread per pCPU); run slices
 * from sched_switch, instants for every other event, run-queue counters per pCPU. Where an
 * event goes follows from its argument names in events.def (see perfetto_target). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <tessera/trace_host.h>

#define PF_HYP_PID      1
#define PF_HYP_TID_BASE 100  /* + pCPU */
#define PF_DOM_PID_BASE 1000 /* + domid */
#define PF_MAX_DOMID    0xffff

struct pf_vcpu {
    uint64_t dv;
    int64_t pcpu; /* run queue it is on, -1 unknown */
    bool runnable;
};

struct pf_cpu {
    uint64_t running; /* dv, or TRACE_IDLE */
    uint64_t since;   /* ticks */
    uint64_t reason;  /* of the switch that started the slice */
    int64_t runq;     /* last counter value emitted, -1 none */
};

struct pf {
    const struct trace_data *d;
    json_t *events;
    struct pf_cpu *cpus;
    struct pf_vcpu *vcpus;
    size_t nvcpus, cap;
    bool dom_seen[PF_MAX_DOMID + 1];
    bool failed;
};

static json_t *pf_ts(const struct pf *p, uint64_t ticks)
{
    return json_real((double)trace_data_ns(p->d, ticks) / 1000.0);
}

static int pf_pid(uint64_t domid)
{
    return PF_DOM_PID_BASE + (int)(domid & PF_MAX_DOMID);
}

static int pf_tid(uint64_t dv)
{
    return pf_pid(dv >> 16) * 1000 + (int)(dv & 0xffff);
}

static void pf_add(struct pf *p, json_t *ev)
{
    if (!ev || json_array_append_new(p->events, ev) != 0) {
        p->failed = true;
    }
}

static void pf_meta(struct pf *p, const char *what, int pid, int tid, json_t *args)
{
    pf_add(p, json_pack("{s:s, s:s, s:i, s:i, s:o}", "ph", "M", "name", what, "pid", pid, "tid",
                        tid, "args", args));
}

static void pf_see_domain(struct pf *p, uint64_t domid)
{
    const char *name;
    char label[96];

    domid &= PF_MAX_DOMID;
    if (p->dom_seen[domid]) {
        return;
    }
    p->dom_seen[domid] = true;
    name = trace_data_domain_name(p->d, domid);
    if (name) {
        snprintf(label, sizeof(label), "%s (domain %u)", name, (unsigned)domid);
    } else {
        snprintf(label, sizeof(label), "domain %u", (unsigned)domid);
    }
    pf_meta(p, "process_name", pf_pid(domid), 0, json_pack("{s:s}", "name", label));
    pf_meta(p, "process_sort_index", pf_pid(domid), 0,
            json_pack("{s:i}", "sort_index", (int)domid + 1));
}

static struct pf_vcpu *pf_vcpu(struct pf *p, uint64_t dv)
{
    char label[32];

    for (size_t i = 0; i < p->nvcpus; i++) {
        if (p->vcpus[i].dv == dv) {
            return &p->vcpus[i];
        }
    }
    if (p->nvcpus == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct pf_vcpu *n = realloc(p->vcpus, cap * sizeof(*n));
        if (!n) {
            p->failed = true;
            return NULL;
        }
        p->vcpus = n;
        p->cap = cap;
    }
    pf_see_domain(p, dv >> 16);
    snprintf(label, sizeof(label), "vCPU %u", (unsigned)(dv & 0xffff));
    pf_meta(p, "thread_name", pf_pid(dv >> 16), pf_tid(dv), json_pack("{s:s}", "name", label));
    p->vcpus[p->nvcpus] = (struct pf_vcpu){dv, -1, false};
    return &p->vcpus[p->nvcpus++];
}

/* The arguments of r as a JSON object named after events.def. */
static json_t *pf_args(const struct trace_event_info *ev, const struct trace_record *r)
{
    json_t *o = json_object();

    for (unsigned a = 0; o && a < ev->nargs; a++) {
        char hex[24];
        if (trace_arg_is_hex(ev->args[a])) {
            snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)r->args[a]);
            json_object_set_new(o, ev->args[a], json_string(hex));
        } else {
            json_object_set_new(o, ev->args[a], json_integer((json_int_t)r->args[a]));
        }
    }
    return o;
}

static void pf_instant(struct pf *p, const char *name, const char *cat, char scope, int pid,
                       int tid, uint64_t ts, json_t *args)
{
    char s[2] = {scope, '\0'};

    pf_add(p, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:o}", "name", name, "cat", cat, "ph",
                        "i", "s", s, "pid", pid, "tid", tid, "ts", pf_ts(p, ts), "args", args));
}

static void pf_slice(struct pf *p, const char *name, int pid, int tid, uint64_t from, uint64_t to,
                     json_t *args)
{
    double dur = (double)(trace_data_ns(p->d, to) - trace_data_ns(p->d, from)) / 1000.0;

    pf_add(p,
           json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:f, s:o}", "name", name, "cat", "sched", "ph",
                     "X", "pid", pid, "tid", tid, "ts", pf_ts(p, from), "dur", dur, "args", args));
}

/* Ends the run slice of pCPU cpu at ts, on the vCPU's thread and on the pCPU's thread. */
static void pf_end_run(struct pf *p, unsigned cpu, uint64_t ts)
{
    struct pf_cpu *c = &p->cpus[cpu];
    uint64_t dv = c->running;
    const char *dom;
    char label[96];

    if (dv == TRACE_IDLE) {
        return;
    }
    dom = trace_data_domain_name(p->d, dv >> 16);
    snprintf(label, sizeof(label), "%s%sd%uv%u", dom ? dom : "", dom ? " " : "",
             (unsigned)(dv >> 16), (unsigned)(dv & 0xffff));
    pf_slice(p, "running", pf_pid(dv >> 16), pf_tid(dv), c->since, ts,
             json_pack("{s:i, s:i}", "pcpu", (int)cpu, "reason", (int)c->reason));
    pf_slice(p, label, PF_HYP_PID, PF_HYP_TID_BASE + (int)cpu, c->since, ts,
             json_pack("{s:i, s:i}", "pcpu", (int)cpu, "reason", (int)c->reason));
    c->running = TRACE_IDLE;
}

/* Emits the run-queue length of pCPU cpu if it changed: runnable vCPUs whose queue it is. */
static void pf_runq(struct pf *p, int64_t cpu, uint64_t ts)
{
    char name[32];
    int64_t n = 0;

    if (cpu < 0 || cpu >= (int64_t)p->d->ncpus) {
        return;
    }
    for (size_t i = 0; i < p->nvcpus; i++) {
        n += p->vcpus[i].runnable && p->vcpus[i].pcpu == cpu;
    }
    if (n == p->cpus[cpu].runq) {
        return;
    }
    p->cpus[cpu].runq = n;
    snprintf(name, sizeof(name), "runnable vCPUs pCPU %d", (int)cpu);
    pf_add(p, json_pack("{s:s, s:s, s:i, s:o, s:{s:I}}", "name", name, "ph", "C", "pid", PF_HYP_PID,
                        "ts", pf_ts(p, ts), "args", "runnable", (json_int_t)n));
}

/* A vCPU's queue and state change; counters of the queues involved follow. */
static void pf_vcpu_state(struct pf *p, uint64_t dv, int64_t pcpu, int runnable, uint64_t ts)
{
    struct pf_vcpu *v = pf_vcpu(p, dv);
    int64_t old;

    if (!v) {
        return;
    }
    old = v->pcpu;
    if (pcpu >= 0) {
        v->pcpu = pcpu;
    }
    if (runnable >= 0) {
        v->runnable = runnable;
    }
    pf_runq(p, old, ts);
    pf_runq(p, v->pcpu, ts);
}

static void pf_switch(struct pf *p, const struct trace_record *r)
{
    uint64_t cpu = r->args[0] < p->d->ncpus ? r->args[0] : r->cpu;
    uint64_t next = r->args[2];

    pf_end_run(p, (unsigned)cpu, r->ts);
    if (r->args[1] != TRACE_IDLE && r->args[3] == TRACE_SWITCH_BLOCK) {
        pf_vcpu_state(p, r->args[1], -1, 0, r->ts);
    }
    if (next != TRACE_IDLE) {
        pf_vcpu_state(p, next, (int64_t)cpu, 1, r->ts);
        p->cpus[cpu] = (struct pf_cpu){next, r->ts, r->args[3], p->cpus[cpu].runq};
    }
}

static void pf_sched(struct pf *p, const struct trace_record *r)
{
    uint64_t dv = TRACE_DV(r->args[0], r->args[1]);

    switch (r->id) {
    case TRACE_EV_sched_switch:
        pf_switch(p, r);
        break;
    case TRACE_EV_sched_wake:
        pf_vcpu_state(p, dv, -1, 1, r->ts);
        break;
    case TRACE_EV_sched_block:
        pf_vcpu_state(p, dv, -1, 0, r->ts);
        break;
    case TRACE_EV_sched_migrate:
        pf_vcpu_state(p, dv, (int64_t)r->args[3], -1, r->ts);
        break;
    default:
        break;
    }
}

/* Where the instant of an event goes, from its argument names: a vCPU thread (domid_vcpu, or
 * domid + vcpu), a domain process (domid), else the pCPU thread of the hypervisor. */
static void pf_event(struct pf *p, const struct trace_event_info *ev, const struct trace_record *r)
{
    const char *cat = trace_class_name(ev->cls);
    char name[64];

    snprintf(name, sizeof(name), "%s", ev->name);
    if (r->id == TRACE_EV_trap && trace_ec_name((unsigned)r->args[1] & 63)) {
        snprintf(name, sizeof(name), "trap %s", trace_ec_name((unsigned)r->args[1] & 63));
    }
    if (strcmp(ev->args[0], "domid_vcpu") == 0 && r->args[0] != TRACE_IDLE) {
        pf_vcpu(p, r->args[0]);
        pf_instant(p, name, cat, 't', pf_pid(r->args[0] >> 16), pf_tid(r->args[0]), r->ts,
                   pf_args(ev, r));
    } else if (strcmp(ev->args[0], "domid") == 0 && ev->nargs > 1 &&
               strcmp(ev->args[1], "vcpu") == 0) {
        uint64_t dv = TRACE_DV(r->args[0], r->args[1]);
        pf_vcpu(p, dv);
        pf_instant(p, name, cat, 't', pf_pid(r->args[0]), pf_tid(dv), r->ts, pf_args(ev, r));
    } else if (strcmp(ev->args[0], "domid") == 0 && r->args[0] != TRACE_HYP_DOMID) {
        pf_see_domain(p, r->args[0]);
        pf_instant(p, name, cat, 'p', pf_pid(r->args[0]), pf_tid(TRACE_DV(r->args[0], 0)), r->ts,
                   pf_args(ev, r));
    } else {
        pf_instant(p, name, cat, 't', PF_HYP_PID, PF_HYP_TID_BASE + r->cpu, r->ts, pf_args(ev, r));
    }
}

static void pf_hypervisor_meta(struct pf *p)
{
    pf_meta(p, "process_name", PF_HYP_PID, 0, json_pack("{s:s}", "name", "tessera hypervisor"));
    pf_meta(p, "process_sort_index", PF_HYP_PID, 0, json_pack("{s:i}", "sort_index", 0));
    for (uint32_t c = 0; c < p->d->ncpus; c++) {
        char label[32];
        snprintf(label, sizeof(label), "pCPU %u", c);
        pf_meta(p, "thread_name", PF_HYP_PID, PF_HYP_TID_BASE + (int)c,
                json_pack("{s:s}", "name", label));
        pf_meta(p, "thread_sort_index", PF_HYP_PID, PF_HYP_TID_BASE + (int)c,
                json_pack("{s:i}", "sort_index", (int)c));
        p->cpus[c] = (struct pf_cpu){TRACE_IDLE, 0, 0, -1};
    }
    for (uint32_t i = 0; i < p->d->ndomains; i++) {
        if (p->d->domains[i].domid <= PF_MAX_DOMID) {
            pf_see_domain(p, p->d->domains[i].domid);
        }
    }
}

static int pf_build(struct pf *p)
{
    size_t n;
    const struct trace_record **all = trace_data_merge(p->d, &n);
    uint64_t end = p->d->dump_ts;

    if (!all) {
        return -ENOMEM;
    }
    pf_hypervisor_meta(p);
    for (size_t i = 0; i < n && !p->failed; i++) {
        const struct trace_event_info *ev = trace_event_by_id(all[i]->id);
        if (ev->cls == TRACE_CLASS_sched) {
            pf_sched(p, all[i]);
        }
        pf_event(p, ev, all[i]);
        end = all[i]->ts > end ? all[i]->ts : end;
    }
    for (uint32_t c = 0; c < p->d->ncpus; c++) {
        pf_end_run(p, c, end);
    }
    free(all);
    return p->failed ? -ENOMEM : 0;
}

int trace_perfetto_write(const struct trace_data *d, const char *path, struct trace_err *e)
{
    struct pf *p = calloc(1, sizeof(*p));
    json_t *root = NULL;
    int rc = -ENOMEM;

    if (p && (p->cpus = calloc(d->ncpus ? d->ncpus : 1, sizeof(*p->cpus))) != NULL &&
        (p->events = json_array()) != NULL) {
        p->d = d;
        rc = pf_build(p);
    }
    if (rc == 0) {
        root = json_pack("{s:O, s:s, s:{s:s, s:I, s:I, s:I}}", "traceEvents", p->events,
                         "displayTimeUnit", "ns", "otherData", "source", "tessera trace",
                         "counter_hz", (json_int_t)d->counter_hz, "records",
                         (json_int_t)d->nrecords, "lost", (json_int_t)d->lost);
        rc = root ? 0 : -ENOMEM;
    }
    if (rc) {
        trace_err_set(e, rc, "out of memory building the Perfetto JSON");
    } else if (json_dump_file(root, path, JSON_COMPACT | JSON_REAL_PRECISION(15)) != 0) {
        rc = trace_err_set(e, -EIO, "%s: could not write the Perfetto JSON", path);
    }
    json_decref(root);
    if (p) {
        json_decref(p->events);
        free(p->cpus);
        free(p->vcpus);
    }
    free(p);
    return rc;
}
