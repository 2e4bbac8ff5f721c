/* Event channels: pending bits raised by the peer, taken by the owner. Lock-free: the only
 * shared word is each domain's pending mask, updated atomically; the peer is held by a
 * reference while it is raised. */
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/evtchn.h>
#include <tessera/trace.h>

int evtchn_link(struct domain *a, unsigned a_port, struct domain *b, unsigned b_port)
{
    if (a_port >= HC_EVTCHN_PORTS || b_port >= HC_EVTCHN_PORTS || (a == b && a_port == b_port)) {
        return -EINVAL;
    }
    struct evtchn_port *pa = &a->evtchn.port[a_port], *pb = &b->evtchn.port[b_port];
    if (pa->bound || pb->bound) {
        return -EBUSY;
    }
    *pa = (struct evtchn_port){.bound = true, .peer_dom = b->id, .peer_port = b_port};
    *pb = (struct evtchn_port){.bound = true, .peer_dom = a->id, .peer_port = a_port};
    TRACE(evtchn_link, a->id, a_port, b->id, b_port);
    return 0;
}

int evtchn_send(struct domain *d, unsigned port)
{
    if (port >= HC_EVTCHN_PORTS || !d->evtchn.port[port].bound) {
        return -EINVAL;
    }
    const struct evtchn_port *p = &d->evtchn.port[port];
    struct domain *peer = dom_get(p->peer_dom); /* alive until it is put */
    enum dom_state s = peer ? __atomic_load_n(&peer->state, __ATOMIC_ACQUIRE) : DOM_FREE;
    if (!peer || s == DOM_CRASHED || s == DOM_SHUTDOWN) {
        if (peer) {
            dom_put(peer);
        }
        return -ESRCH;
    }
    TRACE(evtchn_send, d->id, port, peer->id, p->peer_port);
    __atomic_fetch_or(&peer->evtchn.pending, 1u << p->peer_port, __ATOMIC_RELEASE);
    __atomic_fetch_add(&d->evtchn.sent, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&peer->evtchn.received, 1, __ATOMIC_RELAXED);
    arch_send_event(); /* a peer waiting in WFE looks again */
    dom_put(peer);
    return 0;
}

uint32_t evtchn_take_pending(struct domain *d)
{
    return __atomic_exchange_n(&d->evtchn.pending, 0, __ATOMIC_ACQUIRE);
}
