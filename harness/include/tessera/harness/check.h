/* `tessera check`: validates a scenario without booting it (the hypervisor's own manifest
 * parser and validator, every image resolved, the boot DTB built in memory) and prints the
 * resolved fleet: domains, pCPU map, guest-module placement and start order. */
#ifndef TESSERA_HARNESS_CHECK_H
#define TESSERA_HARNESS_CHECK_H

#include <stdint.h>
#include <stdio.h>

#include <tessera/manifest.h>

#include <tessera/harness/bootdtb.h>

#define CHECK_VIRT_RAM_BASE 0x40000000ull /* RAM of QEMU's virt machine starts here */

struct check_opts {
    const char *scenario;
    const char *images; /* NULL: the build's image directory */
    unsigned smp;       /* 0: /experiment/cpus */
};

/* What check_print shows: the fleet as the hypervisor would parse it from the boot DTB, and
 * the boot DTB's modules (with their host files). */
struct check_view {
    const char *scenario;
    const char *platform;
    unsigned pcpus;
    uint32_t memory_mib;
    const struct mf_fleet *fleet;
    const struct bootdtb *boot;
};

/* Runs the command: the fleet on out, errors on err. Returns RUN_EXIT_PASS (0) if the
 * scenario is valid, RUN_EXIT_USAGE (2) with "tessera: SCENARIO: NODE: PROPERTY: MESSAGE" on
 * err otherwise. */
int check_command(const struct check_opts *o, FILE *out, FILE *err);

/* Prints the resolved fleet. */
void check_print(const struct check_view *v, FILE *out);

#endif
