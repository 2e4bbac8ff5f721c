/* Xen 4.17's console read into Tessera's milestones: every Xen line is "(XEN) [TICKS] TEXT", TICKS
 * the platform counter in hex (console_timestamps=raw); a dom0less domain's vpl011 output comes
 * as "(XEN) [TICKS] DOMN: TEXT". The lines used are listed in docs/reference-xen.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/xenlog.h>

#include "clog_tok.h"

#define XENLOG_NS_PER_S 1000000000ll
#define XENLOG_PREFIX   "(XEN) ["

void xenlog_init(struct xenlog *x, struct clog *log)
{
    memset(x, 0, sizeof(*x));
    x->log = log;
    x->hz = XENLOG_DEFAULT_HZ;
    x->loading_ns = CLOG_NONE;
}

int xenlog_add_domain(struct xenlog *x, const char *name)
{
    if (x->nnames == MF_MAX_DOMAINS || strlen(name) >= CLOG_NAME_MAX) {
        return -EINVAL;
    }
    strcpy(x->name[x->nnames++], name);
    return 0;
}

/* "(XEN) [" 16 hex digits "] ": the time in ns and the text after it. */
static bool xenlog_prefix(const struct xenlog *x, const char *line, uint64_t *t, int64_t *ns,
                          const char **text)
{
    uint64_t ticks = 0;
    const char *p = line;

    if (!clog_lit(&p, XENLOG_PREFIX)) {
        return false;
    }
    for (int i = 0; i < 16; i++, p++) {
        int v = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
        if (v < 0) {
            return false;
        }
        ticks = ticks << 4 | (uint64_t)v;
    }
    if (!clog_lit(&p, "] ")) {
        return false;
    }
    *t = ticks;
    *ns = (int64_t)((unsigned __int128)ticks * XENLOG_NS_PER_S / x->hz);
    *text = p;
    return true;
}

/* The clog index of domid id, or -1 for a domain the scenario does not have. */
static long xenlog_dom(const struct xenlog *x, uint64_t id)
{
    return id >= 1 && id <= x->nnames ? clog_find(x->log, x->name[id - 1]) : -1;
}

/* "Loading dN DTB to ...": the last step of building domain N. */
static enum clog_event xenlog_built(struct xenlog *x, int64_t ns, const char *p, long *dom)
{
    uint64_t id;
    struct clog_domain *d;

    if (!clog_u64(&p, &id) || !clog_lit(&p, " DTB to ") || (*dom = xenlog_dom(x, id)) < 0) {
        return CLOG_EV_OTHER;
    }
    d = &x->log->dom[*dom];
    if (d->created_ns != CLOG_NONE) {
        return CLOG_EV_OTHER;
    }
    d->created_ns = ns;
    d->id = (int64_t)id;
    d->build_ns = x->loading_ns != CLOG_NONE ? ns - x->loading_ns : CLOG_NONE;
    x->loading_ns = CLOG_NONE;
    return CLOG_EV_CREATED;
}

/* "DOMN: TEXT": a domain's own output; the ready marker line makes it ready. */
static int xenlog_guest(struct xenlog *x, int64_t ns, const char *p, const char *line,
                        struct clog_note *n)
{
    uint64_t id;
    long i;
    int rc;

    if (!clog_u64(&p, &id) || !clog_lit(&p, ":")) {
        return 0;
    }
    clog_lit(&p, " ");
    if ((i = xenlog_dom(x, id)) < 0) {
        char name[CLOG_NAME_MAX];
        snprintf(name, sizeof(name), "DOM%llu", (unsigned long long)id);
        return clog_feed_guest(x->log, ns, name, line, p, n); /* undeclared: a reason */
    }
    if ((rc = clog_feed_guest(x->log, ns, x->log->dom[i].name, line, p, n))) {
        return rc;
    }
    if (strcmp(p, XENLOG_READY) == 0 && x->log->dom[i].ready_ns == CLOG_NONE) {
        x->log->dom[i].ready_ns = ns;
        n->ev = CLOG_EV_READY;
    }
    return 0;
}

