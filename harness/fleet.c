/* The manifest on the host: finds the manifest node of a scenario or a boot DTB and runs the
 * hypervisor's own parser and validator on it, so `tessera check` and the hypervisor agree. */
#include <errno.h>
#include <libfdt.h>

#include <tessera/harness/fleet.h>
#include <tessera/harness/scenario.h>

#define FLEET_ERR_MAX 512

/* The manifest node of a boot DTB and whether it is a Tessera one. */
static int fleet_boot_node(const void *fdt, enum scenario_kind *kind, struct herr *e)
{
    int node = fdt_path_offset(fdt, "/chosen/hypervisor");

    if (node >= 0) {
        *kind = SCENARIO_TESSERA;
        return node;
    }
    *kind = SCENARIO_DOM0LESS;
    node = fdt_path_offset(fdt, "/chosen");
    if (node < 0) {
        return herr_set(e, -EINVAL, "the boot DTB has no /chosen node");
    }
    return node;
}

int fleet_load(const void *fdt, enum mf_source src, unsigned pcpus, struct mf_fleet *f,
               struct herr *e)
{
    char err[FLEET_ERR_MAX] = "";
    enum scenario_kind kind;
    int node, rc;

    node = src == MF_SCENARIO ? scenario_manifest(fdt, &kind, e) : fleet_boot_node(fdt, &kind, e);
    if (node < 0) {
        return node;
    }
    if (kind == SCENARIO_TESSERA) {
        rc = mf_parse(fdt, node, src, f, err, sizeof(err));
        if (rc == 0 && src == MF_BOOT_DTB && mf_run_seed(fdt, fdt_path_offset(fdt, "/chosen"), f)) {
            return herr_set(e, -EINVAL, "/chosen/tessera,seed: not a 64-bit value");
        }
    } else {
        rc = mf_parse_dom0less(fdt, node, src, f, err, sizeof(err));
        if (rc == -ENOENT) {
            return herr_set(e, rc,
                            "no /chosen/hypervisor node and no xen,domain nodes under "
                            "/chosen: nothing to launch");
        }
    }
    if (rc == 0) {
        rc = mf_validate(fdt, f, pcpus, err, sizeof(err));
    }
    return rc ? herr_set(e, rc, "%s", err) : 0;
}
