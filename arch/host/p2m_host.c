/* Hosted stage-2 and vCPUs: mapped ranges in a list, translation by lookup, vCPU start
 * recorded. Lets unit tests drive the real domain builder, hypercalls and lifecycle. */
#include <tessera/arch.h>
#include <tessera/arch_host.h>
#include <tessera/domain.h>
#include <tessera/errno.h>

static unsigned host_cpus = 4;
static bool host_spi_enabled[HOST_MAX_SPIS];
static struct vcpu *host_spi_vcpu[HOST_MAX_SPIS];

static unsigned host_vmid_flushes;

/* The TLB invalidation a stale VMID needs is counted for the tests. */
int arch_p2m_init(struct domain *d, bool stale_vmid)
{
    host_vmid_flushes += stale_vmid;
    d->arch.count = 0;
    d->p2m_root = 1; /* nonzero: "has a stage-2" */
    return 0;
}

unsigned arch_host_vmid_flushes(void)
{
    return host_vmid_flushes;
}

int arch_p2m_map(struct domain *d, uint64_t ipa, paddr_t pa, uint64_t size, unsigned perms)
{
    if ((ipa | pa | size) & (FRAME_SIZE - 1)) {
        return -EINVAL;
    }
    for (unsigned i = 0; i < d->arch.count; i++) {
        const struct host_p2m_range *r = &d->arch.map[i];
        if (ipa < r->ipa + r->size && r->ipa < ipa + size) {
            return -EEXIST;
        }
    }
    if (d->arch.count == HOST_P2M_MAX) {
        return -ENOMEM;
    }
    d->arch.map[d->arch.count++] = (struct host_p2m_range){ipa, pa, size, perms};
    return 0;
}

int arch_p2m_translate(const struct domain *d, uint64_t ipa, bool write, paddr_t *pa)
{
    for (unsigned i = 0; d->p2m_root && i < d->arch.count; i++) {
        const struct host_p2m_range *r = &d->arch.map[i];
        if (ipa >= r->ipa && ipa - r->ipa < r->size) {
            if (!(r->perms & (write ? P2M_W : P2M_R)) || (r->perms & P2M_DEVICE)) {
                return -EFAULT;
            }
            *pa = r->pa + (ipa - r->ipa);
            return 0;
        }
    }
    return -EFAULT;
}

void arch_p2m_destroy(struct domain *d)
{
    d->arch.count = 0;
    d->p2m_root = 0;
}

void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t arg0)
{
    v->arch = (struct arch_vcpu){.entry = entry, .arg0 = arg0};
}

int arch_vcpu_start(struct vcpu *v)
{
    if (v->pcpu >= host_cpus) {
        return -EINVAL;
    }
    v->arch.started++;
    return 0;
}

unsigned arch_cpu_count(void)
{
    return host_cpus;
}

void arch_host_set_cpus(unsigned n)
{
    host_cpus = n;
}

int arch_trace_snapshot(void)
{
    return -ENODEV; /* the hosted build has no dump transport */
}

/* No interrupt controller in the hosted build: assignments and the guest's enables and
 * routes are recorded for the tests. */
int arch_irq_assign(unsigned spi, struct vcpu *v)
{
    return arch_irq_route(spi, v);
}

void arch_irq_set_enabled(unsigned spi, bool on)
{
    if (spi < HOST_MAX_SPIS) {
        host_spi_enabled[spi] = on;
    }
}

int arch_irq_route(unsigned spi, struct vcpu *v)
{
    if (spi < HOST_MAX_SPIS) {
        host_spi_vcpu[spi] = v;
    }
    return 0;
}

int arch_irq_release(unsigned spi, const struct domain *d)
{
    if (spi >= HOST_MAX_SPIS || !host_spi_vcpu[spi] || host_spi_vcpu[spi]->dom != d) {
        return -ENOENT;
    }
    int state = host_spi_enabled[spi] ? ARCH_IRQ_WAS_ENABLED : 0;
    host_spi_enabled[spi] = false;
    host_spi_vcpu[spi] = NULL;
    return state;
}

void arch_vcpu_kick(struct vcpu *v)
{
    v->arch.kicks++;
}

bool arch_host_spi_enabled(unsigned spi)
{
    return spi < HOST_MAX_SPIS && host_spi_enabled[spi];
}

struct vcpu *arch_host_spi_vcpu(unsigned spi)
{
    return spi < HOST_MAX_SPIS ? host_spi_vcpu[spi] : NULL;
}

void arch_vcpu_stop(struct vcpu *v)
{
    v->power = VCPU_OFF; /* nothing runs in the hosted build */
}
