/* The interface every architecture layer (arch/arm64, arch/host) implements for the core. */
#ifndef TESSERA_ARCH_H
#define TESSERA_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;
struct domain;
struct vcpu;

/* Platform counter (CNTPCT on arm64) in ticks since reset, and its frequency. */
uint64_t arch_counter(void);
uint64_t arch_counter_hz(void);
/* Logical index of the executing pCPU (0 = boot CPU). */
unsigned arch_cpu_id(void);
/* Raw bytes to the hypervisor's serial line; the caller serialises (console lock). */
void arch_serial_write(const char *s, size_t n);
/* Low-power wait for an event (WFE) and the matching wake-up of every waiter (SEV). */
void arch_wait_event(void);
void arch_send_event(void);

/* Hypervisor address of physical memory (the hypervisor maps RAM one to one). */
void *arch_phys_to_virt(paddr_t pa);
/* Zeroes n bytes as fast as the machine can (scrubbing, fresh tables). */
void arch_zero(void *p, size_t n);
/* Copy into, out of, or zero guest memory (hypervisor addresses of frames already checked by
 * core/guest_copy.c): 0, or -EFAULT if the access faulted anyway, which on arm64 is caught by
 * an exception fixup instead of stopping the pCPU. Only guest_copy.c calls them. */
int arch_guest_copy(void *dst, const void *src, size_t n);
int arch_guest_zero(void *dst, size_t n);

/* Second-stage translation of a domain. Permissions for arch_p2m_map: */
#define P2M_R      (1u << 0)
#define P2M_W      (1u << 1)
#define P2M_X      (1u << 2)
#define P2M_RWX    (P2M_R | P2M_W | P2M_X)
#define P2M_DEVICE (1u << 3) /* device memory (passthrough MMIO), never executable */
/* Sets up d's stage-2 tagged with d->vmid (from the allocator); stale_vmid: that VMID was held
 * before, so every TLB entry tagged with it is invalidated first, on every pCPU. */
int arch_p2m_init(struct domain *d, bool stale_vmid);
int arch_p2m_map(struct domain *d, uint64_t ipa, paddr_t pa, uint64_t size, unsigned perms);
/* Translates one IPA of d to the PA of normal memory mapped for d with the access (write or
 * read); -EFAULT if unmapped, lacking the access, or device memory (a passthrough range is
 * never read or written on a guest's behalf). */
int arch_p2m_translate(const struct domain *d, uint64_t ipa, bool write, paddr_t *pa);
/* Drops d's stage-2 (its tables are d's frames) and its TLB entries; d->vmid stays d's until
 * the caller frees it. */
void arch_p2m_destroy(struct domain *d);

/* Sets up a vCPU to start at entry with its first argument register = arg0. */
void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t arg0);

/* Hands v to its pCPU (v->pcpu), which enters it; -EINVAL if that pCPU is not online,
 * -EBUSY if it already has a vCPU (one vCPU per pCPU until the schedulers land). */
int arch_vcpu_start(struct vcpu *v);
/* This pCPU runs the vCPU it is handed, or sleeps; when every domain has ended, the first
 * pCPU to notice ends the system. Never returns. */
void arch_cpu_park(void) __attribute__((noreturn));
/* Number of pCPUs online. */
unsigned arch_cpu_count(void);
/* Makes SPI spi (a passthrough device's interrupt) v's: routed to v's pCPU and delivered to
 * v. -ENODEV without an interrupt controller the arch drives, -EBUSY if another vCPU has it. */
int arch_irq_assign(unsigned spi, struct vcpu *v);
/* The guest enabled (on) or disabled its passthrough SPI spi: the physical one follows. */
void arch_irq_set_enabled(unsigned spi, bool on);
/* The guest routed its passthrough SPI spi to vCPU v: the physical one goes to v's pCPU. */
int arch_irq_route(unsigned spi, struct vcpu *v);
/* The physical side of passthrough SPI spi, if a vCPU of d owns it: disabled, its pending and
 * active state cleared, routed to no guest's pCPU and owned by nobody, so that nothing of it
 * reaches a pCPU once d has stopped (a rebuilt d gets it again with arch_irq_assign). Returns
 * what it was (ARCH_IRQ_WAS_*), or -ENOENT if d does not own it (any more). */
#define ARCH_IRQ_WAS_ENABLED (1 << 0)
#define ARCH_IRQ_WAS_PENDING (1 << 1)
#define ARCH_IRQ_WAS_ACTIVE  (1 << 2)
int arch_irq_release(unsigned spi, const struct domain *d);
/* Makes v look at its pending virtual interrupts soon: at once if it runs on another pCPU
 * (which it interrupts), on the way back to the guest if it runs on this one. */
void arch_vcpu_kick(struct vcpu *v);
/* Takes v off its pCPU (another one than the caller's) and returns once it has left, or
 * cancels its start if it had not entered yet. */
void arch_vcpu_stop(struct vcpu *v);
/* Runs fn(arg) on pCPU cpu, which must be parked (idle), and returns at once; fn runs to
 * completion before that pCPU takes anything else. -EINVAL if the pCPU is not online,
 * -EBUSY if it already has a job. */
int arch_cpu_call(unsigned cpu, void (*fn)(void *), void *arg);

/* Keeps a snapshot of the trace as it is now, to be written out with the final dump when the
 * run ends; returns its number (1, 2, ...), -ENODEV if the run's trace goes nowhere, -ENOSPC
 * after TRACE_DUMP_MAX_HELD of them. */
int arch_trace_snapshot(void);

/* Ends the whole system: status 0 = every domain ended cleanly. */
void arch_system_exit(int status) __attribute__((noreturn));
/* Stops the calling pCPU for good (after a fatal error). */
void arch_cpu_halt(void) __attribute__((noreturn));

#endif
