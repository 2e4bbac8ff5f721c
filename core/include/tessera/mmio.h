/* Emulated MMIO: guest accesses to device ranges the hypervisor emulates (trapped as stage-2
 * faults, decoded by the arch layer). */
#ifndef TESSERA_MMIO_H
#define TESSERA_MMIO_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Emulates one access of size bytes at ipa; reads fill *value. False if no emulated device
 * of the domain covers ipa, or the device refused the access: the caller then reflects the
 * fault into the guest. */
bool mmio_emulate(struct vcpu *v, uint64_t ipa, unsigned size, bool write, uint64_t *value);

#endif
