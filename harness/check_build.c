/* `tessera check`'s dry run of the launch: the hypervisor's own domain builder (core, hosted)
 * builds every domain a launch mode builds, on a copy of the machine's RAM map: the hypervisor
 * image, the boot DTB, the modules where the harness put them and the trace buffers taken first,
 * as the hypervisor takes them. A manifest that would fail to build at boot (memory per domain
 * or in total, image sizes and load addresses, device trees) fails here, with the numbers. Each
 * mode runs in a child process, since the core keeps its domains in globals. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tessera/arch_host.h>
#include <tessera/domain.h>
#include <tessera/domspec.h>
#include <tessera/frame.h>
#include <tessera/guest_fdt.h>
#include <tessera/harness/check_build.h>
#include <tessera/harness/fileio.h>
#include <tessera/lib.h>

#define MIB               ((uint64_t)1 << 20)
#define CB_HYP_OFFSET     (2 * MIB)   /* QEMU loads an Image at RAM base + 2 MiB */
#define CB_DTB_OFFSET     (128 * MIB) /* ... and its DTB at RAM base + 128 MiB */
#define CB_TRACE_KIB_DFLT 128
#define CB_ARM64_HDR_SIZE 64

struct cb_ctx {
    const struct check_build_in *in;
    uint8_t *ram; /* host copy of the machine's RAM: physical address ram_base is ram[0] */
    int64_t delta;
    char *msg;
    size_t msglen;
};

/* The hypervisor image's size in memory (bss included): the Image header's image_size. */
static int cb_hyp_size(const char *image, uint64_t *size, struct herr *e)
{
    uint8_t hdr[CB_ARM64_HDR_SIZE];
    int fd = open(image, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, hdr, sizeof(hdr)) : -1;

    if (fd >= 0) {
        close(fd);
    }
    if (n != (ssize_t)sizeof(hdr) || memcmp(hdr + 56, "ARM\x64", 4) != 0) {
        return herr_set(e, -ENOEXEC, "%s: not a hypervisor image with an arm64 Image header",
                        image);
    }
    *size = 0;
    for (int i = 7; i >= 0; i--) {
        *size = *size << 8 | hdr[16 + i];
    }
    return 0;
}

/* The largest free run of RAM left, in bytes. */
static uint64_t cb_largest_free(void)
{
    uint64_t best = 0;

    for (unsigned i = 0; i < hyp_frames.count; i++) {
        const struct frame_extent *x = &hyp_frames.ext[i];
        if (x->owner == FRAME_FREE && x->frames * FRAME_SIZE > best) {
            best = x->frames * FRAME_SIZE;
        }
    }
    return best;
}

static uint64_t cb_free_total(void)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < hyp_frames.count; i++) {
        if (hyp_frames.ext[i].owner == FRAME_FREE) {
            sum += hyp_frames.ext[i].frames * FRAME_SIZE;
        }
    }
    return sum;
}

static int cb_fail(struct cb_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cb_fail(struct cb_ctx *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->msg, c->msglen, fmt, ap);
    va_end(ap);
    return -1;
}

/* What the hypervisor takes before any domain: its image, the DTB, the modules, the trace. */
static int cb_machine(struct cb_ctx *c)
{
    const struct check_build_in *in = c->in;
    uint64_t base = (uint64_t)(uintptr_t)c->ram, trace, kib;
    paddr_t pa;

    frame_init(&hyp_frames, NULL);
    if (frame_add_ram(&hyp_frames, base, in->ram_size) ||
        frame_claim(&hyp_frames, base + CB_HYP_OFFSET, in->hyp_size, FRAME_HYP) ||
        frame_claim(&hyp_frames, base + CB_DTB_OFFSET, in->dtb_size, FRAME_HYP)) {
        return cb_fail(c,
                       "the machine's %" PRIu64 " MiB of RAM cannot hold the hypervisor "
                       "(%" PRIu64 " KiB at RAM + 2 MiB) and the boot DTB (at RAM + 128 MiB)",
                       in->ram_size / MIB, in->hyp_size >> 10);
    }
    for (size_t i = 0; i < in->nmods; i++) {
        const struct bootdtb_module *m = &in->mods[i];
        void *data = NULL;
        size_t len = 0;
        struct herr e;
        if (m->addr < in->ram_base || m->addr + m->size > in->ram_base + in->ram_size ||
            fileio_read(m->path, &data, &len, &e) || len != m->size) {
            free(data);
            return cb_fail(c, "%s: module %s (%" PRIu64 " bytes at 0x%" PRIx64 ") is not in RAM",
                           m->node, m->image, m->size, m->addr);
        }
        memcpy(c->ram + (m->addr - in->ram_base), data, len);
        free(data);
        if (frame_claim(&hyp_frames, m->addr + (uint64_t)c->delta, m->size, FRAME_MODULE)) {
            return cb_fail(c,
                           "%s: module %s at 0x%" PRIx64 "+0x%" PRIx64
                           " overlaps the hypervisor, the DTB or another module",
                           m->node, m->image, m->addr, m->size);
        }
    }
    kib = in->trace_kib          ? in->trace_kib
          : in->fleet->trace_kib ? in->fleet->trace_kib
                                 : CB_TRACE_KIB_DFLT;
    trace = kib * 1024 * in->pcpus;
    if (in->trace && frame_alloc(&hyp_frames, trace, FRAME_SIZE, FRAME_HYP, &pa)) {
        return cb_fail(c,
                       "/hypervisor: trace-kib: %" PRIu64 " KiB per pCPU for %u pCPUs "
                       "(%" PRIu64 " MiB) does not fit in the %" PRIu64
                       " MiB of free RAM left after the hypervisor, DTB and modules",
                       kib, in->pcpus, trace / MIB, cb_largest_free() / MIB);
    }
    return 0;
}

