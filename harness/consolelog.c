/* Parser of the hypervisor's console lines (docs/console.md): "[S.NNNNNNNNN] NAME: TEXT" lines
 * become milestones of the hypervisor and of each domain. Malformed lines are counted, never
 * allowed to change a recorded time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/domctl_abi.h>
#include <tessera/harness/consolelog.h>

#include "clog_tok.h"

#define CLOG_NS_PER_S           1000000000ll
#define CLOG_MAX_SECONDS_DIGITS 9

/* ---- domains and tails ---- */

void clog_tail_push(struct clog_tail *t, const char *line)
{
    char *copy = strdup(line);
    if (!copy) {
        return; /* the tail is diagnostic only; the line itself is already in console.log */
    }
    free(t->line[t->next]);
    t->line[t->next] = copy;
    t->next = (t->next + 1) % CLOG_TAIL;
    if (t->count < CLOG_TAIL) {
        t->count++;
    }
}

static void clog_tail_free(struct clog_tail *t)
{
    for (unsigned i = 0; i < CLOG_TAIL; i++) {
        free(t->line[i]);
    }
    memset(t, 0, sizeof(*t));
}

unsigned clog_tail_lines(const struct clog_tail *t, const char *out[CLOG_TAIL])
{
    unsigned first = (t->next + CLOG_TAIL - t->count) % CLOG_TAIL;
    for (unsigned i = 0; i < t->count; i++) {
        out[i] = t->line[(first + i) % CLOG_TAIL];
    }
    return t->count;
}

void clog_init(struct clog *c)
{
    memset(c, 0, sizeof(*c));
    c->entry_ns = CLOG_NONE;
    c->init_done_ns = CLOG_NONE;
    c->exit_ns = CLOG_NONE;
    c->fatal_ns = CLOG_NONE;
    c->dom0less = -1;
    c->last_ns = CLOG_NONE;
}

void clog_free(struct clog *c)
{
    for (size_t i = 0; i < c->ndom; i++) {
        clog_tail_free(&c->dom[i].tail);
    }
    free(c->dom);
    free(c->first_malformed);
    free(c->fatal);
    clog_tail_free(&c->hyp_tail);
    clog_tail_free(&c->other_tail);
    metrics_free(&c->metrics);
    clog_init(c);
}

long clog_find(const struct clog *c, const char *name)
{
    for (size_t i = 0; i < c->ndom; i++) {
        if (strcmp(c->dom[i].name, name) == 0) {
            return (long)i;
        }
    }
    return -1;
}

/* Index of the domain called name, added if new. Returns -ENOMEM or -EINVAL on failure. */
static long clog_get(struct clog *c, const char *name)
{
    long i = clog_find(c, name);
    struct clog_domain *d;

    if (i >= 0) {
        return i;
    }
    if (!domctl_name_valid(name)) { /* the rule every domain name follows */
        return -EINVAL;
    }
    if (c->ndom == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 4;
        struct clog_domain *bigger = realloc(c->dom, cap * sizeof(*bigger));
        if (!bigger) {
            return -ENOMEM;
        }
        c->dom = bigger;
        c->cap = cap;
    }
    d = &c->dom[c->ndom];
    memset(d, 0, sizeof(*d));
    strcpy(d->name, name);
    d->id = CLOG_NONE;
    d->created_ns = d->first_instr_ns = d->first_output_ns = CLOG_NONE;
    d->ready_ns = d->shutdown_ns = d->build_ns = CLOG_NONE;
    return (long)c->ndom++;
}

long clog_declare(struct clog *c, const char *name)
{
    long i = clog_declare_idle(c, name);
    if (i >= 0) {
        c->dom[i].expected = true;
    }
    return i;
}

long clog_declare_idle(struct clog *c, const char *name)
{
    long i = clog_get(c, name);
    if (i >= 0) {
        c->dom[i].declared = true;
    }
    return i;
}

unsigned clog_ready_count(const struct clog *c)
{
    unsigned n = 0;
    for (size_t i = 0; i < c->ndom; i++) {
        n += c->dom[i].expected && c->dom[i].ready_ns != CLOG_NONE;
    }
    return n;
}

