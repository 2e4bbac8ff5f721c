/* The resolved fleet as `tessera check` prints it: one block per domain (what the hypervisor
 * will build), the pCPU map, where each image goes in guest-module RAM, and the start order. */
#include <inttypes.h>
#include <string.h>

#include <tessera/harness/check.h>
#include <tessera/harness/scenario.h>

/* The module of the boot DTB loaded at addr (its host file and node), or NULL. */
static const struct bootdtb_module *check_module_at(const struct bootdtb *b, uint64_t addr)
{
    for (size_t i = 0; i < b->nmods; i++) {
        if (b->mods[i].addr == addr) {
            return &b->mods[i];
        }
    }
    return NULL;
}

/* Names of the bits set in v ("control, hardware"), or "none". */
static const char *check_bits(uint32_t v, const char *const names[2], char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", v & 1 ? names[0] : "", v == 3 ? ", " : "", v & 2 ? names[1] : "");
    return v ? buf : "none";
}

static void check_print_module(const struct check_view *v, const char *what,
                               const struct mf_module *m, FILE *out)
{
    const struct bootdtb_module *bm = m->present ? check_module_at(v->boot, m->addr) : NULL;

    if (!m->present) {
        fprintf(out, "    %-12s -\n", what);
        return;
    }
    fprintf(out, "    %-12s %s (%s), %" PRIu64 " bytes, loaded at 0x%" PRIx64 "\n", what,
            m->image ? m->image : "?", bm ? bm->path : "?", m->size, m->addr);
    if (m->bootargs) {
        fprintf(out, "    %-12s \"%s\"\n", "bootargs", m->bootargs);
    }
}

static void check_print_after(const struct mf_fleet *f, const struct mf_domain *d, FILE *out)
{
    fprintf(out, "    %-12s ", "start-after");
    for (unsigned k = 0; k < d->start_after_count; k++) {
        fprintf(out, "%s%s", k ? ", " : "", f->dom[d->start_after[k]].name);
    }
    fprintf(out, "%s\n", d->start_after_count ? "" : "-");
}

/* Static event-channel links and passthrough devices, one line each. */
static void check_print_wiring(const struct mf_fleet *f, const struct mf_domain *d, FILE *out)
{
    for (unsigned i = 0; i < d->link_count; i++) {
        const struct mf_link *l = &d->links[i];
        fprintf(out, "    %-12s port %u <-> %s port %u\n", "evtchn", l->port, f->dom[l->peer].name,
                l->peer_port);
    }
    for (unsigned i = 0; i < d->device_count; i++) {
        const struct mf_device *dev = &d->devices[i];
        fprintf(out, "    %-12s 0x%" PRIx64 "-0x%" PRIx64, "device", dev->base,
                dev->base + dev->size - 1);
        for (unsigned k = 0; k < dev->spi_count; k++) {
            fprintf(out, "%s%u", k ? " " : ", SPI ", dev->spi[k]);
        }
        fprintf(out, "\n");
    }
}

/* Which launch modes build the domain: the fleet proper in all of them, the control domain in
 * dom0 mode only, the boot domain in bootdomain mode only. */
static const char *check_modes(const struct mf_domain *d)
{
    unsigned roles = (d->permissions & MF_PERM_CONTROL ? SCENARIO_ROLE_CONTROL : 0) |
                     (d->functions & MF_FUNC_BOOT ? SCENARIO_ROLE_BOOT : 0);

    if (scenario_in_mode(roles, "hyperlaunch")) {
        return "every launch mode";
    }
    return scenario_in_mode(roles, "dom0") ? "dom0 mode only (control domain)"
                                           : "bootdomain mode only (boot domain)";
}

