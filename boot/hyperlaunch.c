/* Hyperlaunch: the hypervisor builds every domain of the manifest itself and starts them,
 * with no control domain in the way. */
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/launch.h>
#include <tessera/lib.h>

static void hl_spec(const struct mf_domain *m, struct dom_spec *s)
{
    lib_memset(s, 0, sizeof(*s));
    s->id = (int)m->domid;
    lib_strlcpy(s->name, m->name, sizeof(s->name));
    s->memory_bytes = m->memory_kib * 1024;
    s->vcpus = m->cpus;
    for (unsigned i = 0; i < m->cpus; i++) {
        s->affinity[i] = m->affinity[i];
    }
    s->kernel_pa = m->kernel.addr;
    s->kernel_size = m->kernel.size;
}

int launch_hyperlaunch(const struct mf_fleet *f)
{
    struct domain *built[MF_MAX_DOMAINS];
    struct dom_spec spec;
    int rc;

    for (unsigned i = 0; i < f->count; i++) {
        hl_spec(&f->dom[i], &spec);
        rc = dom_create(&spec, &built[i]);
        if (rc) {
            hyp_printf("dom %s not built (%d)", spec.name, rc);
            return rc;
        }
    }
    hyp_printf("init done");
    for (unsigned i = 0; i < f->count; i++) {
        for (unsigned v = 0; v < built[i]->vcpu_count; v++) {
            rc = arch_vcpu_start(&built[i]->vcpu[v]);
            if (rc) {
                return rc;
            }
        }
    }
    return 0;
}