/* True if domain i is built by the hypervisor, or by a toolstack, in mode. */
static bool cb_in_mode(const struct mf_domain *d, const char *mode)
{
    bool control = d->permissions & MF_PERM_CONTROL, boot = d->functions & MF_FUNC_BOOT;

    if (control) {
        return strcmp(mode, "dom0") == 0;
    }
    if (boot) {
        return strcmp(mode, "bootdomain") == 0;
    }
    return true;
}

/* Builds domain i of the fleet (module addresses already moved into the host copy). */
static int cb_build(struct cb_ctx *c, struct mf_fleet *f, unsigned i, bool copied)
{
    static uint8_t dtb[GFDT_BUF_SIZE];
    const struct mf_domain *m = &f->dom[i];
    struct dom_spec s;
    struct domain *d;
    char why[160];
    uint64_t largest = cb_largest_free(), total = cb_free_total();
    int rc = domspec_build(f, i, &s, dtb, why, sizeof(why));

    if (rc) {
        return cb_fail(c, "%s mode: %s", c->in->mode, why);
    }
    if (copied) {
        s.allow_map = false; /* a toolstack copies the images in with domctl_load */
    }
    if ((rc = dom_create(&s, &d))) {
        return cb_fail(c,
                       "%s mode: domain '%s' (memory-kib = %" PRIu64 ") cannot be built: %s; "
                       "free RAM then: %" PRIu64 " KiB, the largest run %" PRIu64
                       " KiB (machine %" PRIu64 " MiB, less the hypervisor, its DTB, "
                       "modules, trace buffers and the domains before it)",
                       c->in->mode, m->name, m->memory_kib, lib_errstr(rc), total >> 10,
                       largest >> 10, c->in->ram_size / MIB);
    }
    return 0;
}

static int cb_mode(struct cb_ctx *c)
{
    struct mf_fleet *f = malloc(sizeof(*f));
    bool dom0 = strcmp(c->in->mode, "dom0") == 0;
    int rc;

    if (!f) {
        return cb_fail(c, "out of memory");
    }
    *f = *c->in->fleet;
    for (unsigned i = 0; i < f->count; i++) {
        struct mf_domain *d = &f->dom[i];
        d->kernel.addr += d->kernel.present ? (uint64_t)c->delta : 0;
        d->ramdisk.addr += d->ramdisk.present ? (uint64_t)c->delta : 0;
        d->dtb.addr += d->dtb.present ? (uint64_t)c->delta : 0;
    }
    arch_host_set_cpus(c->in->pcpus);
    dom_launch_complete();
    rc = cb_machine(c);
    /* The helper first (in dom0 mode it creates the others), then the fleet in manifest order. */
    for (unsigned pass = 0; pass < 2 && !rc; pass++) {
        for (unsigned i = 0; i < f->count && !rc; i++) {
            bool helper =
                (f->dom[i].permissions & MF_PERM_CONTROL) || (f->dom[i].functions & MF_FUNC_BOOT);
            if (helper == (pass == 0) && cb_in_mode(&f->dom[i], c->in->mode)) {
                rc = cb_build(c, f, i, dom0 && !helper);
            }
        }
    }
    free(f);
    return rc;
}

int check_build_mode(const struct check_build_in *in, struct herr *e)
{
    char msg[512] = "";
    int pipefd[2], status;
    pid_t pid;
    ssize_t n;

    if (pipe(pipefd)) {
        return herr_set(e, -errno, "pipe: %s", strerror(errno));
    }
    if ((pid = fork()) < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return herr_set(e, -errno, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        size_t span = in->ram_size + 2 * MIB;
        uint8_t *map = mmap(NULL, span, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        struct cb_ctx c = {.in = in, .msg = msg, .msglen = sizeof(msg)};
        int rc;
        close(pipefd[0]);
        if (map == MAP_FAILED) {
            rc =
                cb_fail(&c, "cannot map %" PRIu64 " MiB for the machine's RAM", in->ram_size / MIB);
        } else {
            /* 2 MiB aligned like the machine's RAM, so block placement behaves the same. */
            c.ram = (uint8_t *)ALIGN_UP((uintptr_t)map, 2 * MIB);
            c.delta = (int64_t)((uintptr_t)c.ram - in->ram_base);
            rc = cb_mode(&c);
        }
        if (rc && write(pipefd[1], msg, strlen(msg)) < 0) {
            _exit(2);
        }
        _exit(rc ? 1 : 0);
    }
    close(pipefd[1]);
    n = read(pipefd[0], msg, sizeof(msg) - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(pipefd[0]);
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
        return herr_set(e, -EIO, "the %s mode's dry-run build did not finish", in->mode);
    }
    if (WEXITSTATUS(status) != 0) {
        return herr_set(e, -ENOSPC, "%s", msg[0] ? msg : "the dry-run build failed");
    }
    return 0;
}

int check_build_hyp_size(const char *image, uint64_t *size, struct herr *e)
{
    return cb_hyp_size(image, size, e);
}