/* Sets *slot to ns unless a time was already recorded; returns whether this was the first. */
static bool clog_first(int64_t *slot, int64_t ns)
{
    if (*slot != CLOG_NONE) {
        return false;
    }
    *slot = ns;
    return true;
}

/* ---- the line prefix ---- */

/* "[S.NNNNNNNNN] NAME: TEXT" (TEXT may be empty, "NAME:" alone is accepted). */
static bool clog_prefix(const char *line, int64_t *ns, char *name, const char **text)
{
    const char *p = line, *s;
    uint64_t sec, frac;

    if (!clog_lit(&p, "[")) {
        return false;
    }
    s = p;
    if (!clog_u64(&p, &sec) || p - s > CLOG_MAX_SECONDS_DIGITS || !clog_lit(&p, ".")) {
        return false;
    }
    s = p;
    if (!clog_u64(&p, &frac) || p - s != 9 || !clog_lit(&p, "] ")) {
        return false;
    }
    s = p + strcspn(p, ": ");
    if (*s != ':' || s == p || s - p >= CLOG_NAME_MAX) {
        return false;
    }
    memcpy(name, p, (size_t)(s - p));
    name[s - p] = '\0';
    p = s + 1;
    if (*p != '\0' && !clog_lit(&p, " ")) {
        return false;
    }
    *ns = (int64_t)sec * CLOG_NS_PER_S + (int64_t)frac;
    *text = p;
    return true;
}

/* ---- hypervisor milestones ---- */

/* "entry el=2 counter_hz=HZ entry_ticks=T cpus=N" */
static enum clog_event clog_entry(struct clog *c, const char *p)
{
    uint64_t el, hz, ticks, cpus;

    if (!clog_lit(&p, "el=") || !clog_u64(&p, &el) || !clog_lit(&p, " counter_hz=") ||
        !clog_u64(&p, &hz) || !clog_lit(&p, " entry_ticks=") || !clog_u64(&p, &ticks) ||
        !clog_lit(&p, " cpus=") || !clog_u64(&p, &cpus) || !clog_end(p) || hz == 0 ||
        cpus > 0xffffffffu) {
        return CLOG_EV_MALFORMED;
    }
    if (c->have_entry) {
        return CLOG_EV_OTHER;
    }
    c->have_entry = true;
    c->counter_hz = hz;
    c->entry_ticks = ticks;
    c->entry_ns = (int64_t)((unsigned __int128)ticks * CLOG_NS_PER_S / hz);
    c->cpus = (unsigned)cpus;
    return CLOG_EV_ENTRY;
}

/* "exit status=S" */
static enum clog_event clog_exit(struct clog *c, int64_t ns, const char *p)
{
    int status;

    if (!clog_lit(&p, "status=") || !clog_int(&p, &status) || !clog_end(p)) {
        return CLOG_EV_MALFORMED;
    }
    c->have_exit = true;
    c->exit_status = status;
    c->exit_ns = ns;
    return CLOG_EV_EXIT;
}

/* After "dom NAME ": "created id=ID" with an optional " build_ns=NS" (the hypervisor's own
 * count of the construction time). */
static enum clog_event clog_created(struct clog_domain *d, int64_t ns, const char *p)
{
    uint64_t id, build = 0;
    bool has_build;

    if (!clog_lit(&p, "id=") || !clog_u64(&p, &id) || id > INT32_MAX) {
        return CLOG_EV_MALFORMED;
    }
    has_build = clog_lit(&p, " build_ns=");
    if ((has_build && (!clog_u64(&p, &build) || build > INT64_MAX)) || !clog_end(p)) {
        return CLOG_EV_MALFORMED;
    }
    if (!clog_first(&d->created_ns, ns)) {
        return CLOG_EV_OTHER;
    }
    d->id = (int64_t)id;
    d->build_ns = has_build ? (int64_t)build : CLOG_NONE;
    return CLOG_EV_CREATED;
}

/* After "dom NAME ": "vcpu V entry pc=0xPC" */
static enum clog_event clog_vcpu(struct clog_domain *d, int64_t ns, const char *p)
{
    uint64_t vcpu, pc;

