/* tessera-toolstack: the Linux Dom0's toolstack, a static aarch64 Linux program run by the
 * Dom0 initramfs's /init. It does the bare-metal toolstack's work (guests/toolstack/ts_core.c:
 * the same manifest library, domspec and domctl sequence) from Linux userspace, without a
 * kernel module: hypercalls go through the control window (docs/hypercalls.md, "Control
 * window") and the fleet's boot DTB and modules are read through /dev/mem, all of it mapped
 * with /dev/mem (Debian's kernel needs `iomem=relaxed`). /dev/mem gives device mappings, where
 * an unaligned access faults: everything is moved with aligned 64-bit loads and stores, and the
 * library works on copies. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tessera/arch.h>
#include <tessera/ctlwin_abi.h>
#include <tessera/hypercall.h>
#include <tessera/launch.h>

#include "ts.h"

#define DT_CHOSEN "/proc/device-tree/chosen/"
#define PAGE      4096ull

struct shadow {
    paddr_t pa; /* the module's physical address (what the manifest says) */
    uint64_t size;
    uint64_t ipa; /* where this domain sees it: the window offset + pa */
    const uint8_t *copy;
};

static int devmem = -1;
static volatile uint64_t *doorbell;
static volatile uint64_t *staging;
static uint64_t module_offset;
static struct shadow shadows[3 * MF_MAX_DOMAINS];
static size_t nshadows;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    exit(1);
}

/* A big-endian 64-bit property of /chosen, as Linux exports it. */
static uint64_t chosen_u64(const char *name)
{
    char path[128];
    unsigned char b[8];
    FILE *f;
    uint64_t v = 0;

    snprintf(path, sizeof(path), DT_CHOSEN "%s", name);
    if (!(f = fopen(path, "rb")) || fread(b, 1, 8, f) != 8) {
        die("%s: cannot read it (%s): not started as Tessera's control domain", path,
            strerror(errno));
    }
    fclose(f);
    for (int i = 0; i < 8; i++) {
        v = v << 8 | b[i];
    }
    return v;
}

/* [ipa, ipa + size) mapped through /dev/mem; *base is the mapping of the page it starts in. */
static volatile void *map(uint64_t ipa, uint64_t size, int prot, void **base, size_t *len)
{
    uint64_t start = ipa & ~(PAGE - 1);

    *len = (size_t)((ipa + size - start + PAGE - 1) & ~(PAGE - 1));
    *base = mmap(NULL, *len, prot, MAP_SHARED, devmem, (off_t)start);
    if (*base == MAP_FAILED) {
        die("mmap of /dev/mem at 0x%llx (%zu bytes): %s (is iomem=relaxed on the kernel's "
            "command line?)",
            (unsigned long long)start, *len, strerror(errno));
    }
    return (volatile uint8_t *)*base + (ipa - start);
}

/* A copy of [ipa, ipa + size) in ordinary memory, read with aligned 64-bit loads. */
static uint8_t *copy_in(uint64_t ipa, uint64_t size)
{
    uint64_t first = ipa & ~7ull, words = (ipa + size - first + 7) / 8;
    uint64_t *buf = malloc(words * 8);
    void *base;
    size_t len;
    volatile uint64_t *src = map(first, words * 8, PROT_READ, &base, &len);

    if (!buf) {
        die("out of memory for a %llu-byte module", (unsigned long long)size);
    }
    for (uint64_t i = 0; i < words; i++) {
        buf[i] = src[i];
    }
    munmap(base, len);
    return (uint8_t *)buf + (ipa - first);
}

void *arch_phys_to_virt(paddr_t pa)
{
    for (size_t i = 0; i < nshadows; i++) {
        if (pa >= shadows[i].pa && pa - shadows[i].pa < shadows[i].size) {
            return (void *)(shadows[i].copy + (pa - shadows[i].pa));
        }
    }
    die("the library asked for physical address 0x%llx, which is in no boot module",
        (unsigned long long)pa);
}

static void shadow_module(const struct mf_module *m)
{
    if (!m->present || nshadows == sizeof(shadows) / sizeof(shadows[0])) {
        return;
    }
    shadows[nshadows++] = (struct shadow){m->addr, m->size, module_offset + m->addr,
                                          copy_in(module_offset + m->addr, m->size)};
}

static uint64_t lx_ipa(const void *p)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < nshadows; i++) {
        if (b >= shadows[i].copy && (uint64_t)(b - shadows[i].copy) < shadows[i].size) {
            return shadows[i].ipa + (uint64_t)(b - shadows[i].copy);
        }
    }
    die("a pointer the library gave is in no boot module");
}

