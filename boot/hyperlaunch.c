/* Hyperlaunch: the hypervisor builds every domain of the manifest itself, then starts them
 * in start-after order, with no control domain in the way. */
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/domspec.h>
#include <tessera/guest_fdt.h>
#include <tessera/launch.h>
#include <tessera/lib.h>

static uint8_t hl_dtb[GFDT_BUF_SIZE] __attribute__((aligned(8)));

int launch_hyperlaunch(const struct mf_fleet *f, char *err, size_t errlen)
{
    unsigned order[MF_MAX_DOMAINS];
    struct dom_spec spec;
    struct domain *d;
    int rc;

    mf_start_order(f, order);
    for (unsigned k = 0; k < f->count; k++) {
        rc = domspec_build(f, order[k], &spec, hl_dtb, err, errlen);
        if (!rc && (rc = dom_create(&spec, &d))) {
            lib_snprintf(err, errlen, "%s: not built (%d)", spec.name, rc);
        }
        if (rc) {
            return rc;
        }
    }
    hyp_printf("init done");
    rc = dom_start_eligible();
    if (rc) {
        lib_snprintf(err, errlen, "starting the domains failed (%d)", rc);
    }
    return rc;
}