    if (!clog_u64(&p, &vcpu) || !clog_lit(&p, " entry pc=") || !clog_hex(&p, &pc) || !clog_end(p)) {
        return CLOG_EV_MALFORMED;
    }
    if (vcpu != 0 || !clog_first(&d->first_instr_ns, ns)) {
        return CLOG_EV_OTHER;
    }
    return CLOG_EV_FIRST_INSTR;
}

/* After "dom NAME ": "shutdown reason=R" */
static enum clog_event clog_shutdown(struct clog_domain *d, int64_t ns, const char *p)
{
    static const char *const reasons[] = {"poweroff", "reboot", "crash"};
    char reason[CLOG_REASON_MAX];

    if (!clog_lit(&p, "reason=") || !clog_word(&p, reason, sizeof(reason)) || !clog_end(p)) {
        return CLOG_EV_MALFORMED;
    }
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        if (strcmp(reason, reasons[i]) == 0) {
            strcpy(d->shutdown_reason, reason);
            d->shutdown_ns = ns;
            return CLOG_EV_SHUTDOWN;
        }
    }
    return CLOG_EV_MALFORMED;
}

/* "mapped" or "copied", then " BYTES bytes" */
static bool clog_placement(const char **p, struct clog_module *m)
{
    if (clog_lit(p, "mapped")) {
        m->mapped = true;
    } else if (clog_lit(p, "copied")) {
        m->mapped = false;
    } else {
        return false;
    }
    return clog_lit(p, " ") && clog_u64(p, &m->bytes) && clog_lit(p, " bytes");
}

/* Keeps m as the domain's module record unless one was reported already. */
static enum clog_event clog_module(struct clog_module *slot, const struct clog_module *m,
                                   enum clog_event ev)
{
    if (slot->seen) {
        return CLOG_EV_OTHER;
    }
    *slot = *m;
    slot->seen = true;
    return ev;
}

/* After "dom NAME ": "kernel FORMAT mapped|copied BYTES bytes, entry 0xADDR" */
static enum clog_event clog_kernel(struct clog_domain *d, const char *p)
{
    struct clog_module m = {0};

    if (!clog_word(&p, m.format, sizeof(m.format)) || !clog_lit(&p, " ") ||
        !clog_placement(&p, &m) || !clog_lit(&p, ", entry ") || !clog_hex(&p, &m.addr) ||
        !clog_end(p)) {
        return CLOG_EV_MALFORMED;
    }
    return clog_module(&d->kernel, &m, CLOG_EV_KERNEL);
}

/* After "dom NAME ": "ramdisk mapped|copied BYTES bytes at 0xADDR" */
static enum clog_event clog_ramdisk(struct clog_domain *d, const char *p)
{
    struct clog_module m = {0};

    if (!clog_placement(&p, &m) || !clog_lit(&p, " at ") || !clog_hex(&p, &m.addr) ||
        !clog_end(p)) {
        return CLOG_EV_MALFORMED;
    }
    return clog_module(&d->ramdisk, &m, CLOG_EV_RAMDISK);
}

static enum clog_event clog_dom_verb(struct clog_domain *d, int64_t ns, const char *p)
{
    char verb[16];

    if (!clog_word(&p, verb, sizeof(verb))) {
        return CLOG_EV_OTHER; /* a verb this parser does not know */
    }
    clog_lit(&p, " ");
    if (strcmp(verb, "created") == 0) {
        return clog_created(d, ns, p);
    }
    if (strcmp(verb, "vcpu") == 0) {
        return clog_vcpu(d, ns, p);
    }
    if (strcmp(verb, "shutdown") == 0) {
        return clog_shutdown(d, ns, p);
    }
    if (strcmp(verb, "ready") == 0) {
        return clog_first(&d->ready_ns, ns) ? CLOG_EV_READY : CLOG_EV_OTHER;
    }
    if (strcmp(verb, "fault") == 0) {
        d->faults++;
        return CLOG_EV_FAULT;
    }
    if (strcmp(verb, "kernel") == 0) {
        return clog_kernel(d, p);
    }
    if (strcmp(verb, "ramdisk") == 0) {
        return clog_ramdisk(d, p);
    }
    return CLOG_EV_OTHER;
}