static uint64_t lx_publish(const void *buf, size_t len)
{
    uint64_t word;

    if (len > CTLWIN_STAGING_SIZE) {
        return 0;
    }
    for (size_t off = 0; off < len; off += 8) {
        word = 0;
        memcpy(&word, (const uint8_t *)buf + off, len - off < 8 ? len - off : 8);
        staging[off / 8] = word;
    }
    return CTLWIN_STAGING_IPA;
}

/* One doorbell register access, one instruction: the hypervisor emulates a trapped access from
 * the syndrome the CPU reports, and a store pair (which a compiler may make of two stores)
 * carries none. */
static void reg_wr(unsigned off, uint64_t v)
{
    __asm__ volatile("str %x0, [%1]" : : "r"(v), "r"(&doorbell[off / 8]) : "memory");
}

static uint64_t reg_rd(unsigned off)
{
    uint64_t v;
    __asm__ volatile("ldr %x0, [%1]" : "=r"(v) : "r"(&doorbell[off / 8]) : "memory");
    return v;
}

static int64_t lx_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    const uint64_t args[5] = {a1, a2, a3, a4, a5};

    reg_wr(CTLWIN_FN, fn);
    for (int i = 0; i < 5; i++) {
        reg_wr(CTLWIN_ARG(i + 1), args[i]);
    }
    reg_wr(CTLWIN_ARG(6), 0);
    reg_wr(CTLWIN_CALL, 1); /* the call happens during this store */
    return (int64_t)reg_rd(CTLWIN_STATUS);
}

static int lx_out(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
    return n;
}

/* The doorbell and the staging memory, checked. */
static void open_window(void)
{
    void *base;
    size_t len;

    doorbell = map(CTLWIN_IPA, CTLWIN_SIZE, PROT_READ | PROT_WRITE, &base, &len);
    if (reg_rd(CTLWIN_MAGIC) != CTLWIN_MAGIC_VALUE) {
        die("no control window at 0x%llx (magic 0x%llx)", (unsigned long long)CTLWIN_IPA,
            (unsigned long long)reg_rd(CTLWIN_MAGIC));
    }
    staging = map(CTLWIN_STAGING_IPA, CTLWIN_STAGING_SIZE, PROT_READ | PROT_WRITE, &base, &len);
}

/* No trace snapshot here, unlike the bare-metal toolstack. It could ask for one through the
 * control window (trace_dump): the hypervisor holds it and prints it as framed lines on its own
 * console at the end of the run, with the final dump (docs/tracing.md); the final dump already
 * holds every record a snapshot would. */
int main(void)
{
    static const struct ts_env env = {lx_call, lx_ipa, lx_publish, lx_out};
    uint64_t fleet_ipa, header[1];
    const struct mf_fleet *fleet;
    unsigned built = 0;
    uint8_t *fleet_dtb;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if ((devmem = open("/dev/mem", O_RDWR | O_SYNC)) < 0) {
        die("/dev/mem: %s", strerror(errno));
    }
    open_window();
    fleet_ipa = chosen_u64("tessera,fleet-dtb");
    module_offset = chosen_u64("tessera,module-offset");
    printf("tessera-toolstack: fleet DTB at IPA 0x%llx, modules at PA + 0x%llx\n",
           (unsigned long long)fleet_ipa, (unsigned long long)module_offset);
    /* The DTB's header: magic, then its total size (big-endian). */
    memcpy(header, copy_in(fleet_ipa, 8), 8);
    uint32_t total = __builtin_bswap32((uint32_t)(header[0] >> 32));
    fleet_dtb = copy_in(fleet_ipa, total);
    if (!(fleet = ts_parse(&env, fleet_dtb))) {
        return 1;
    }
    for (unsigned i = 0; i < fleet->count; i++) {
        if (!launch_in_fleet(&fleet->dom[i])) {
            continue; /* our own modules, and the boot domain's: not in the window */
        }
        shadow_module(&fleet->dom[i].kernel);
        shadow_module(&fleet->dom[i].ramdisk);
        shadow_module(&fleet->dom[i].dtb);
    }
    printf("tessera-toolstack: %u domains in the fleet, %zu modules read through /dev/mem\n",
           fleet->count, nshadows);
    if (ts_build_all(&built)) {
        return 1;
    }
    printf("verdict: PASS (%u domains created)\n", built);
    return 0;
}
