/* Passthrough ranges against QEMU's virt machine (tessera/harness/check_passthrough.h). The
 * machine is described here as hostdt parses QEMU's own tree (gic-version=3, as the harness
 * runs it; unit.harness_check_passthrough compares the two), so no QEMU is needed to check a
 * scenario. */
#include <errno.h>
#include <string.h>

#include <tessera/hostdt.h>
#include <tessera/passthrough.h>

#include <tessera/harness/check_passthrough.h>

#define VIRT_RAM_BASE 0x40000000ull

/* What the hypervisor keeps on QEMU's virt machine: the GICv3 (distributor, one redistributor
 * region, the ITS) and the PL011 it prints on. */
static const struct hostdt_hyp_region virt_hyp[] = {
    {0x08000000, 0x10000, HOSTDT_HYP_GIC, "intc@8000000"},
    {0x080a0000, 0xf60000, HOSTDT_HYP_GIC, "intc@8000000"},
    {0x08080000, 0x20000, HOSTDT_HYP_GIC_ITS, "its@8080000"},
    {0x09000000, 0x1000, HOSTDT_HYP_UART, "pl011@9000000"},
};

void check_passthrough_virt(uint32_t memory_mib, struct hostdt *hd)
{
    memset(hd, 0, sizeof(*hd));
    hd->mem[0] = (struct hostdt_region){VIRT_RAM_BASE, (uint64_t)memory_mib << 20};
    hd->mem_count = 1;
    hd->gic.version = 3;
    hd->gic.dist = (struct hostdt_region){virt_hyp[0].base, virt_hyp[0].size};
    hd->gic.redist = (struct hostdt_region){virt_hyp[1].base, virt_hyp[1].size};
    memcpy(hd->hyp, virt_hyp, sizeof(virt_hyp));
    hd->hyp_count = sizeof(virt_hyp) / sizeof(virt_hyp[0]);
    hd->uart.found = true;
    hd->uart.base = virt_hyp[3].base;
    hd->uart.size = virt_hyp[3].size;
    hd->hypervisor_node = -1;
}

int check_passthrough(const void *fdt, const struct mf_fleet *f, uint32_t memory_mib,
                      struct herr *e)
{
    struct hostdt hd;
    char err[320];
    int rc;

    check_passthrough_virt(memory_mib, &hd);
    rc = mf_check_passthrough(fdt, &hd, f, err, sizeof(err), NULL, NULL);
    return rc ? herr_set(e, rc, "%s", err) : 0;
}