/* The domain a line names (added if new) as n->dom; a name that cannot be a domain's marks the
 * line malformed (-EINVAL), -ENOMEM. */
static long clog_note_dom(struct clog *c, const char *name, struct clog_note *n)
{
    long i = clog_get(c, name);

    if (i >= 0) {
        n->dom = i;
    } else if (i != -ENOMEM) {
        n->ev = CLOG_EV_MALFORMED;
        i = -EINVAL;
    }
    return i;
}

/* "dom NAME VERB ...": the line also goes into the domain's tail. */
static int clog_dom(struct clog *c, int64_t ns, const char *p, const char *line,
                    struct clog_note *n)
{
    char name[CLOG_NAME_MAX];
    long i;

    if (!clog_word(&p, name, sizeof(name)) || !clog_lit(&p, " ")) {
        n->ev = CLOG_EV_MALFORMED;
        return 0;
    }
    if ((i = clog_note_dom(c, name, n)) < 0) {
        return i == -ENOMEM ? -ENOMEM : 0;
    }
    n->ev = clog_dom_verb(&c->dom[i], ns, p);
    clog_tail_push(&c->dom[i].tail, line);
    return 0;
}

/* "FATAL WHAT: MESSAGE" (after "FATAL "): the first one is kept whole. */
static int clog_fatal(struct clog *c, int64_t ns, const char *p, struct clog_note *n)
{
    if (*p == '\0') {
        n->ev = CLOG_EV_MALFORMED;
        return 0;
    }
    n->ev = CLOG_EV_FATAL;
    if (c->fatal) {
        return 0;
    }
    if (!(c->fatal = strdup(p))) {
        return -ENOMEM;
    }
    c->fatal_ns = ns;
    return 0;
}

/* "manifest: N Xen dom0less domains translated" (after "manifest: "); other manifest lines
 * are kept as they are. */
static enum clog_event clog_manifest(struct clog *c, const char *p)
{
    uint64_t count;

    if (!clog_u64(&p, &count) || !clog_lit(&p, " Xen dom0less domains translated") ||
        !clog_end(p) || count > INT32_MAX) {
        return CLOG_EV_OTHER;
    }
    c->dom0less = (int)count;
    return CLOG_EV_DOM0LESS;
}

static int clog_hyp(struct clog *c, int64_t ns, const char *p, const char *line,
                    struct clog_note *n)
{
    clog_tail_push(&c->hyp_tail, line);
    if (clog_lit(&p, "dom ")) {
        return clog_dom(c, ns, p, line, n);
    }
    if (clog_lit(&p, "FATAL ")) {
        return clog_fatal(c, ns, p, n);
    }
    if (clog_lit(&p, "manifest: ")) {
        n->ev = clog_manifest(c, p);
    } else if (clog_lit(&p, "entry ")) {
        n->ev = clog_entry(c, p);
    } else if (clog_lit(&p, "exit ")) {
        n->ev = clog_exit(c, ns, p);
    } else if (strcmp(p, "init done") == 0) {
        n->ev = clog_first(&c->init_done_ns, ns) ? CLOG_EV_INIT_DONE : CLOG_EV_OTHER;
    }
    return 0;
}

void clog_malformed(struct clog *c, const char *line)
{
    c->malformed++;
    if (!c->first_malformed) {
        c->first_malformed = strdup(line);
    }
}

/* A line of a domain's own output. */
int clog_feed_guest(struct clog *c, int64_t ns, const char *name, const char *line,
                    const char *text, struct clog_note *n)
{
    long i = clog_note_dom(c, name, n);
    int rc;

    if (i < 0) {
        return i == -ENOMEM ? -ENOMEM : 0;
    }
    c->dom[i].lines++;
    clog_tail_push(&c->dom[i].tail, line);
    if (clog_first(&c->dom[i].first_output_ns, ns)) {
        n->ev = CLOG_EV_FIRST_OUTPUT;
    }
    rc = metrics_feed(&c->metrics, name, text);
    if (rc == -EINVAL) {
        clog_malformed(c, line); /* a `lat` or `isolation` line that breaks its form */
    }
    return rc == -ENOMEM ? -ENOMEM : 0;
}

