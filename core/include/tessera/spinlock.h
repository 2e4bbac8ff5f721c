/* Ticket spinlock. Waiters sleep in WFE instead of spinning: under QEMU's round-robin icount
 * a spinning CPU would burn a whole time slice of virtual time. */
#ifndef TESSERA_SPINLOCK_H
#define TESSERA_SPINLOCK_H

#include <stdint.h>
#include <tessera/arch.h>

struct spinlock {
    uint32_t next;
    uint32_t owner;
};

#define SPINLOCK_INIT                                                                              \
    {                                                                                              \
        0, 0                                                                                       \
    }

static inline void spin_lock(struct spinlock *l)
{
    uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
        arch_wait_event();
    }
}

static inline void spin_unlock(struct spinlock *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
    arch_send_event();
}

#endif
