/* Arm semihosting (DUI 0471): SYS_EXIT, so QEMU ends with the hypervisor's verdict, and
 * SYS_OPEN / SYS_WRITE / SYS_CLOSE, so the trace dump reaches a file on the host. */
#include <stdint.h>
#include <tessera/arm64/semihost.h>
#include <tessera/lib.h>

#define SYS_OPEN                     0x01
#define SYS_CLOSE                    0x02
#define SYS_WRITE                    0x05
#define SYS_EXIT                     0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define OPEN_MODE_WB                 5 /* "wb" */

static int64_t semihost_call(uint64_t op, const void *block)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return (int64_t)x0;
}

void arm64_semihost_exit(int status)
{
    uint64_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(int64_t)status};
    semihost_call(SYS_EXIT, block);
}

int64_t arm64_semihost_open(const char *path, size_t len)
{
    uint64_t block[3] = {(uint64_t)(uintptr_t)path, OPEN_MODE_WB, len};
    return semihost_call(SYS_OPEN, block);
}

int arm64_semihost_write(int64_t handle, const void *buf, uint64_t len)
{
    uint64_t block[3] = {(uint64_t)handle, (uint64_t)(uintptr_t)buf, len};
    return semihost_call(SYS_WRITE, block) == 0 ? 0 : -1; /* returns the bytes NOT written */
}

void arm64_semihost_close(int64_t handle)
{
    uint64_t block[1] = {(uint64_t)handle};
    semihost_call(SYS_CLOSE, block);
}