static void check_print_domain(const struct check_view *v, const struct mf_domain *d, FILE *out)
{
    static const char *const perms[2] = {"control", "hardware"};
    static const char *const funcs[2] = {"boot", "console"};
    char buf[64];

    fprintf(out, "  domain %u: %s\n", d->domid, d->name);
    fprintf(out, "    %-12s %" PRIu64 " KiB (%.1f MiB)\n", "memory", d->memory_kib,
            d->memory_kib / 1024.0);
    fprintf(out, "    %-12s %u:", "vcpus", d->cpus);
    for (unsigned i = 0; i < d->cpus; i++) {
        fprintf(out, " vCPU%u->pCPU%u", i, d->affinity[i]);
    }
    fprintf(out, "\n    %-12s %s\n", "permissions", check_bits(d->permissions, perms, buf, 64));
    fprintf(out, "    %-12s %s\n", "functions", check_bits(d->functions, funcs, buf, 64));
    fprintf(out, "    %-12s %s\n", "built in", check_modes(d));
    fprintf(out, "    %-12s %u\n", "priority", d->priority);
    fprintf(out, "    %-12s %s\n", "on-crash", mf_on_crash_name(d->on_crash));
    fprintf(out, "    %-12s %s\n", "vpl011", d->vpl011 ? "yes" : "no");
    check_print_after(v->fleet, d, out);
    check_print_wiring(v->fleet, d, out);
    check_print_module(v, "kernel", &d->kernel, out);
    check_print_module(v, "ramdisk", &d->ramdisk, out);
}

/* Which vCPU of which domain each pCPU runs (the null scheduler pins one per pCPU). */
static void check_print_pcpus(const struct check_view *v, FILE *out)
{
    fprintf(out, "\npCPU map (%u pCPUs, scheduler %s):\n", v->pcpus, v->fleet->scheduler);
    for (unsigned p = 0; p < v->pcpus; p++) {
        unsigned users = 0;
        fprintf(out, "  pCPU %-3u", p);
        for (unsigned i = 0; i < v->fleet->count; i++) {
            const struct mf_domain *d = &v->fleet->dom[i];
            for (unsigned k = 0; k < d->cpus; k++) {
                if (d->affinity[k] == p) {
                    fprintf(out, "%s%s vCPU%u", users++ ? ", " : " ", d->name, k);
                }
            }
        }
        fprintf(out, "%s\n", users ? "" : " (idle)");
    }
}

static void check_print_modules(const struct check_view *v, FILE *out)
{
    const struct bootdtb *b = v->boot;

    fprintf(out,
            "\nguest-module RAM (machine RAM 0x%" PRIx64 "-0x%" PRIx64 ", modules from RAM base "
            "+ %llu MiB, %llu MiB aligned):\n",
            b->ram_base, b->ram_base + b->ram_size - 1, BOOTDTB_MODULE_OFFSET >> 20,
            BOOTDTB_MODULE_ALIGN >> 20);
    for (size_t i = 0; i < b->nmods; i++) {
        const struct bootdtb_module *m = &b->mods[i];
        fprintf(out, "  0x%08" PRIx64 "-0x%08" PRIx64 "  %10" PRIu64 " bytes  %s (%s)\n", m->addr,
                m->addr + m->size - 1, m->size, m->node, m->image);
    }
    fprintf(out,
            "  each domain's RAM is allocated by the hypervisor and mapped at IPA 0x40000000\n");
}

static void check_print_order(const struct check_view *v, FILE *out)
{
    unsigned order[MF_MAX_DOMAINS];

    mf_start_order(v->fleet, order);
    fprintf(out, "\nstart order:\n");
    for (unsigned k = 0; k < v->fleet->count; k++) {
        const struct mf_domain *d = &v->fleet->dom[order[k]];
        fprintf(out, "  %u. %s", k + 1, d->name);
        if (strcmp(check_modes(d), "every launch mode") != 0) {
            fprintf(out, " [%s]", check_modes(d));
        }
        for (unsigned j = 0; j < d->start_after_count; j++) {
            fprintf(out, "%s%s", j ? ", " : " (after ", v->fleet->dom[d->start_after[j]].name);
        }
        fprintf(out, "%s\n", d->start_after_count ? ")" : "");
    }
}

void check_print(const struct check_view *v, FILE *out)
{
    const struct mf_fleet *f = v->fleet;

    fprintf(out, "%s: valid\n", v->scenario);
    fprintf(out, "manifest: %s, %u domain%s, scheduler %s\n",
            f->dom0less ? "Xen dom0less (xen,domain nodes under /chosen, translated)"
                        : "Tessera (/hypervisor)",
            f->count, f->count == 1 ? "" : "s", f->scheduler);
    fprintf(out, "machine: %s, %u pCPUs, %u MiB\n\ndomains:\n", v->platform, v->pcpus,
            v->memory_mib);
    for (unsigned i = 0; i < f->count; i++) {
        check_print_domain(v, &f->dom[i], out);
    }
    check_print_pcpus(v, out);
    check_print_modules(v, out);
    check_print_order(v, out);
}