void clog_line_start(struct clog *c, struct clog_note *n)
{
    c->lines++;
    n->ev = CLOG_EV_OTHER;
    n->ns = CLOG_NONE;
    n->dom = -1;
}

int clog_line_malformed(struct clog *c, const char *line, struct clog_note *n)
{
    clog_tail_push(&c->other_tail, line);
    n->ev = CLOG_EV_MALFORMED;
    clog_malformed(c, line);
    return 0;
}

int clog_feed(struct clog *c, const char *line, struct clog_note *n)
{
    char name[CLOG_NAME_MAX];
    const char *text;
    int64_t ns;
    int rc;

    clog_line_start(c, n);
    if (!clog_prefix(line, &ns, name, &text)) {
        return clog_line_malformed(c, line, n);
    }
    n->ns = ns;
    c->last_ns = ns;
    if (strcmp(name, "hyp") == 0) {
        rc = clog_hyp(c, ns, text, line, n);
    } else {
        rc = clog_feed_guest(c, ns, name, line, text, n);
    }
    if (n->ev == CLOG_EV_MALFORMED) {
        clog_malformed(c, line);
    }
    return rc;
}

static const char *clog_event_text(enum clog_event ev)
{
    switch (ev) {
    case CLOG_EV_CREATED:
        return "created";
    case CLOG_EV_FIRST_INSTR:
        return "first instruction";
    case CLOG_EV_FIRST_OUTPUT:
        return "first output";
    case CLOG_EV_READY:
        return "ready";
    case CLOG_EV_SHUTDOWN:
        return "shutdown";
    case CLOG_EV_FAULT:
        return "fault";
    case CLOG_EV_KERNEL:
        return "kernel";
    case CLOG_EV_RAMDISK:
        return "ramdisk";
    default:
        return NULL;
    }
}

static bool clog_describe_hyp(const struct clog *c, const struct clog_note *n, char *buf,
                              size_t len)
{
    switch (n->ev) {
    case CLOG_EV_ENTRY:
        snprintf(buf, len, "hypervisor entry (counter %llu Hz, %u CPUs)",
                 (unsigned long long)c->counter_hz, c->cpus);
        return true;
    case CLOG_EV_INIT_DONE:
        snprintf(buf, len, "hypervisor init done");
        return true;
    case CLOG_EV_EXIT:
        snprintf(buf, len, "hypervisor exit status=%d", c->exit_status);
        return true;
    case CLOG_EV_FATAL:
        snprintf(buf, len, "hypervisor stopped: FATAL %s", c->fatal);
        return true;
    case CLOG_EV_DOM0LESS:
        snprintf(buf, len, "%d Xen dom0less domains translated", c->dom0less);
        return true;
    default:
        return false;
    }
}

/* "hello kernel elf, copied (12345 bytes)" */
static void clog_describe_module(const struct clog_domain *d, enum clog_event ev, char *buf,
                                 size_t len)
{
    const struct clog_module *m = ev == CLOG_EV_KERNEL ? &d->kernel : &d->ramdisk;

    snprintf(buf, len, "%s %s%s%s, %s (%llu bytes)", d->name,
             ev == CLOG_EV_KERNEL ? "kernel" : "ramdisk", m->format[0] ? " " : "", m->format,
             m->mapped ? "mapped" : "copied", (unsigned long long)m->bytes);
}

bool clog_describe(const struct clog *c, const struct clog_note *n, char *buf, size_t len)
{
    const char *what = clog_event_text(n->ev);
    const struct clog_domain *d;

    if (!what || n->dom < 0) {
        return clog_describe_hyp(c, n, buf, len);
    }
    d = &c->dom[n->dom];
    if (n->ev == CLOG_EV_SHUTDOWN) {
        snprintf(buf, len, "%s shutdown (%s)", d->name, d->shutdown_reason);
    } else if (n->ev == CLOG_EV_KERNEL || n->ev == CLOG_EV_RAMDISK) {
        clog_describe_module(d, n->ev, buf, len);
    } else {
        snprintf(buf, len, "%s %s", d->name, what);
    }
    return true;
}