/* "Generic Timer IRQ: phys=30 hyp=26 virt=27 Freq: 62500 KHz" */
static void xenlog_freq(struct xenlog *x, const char *text)
{
    const char *p = strstr(text, "Freq: ");
    uint64_t khz;

    if (p && (p += 6, clog_u64(&p, &khz)) && clog_lit(&p, " KHz") && khz > 0) {
        x->hz = khz * 1000;
        x->log->counter_hz = x->hz;
    }
}

/* Xen's own lines: its first line, its counter, domain construction, init done, a panic. */
static int xenlog_xen(struct xenlog *x, int64_t ns, const char *p, struct clog_note *n)
{
    struct clog *c = x->log;
    uint64_t v;

    if (x->panic && !c->fatal) {
        x->panic = false;
        if (!(c->fatal = strdup(p))) {
            return -ENOMEM;
        }
        c->fatal_ns = ns;
        n->ev = CLOG_EV_FATAL;
    } else if (clog_lit(&p, "Panic on CPU ")) {
        x->panic = true;
    } else if (clog_lit(&p, "*** LOADING DOMU ")) {
        x->loading_ns = ns;
    } else if (clog_lit(&p, "Loading d")) {
        n->ev = xenlog_built(x, ns, p, &n->dom);
    } else if (clog_lit(&p, "Freed ") && clog_u64(&p, &v) && clog_lit(&p, "kB init memory")) {
        if (c->init_done_ns == CLOG_NONE) {
            c->init_done_ns = ns;
            n->ev = CLOG_EV_INIT_DONE;
        }
    } else if (clog_lit(&p, "Brought up ") && clog_u64(&p, &v) && v <= 0xffffffffu) {
        c->cpus = (unsigned)v;
    } else if (strstr(p, "Generic Timer IRQ:")) {
        xenlog_freq(x, p);
    }
    return 0;
}

static int xenlog_line(struct xenlog *x, const char *line, struct clog_note *n)
{
    struct clog *c = x->log;
    const char *text;
    uint64_t ticks;
    int64_t ns;

    clog_line_start(c, n);
    if (!xenlog_prefix(x, line, &ticks, &ns, &text)) {
        return clog_line_malformed(c, line, n);
    }
    n->ns = ns;
    c->last_ns = ns;
    if (!c->have_entry) {
        /* Xen's first line: it prints nothing before its console is up. */
        c->have_entry = true;
        c->counter_hz = x->hz;
        c->entry_ticks = ticks;
        c->entry_ns = ns;
        n->ev = CLOG_EV_ENTRY;
    }
    if (clog_lit(&text, "DOM")) {
        return xenlog_guest(x, ns, text, line, n);
    }
    clog_tail_push(&c->hyp_tail, line);
    return xenlog_xen(x, ns, text, n);
}

bool xenlog_all_ready(void *ctx)
{
    const struct clog *c = ((struct xenlog *)ctx)->log;
    unsigned expected = 0;

    for (size_t i = 0; i < c->ndom; i++) {
        expected += c->dom[i].expected;
    }
    return expected > 0 && clog_ready_count(c) == expected;
}

int xenlog_feed(void *ctx, const char *line, struct clog_note *n)
{
    size_t len = strlen(line);
    char *copy;
    int rc;

    if (len == 0 || line[len - 1] != '\r') {
        return xenlog_line(ctx, line, n);
    }
    /* vpl011 output keeps the guest's carriage returns: the line is what comes before them. */
    while (len > 0 && line[len - 1] == '\r') {
        len--;
    }
    if (!(copy = strndup(line, len))) {
        return -ENOMEM;
    }
    rc = xenlog_line(ctx, copy, n);
    free(copy);
    return rc;
}
