/* Arm semihosting calls used by the hypervisor (QEMU with -semihosting-config enable=on). */
#ifndef TESSERA_ARM64_SEMIHOST_H
#define TESSERA_ARM64_SEMIHOST_H

/* Ends QEMU with status; returns only if the host ignored the call. */
void arm64_semihost_exit(int status);

#endif
