/* Integration boots of hostile guests and manifests aimed at the hypervisor itself: hypercall
 * pointers into passthrough devices and other places that are not the caller's RAM, a
 * passthrough range over the hypervisor's own devices, and VMIDs of domain ids that agree in
 * their low 8 bits. Each must be refused in words, and the hypervisor must keep running. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_helpers.h"

/* hostile-ptr: every pointer the guest hands console_write is refused with -EFAULT and the
 * guest, its neighbour and the hypervisor all run to a clean end. */
Test(hostile_ptr, console_write_pointers, .timeout = 110)
{
    struct boot b = {0};
    char *path = data_path("hostile-ptr.dts");
    json_t *iso;

    boot_run_path(path, NULL, 0, &b);
    cr_assert_null(strstr(b.console, "FATAL"), "%s", b.console);
    cr_assert_null(strstr(b.console, "FAIL"), "%s", b.console);
    check_console_has(&b, "hostile: PASS: console_write from its own passthrough device ranges "
                          "returns -EFAULT\n");
    check_console_has(&b, "hostile: PASS: console_write from unmapped IPAs returns -EFAULT\n");
    check_console_has(&b, "hostile: PASS: console_write across the end of its RAM returns "
                          "-EFAULT, nothing printed\n");
    check_console_has(&b, "hostile: PASS: console_write wrapping around 2^64 returns -EFAULT\n");
    check_console_has(&b, "hostile: PASS: console_write from other domains' RAM IPAs returns "
                          "-EFAULT\n");
    check_console_has(&b, "hostile: verdict: PASS (0 failed)\n");
    cr_assert_str_eq(get_str(domain_named(b.summary, "hostile"), "shutdown_reason"), "poweroff");
    cr_assert_str_eq(get_str(domain_named(b.summary, "neighbour"), "shutdown_reason"), "poweroff");
    cr_assert_eq(get_int(jget(b.summary, "hypervisor"), "exit_status"), 0);
    /* Every probe is refused by the pointer checks (6 device, 6 unmapped, 3 across the end of
     * RAM, 2 wrapping, 4 foreign); the fixup ran once, for the boot self-test, never for a
     * guest. */
    cr_assert_eq(per_event(&b, "guest_ptr_refused"), 21);
    cr_assert_eq(per_event(&b, "hyp_fixup"), 1);
    cr_assert_null(strstr(b.console, "data abort at EL2"), "%s", b.console);
    iso = jget(b.summary, "isolation");
    cr_assert_eq(get_int(iso, "blocked"), 2);
    cr_assert_eq(get_int(iso, "leaked"), 0);
    free(path);
    boot_free(&b, true);
}

/* its-passthrough: a passthrough range over the GIC ITS is refused by the hypervisor at boot,
 * naming the domain's device node and what it overlaps, before any domain is built. */
Test(hostile_ptr, passthrough_over_the_its_is_refused_at_boot, .timeout = 110)
{
    static const char *const fatal =
        "FATAL manifest: /chosen/hypervisor/grabber/device@8070000: reg: 0x8070000+0x20000 "
        "overlaps the GIC ITS its@8080000 at 0x8080000+0x20000";
    struct boot b = {0};
    char *path = data_path("its-passthrough.dts");

    boot_run_path(path, "--skip-check", 1, &b);
    check_console_has(&b, fatal);
    check_console_has(&b, "hyp: exit status=2\n");
    cr_assert_null(strstr(b.console, "hyp: dom grabber created"), "%s", b.console);
    cr_assert_not_null(strstr(b.err, fatal), "tessera says why on stderr: %s", b.err);
    cr_assert_eq(get_int(jget(b.summary, "hypervisor"), "exit_status"), 2);
    cr_assert_eq(per_event(&b, "passthrough_refused"), 1);
    cr_assert_eq(per_event(&b, "dom_create"), 0);
    free(path);
    boot_free(&b, true);
}

/* The VMID a `dom NAME created` line reports (its vmid= field), failing the test without one. */
static unsigned created_vmid(const struct boot *b, const char *name)
{
    const char *line;
    char want[64];
    unsigned vmid;

    snprintf(want, sizeof(want), "dom %s created id=", name);
    line = strstr(b->console, want);
    cr_assert_not_null(line, "no '%s' line:\n%s", want, b->console);
    line = strstr(line, " vmid=");
    cr_assert(line && line < strchr(strstr(b->console, want), '\n'), "no vmid= on the line");
    cr_assert_eq(sscanf(line, " vmid=%u", &vmid), 1);
    return vmid;
}

/* vmid-257: domains 1 and 257 both run, with different VMIDs from the allocator. */
Test(hostile_ptr, domains_1_and_257_get_different_vmids, .timeout = 110)
{
    struct boot b = {0};
    char *path = data_path("vmid-257.dts");

    boot_run_path(path, NULL, 0, &b);
    unsigned low = created_vmid(&b, "low"), high = created_vmid(&b, "high");
    cr_assert_neq(low, 0);
    cr_assert_neq(high, 0);
    cr_assert_neq(low, high, "domains 1 and 257 share VMID %u", low);
    cr_assert_eq(per_event(&b, "vmid_alloc"), 2);
    free(path);
    boot_free(&b, true);
}
