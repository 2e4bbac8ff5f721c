/* Event channels: static, manifest-declared links between ports of two domains. Sending on a
 * port raises a pending bit on the linked port of the peer; a domain reads and clears its
 * pending bits. (Delivery as a virtual interrupt arrives with the vGIC.) */
#ifndef TESSERA_EVTCHN_H
#define TESSERA_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera/hypercall.h>

struct domain;

struct evtchn_port {
    bool bound;
    int peer_dom; /* domain id of the other end */
    unsigned peer_port;
};

struct evtchn_table {
    struct evtchn_port port[HC_EVTCHN_PORTS];
    uint32_t pending; /* bit n: an event arrived on port n (atomic) */
    uint64_t sent, received;
};

/* Links port a_port of domain a with port b_port of domain b, both ways. -EINVAL for a port
 * out of range, -EBUSY if either port is already linked. */
int evtchn_link(struct domain *a, unsigned a_port, struct domain *b, unsigned b_port);
/* Raises an event from d's port: -EINVAL bad or unlinked port, -ESRCH if the peer is gone. */
int evtchn_send(struct domain *d, unsigned port);
/* Takes d's pending bits (clearing them). */
uint32_t evtchn_take_pending(struct domain *d);

#endif
