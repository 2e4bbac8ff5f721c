/* Arm semihosting calls used by the hypervisor (QEMU with -semihosting-config enable=on). */
#ifndef TESSERA_ARM64_SEMIHOST_H
#define TESSERA_ARM64_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Ends QEMU with status; returns only if the host ignored the call. */
void arm64_semihost_exit(int status);
/* Opens (creates, truncates) a host file for binary writing: a handle, or -1. */
/* Opens path (len bytes, NUL-terminated) for writing on the host. */
int64_t arm64_semihost_open(const char *path, size_t len);
/* Writes all of buf: 0, or -1 if the host wrote less. */
int arm64_semihost_write(int64_t handle, const void *buf, uint64_t len);
void arm64_semihost_close(int64_t handle);

#endif
