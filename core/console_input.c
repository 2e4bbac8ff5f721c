/* The console input: characters from the serial line go to the vPL011 of one domain at a
 * time, the one with the input focus. Three Ctrl-A in a row move the focus to the next domain
 * with a vPL011 (by domid), after the last one to the hypervisor (which discards what it
 * gets), then round again (docs/console.md). Fed by the arch's UART receive interrupt, on one
 * pCPU only, so the state below needs no lock. */
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/trace.h>
#include <tessera/vpl011.h>

#define CI_SWITCH_CHAR  0x01 /* Ctrl-A */
#define CI_SWITCH_COUNT 3
#define CI_FOCUS_HYP    (-1)
#define CI_FOCUS_AUTO   (-2) /* no switch yet: the default domain (ci_default) */
#define CI_DROPPED      0xffffu

static int ci_focus = CI_FOCUS_AUTO;
static int ci_announced = CI_FOCUS_AUTO; /* the focus the last `console input to` line named */
static unsigned ci_switch_run;           /* Ctrl-A received in a row, held back */

/* A domain that can take input: built, not ended, with a vPL011. */
static bool ci_live(const struct domain *d)
{
    return d && d->vpl011.enabled && (d->state == DOM_PAUSED || d->state == DOM_RUNNING);
}

/* The smallest domid above after of a live domain that also has all of the functions want
 * (none: any), or -1. Each domain is looked at through a reference. */
static int ci_next(int after, uint32_t want)
{
    int best = -1;

    for (unsigned i = 0; i < DOM_MAX; i++) {
        struct domain *d = dom_get_index(i);
        if (!d) {
            continue;
        }
        if (ci_live(d) && d->id > after && (d->functions & want) == want &&
            (best < 0 || d->id < best)) {
            best = d->id;
        }
        dom_put(d);
    }
    return best;
}

/* Where input goes before any switch: the domain with the console function, else the one
 * with the smallest domid. */
static int ci_default(void)
{
    int id = ci_next(-1, DOM_FUNC_CONSOLE);
    return id >= 0 ? id : ci_next(-1, 0);
}

static int ci_target(void)
{
    if (ci_focus != CI_FOCUS_AUTO) {
        return ci_focus;
    }
    int id = ci_default();
    return id >= 0 ? id : CI_FOCUS_HYP;
}

static void ci_announce(int target)
{
    if (target == ci_announced) {
        return;
    }
    ci_announced = target;
    struct domain *d = target >= 0 ? dom_get(target) : NULL;
    hyp_printf("console input to %s", d ? d->name : "hyp");
    if (d) {
        dom_put(d);
    }
}

static void ci_switch(void)
{
    int cur = ci_target();
    int next = ci_next(cur == CI_FOCUS_HYP ? -1 : cur, 0);

    ci_focus = next >= 0 ? next : CI_FOCUS_HYP;
    TRACE(console_focus, next >= 0 ? (uint64_t)next : TRACE_HYP_DOMID);
    ci_announce(ci_focus);
}

static void ci_deliver(char c)
{
    int target = ci_target();
    struct domain *d = target >= 0 ? dom_get(target) : NULL; /* alive until it is put */

    if (ci_live(d)) {
        ci_announce(target);
        vpl011_receive(d, c);
    } else {
        TRACE(console_rx, (uint8_t)c, TRACE_HYP_DOMID, CI_DROPPED);
    }
    if (d) {
        dom_put(d);
    }
}

void console_input(char c)
{
    if (c == CI_SWITCH_CHAR) {
        if (++ci_switch_run == CI_SWITCH_COUNT) {
            for (; ci_switch_run > 0; ci_switch_run--) {
                TRACE(console_rx, (uint8_t)c, TRACE_HYP_DOMID, CI_DROPPED);
            }
            ci_switch();
        }
        return;
    }
    /* One or two Ctrl-A were not a switch after all: they are input too. */
    for (; ci_switch_run > 0; ci_switch_run--) {
        ci_deliver(CI_SWITCH_CHAR);
    }
    ci_deliver(c);
}

void console_input_reset(void)
{
    ci_focus = ci_announced = CI_FOCUS_AUTO;
    ci_switch_run = 0;
}
