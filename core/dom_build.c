/* The domain builder: assembles a domain's RAM from boot-module frames mapped in place and
 * freshly allocated frames, maps it in stage-2, and places the kernel, ramdisk and device
 * tree. One builder for every launch path (hyperlaunch at boot, domctl later). */
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/dom_build.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/trace.h>
#include <tessera/vgic.h>
#include <tessera/vmid.h>

#define BUILD_BLOCK (2ull << 20) /* stage-2 block size we try to keep usable */

/* Adds a piece of RAM to the domain, keeping mem[] sorted by IPA. */
static int build_add_piece(struct domain *d, uint64_t ipa, paddr_t pa, uint64_t size, bool module)
{
    unsigned i;

    if (d->mem_count == DOM_MAX_MEM) {
        return -ENOSPC;
    }
    for (i = d->mem_count; i > 0 && d->mem[i - 1].ipa > ipa; i--) {
        d->mem[i] = d->mem[i - 1];
    }
    d->mem[i] = (struct dom_mem){.ipa = ipa, .pa = pa, .size = size, .module = module};
    d->mem_count++;
    return 0;
}

/* True if a module can be handed over: page-aligned on both sides and nothing else of the
 * domain's RAM is wanted inside its pages. */
static bool build_can_map(const struct dom_spec *s, const struct dom_module *m, uint64_t ipa)
{
    return s->allow_map && m->size > 0 && IS_ALIGNED(m->pa, FRAME_SIZE) &&
           IS_ALIGNED(ipa, FRAME_SIZE);
}

/* Maps a module in place at ipa: its frames become the domain's. The bytes after the module
 * in its last frame are zeroed, since the guest may take them for bss. */
static int build_map_module(struct domain *d, const struct dom_module *m, uint64_t ipa,
                            uint64_t ram_size)
{
    uint64_t size = ALIGN_UP(m->size, FRAME_SIZE);
    int rc = frame_transfer(&hyp_frames, m->pa, size, FRAME_MODULE, d->id);

    if (rc) {
        return rc;
    }
    lib_memset((uint8_t *)arch_phys_to_virt(m->pa) + m->size, 0, size - m->size);
    rc = build_add_piece(d, ipa, m->pa, size, true);
    /* Take the free frames after the module up to its 2 MiB boundary as well (when they are
     * free and the domain's RAM reaches that far): the whole block then maps with one
     * descriptor instead of hundreds of pages. */
    uint64_t tail = ALIGN_UP(m->pa + size, BUILD_BLOCK) - (m->pa + size);
    if (!rc && tail && IS_ALIGNED(ipa - m->pa, BUILD_BLOCK) &&
        ipa + size + tail <= DOM_RAM_IPA + ram_size &&
        frame_claim(&hyp_frames, m->pa + size, tail, d->id) == 0) {
        rc = build_add_piece(d, ipa + size, m->pa + size, tail, false);
    }
    return rc;
}

/* Allocates frames for [ipa, ipa + size) so that PA and IPA agree modulo 2 MiB, letting
 * stage-2 use block mappings; falls back to any page-aligned run. */
static int build_alloc_gap(struct domain *d, uint64_t ipa, uint64_t size)
{
    paddr_t pa;
    int rc = frame_alloc_at(&hyp_frames, size, BUILD_BLOCK, ipa & (BUILD_BLOCK - 1), d->id, &pa);

    if (rc == -ENOMEM) {
        rc = frame_alloc(&hyp_frames, size, FRAME_SIZE, d->id, &pa);
    }
    return rc ? rc : build_add_piece(d, ipa, pa, size, false);
}

/* Fills every part of [DOM_RAM_IPA, + memory) not covered by a mapped module. */
static int build_fill(struct domain *d, uint64_t ram_size)
{
    uint64_t at = DOM_RAM_IPA, end = DOM_RAM_IPA + ram_size;
    unsigned fixed = d->mem_count;
    struct dom_mem pieces[DOM_MAX_MEM];
    int rc;

    lib_memcpy(pieces, d->mem, sizeof(pieces[0]) * fixed);
    for (unsigned i = 0; i <= fixed; i++) {
        uint64_t next = i < fixed ? pieces[i].ipa : end;
        if (next < at) {
            return -EINVAL; /* modules overlap */
        }
        if (next > at && (rc = build_alloc_gap(d, at, next - at))) {
            return rc;
        }
        if (i < fixed) {
            at = pieces[i].ipa + pieces[i].size;
        }
    }
    return at <= end ? 0 : -E2BIG;
}

/* Copies len bytes (or zeroes them, src NULL) to the domain's IPA range. */
static int build_write(struct domain *d, uint64_t ipa, const void *src, uint64_t len)
{
    for (unsigned i = 0; i < d->mem_count && len > 0; i++) {
        const struct dom_mem *m = &d->mem[i];
        if (ipa < m->ipa || ipa >= m->ipa + m->size) {
            continue;
        }
        uint64_t chunk = MIN(len, m->ipa + m->size - ipa);
        void *dst = arch_phys_to_virt(m->pa + (ipa - m->ipa));
        if (src) {
            lib_memcpy(dst, src, chunk);
            src = (const uint8_t *)src + chunk;
        } else {
            lib_memset(dst, 0, chunk);
        }
        ipa += chunk;
        len -= chunk;
    }
    return len ? -EFAULT : 0;
}

static int build_load_kernel(struct domain *d, const struct dom_spec *s)
{
    const uint8_t *file = arch_phys_to_virt(s->kernel.pa);

    for (unsigned i = 0; i < s->image.nseg; i++) {
        const struct loader_segment *seg = &s->image.seg[i];
        int rc = build_write(d, seg->ipa, file + seg->offset, seg->filesz);
        if (!rc) {
            rc = build_write(d, seg->ipa + seg->filesz, NULL, seg->memsz - seg->filesz);
        }
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* The kernel can be mapped in place when it is one segment starting at the file's start. */
static bool build_kernel_mappable(const struct dom_spec *s)
{
    const struct loader_segment *seg = &s->image.seg[0];
    return s->image.nseg == 1 && seg->offset == 0 && build_can_map(s, &s->kernel, seg->ipa);
}

static int build_memory(struct domain *d, const struct dom_spec *s)
{
    int rc = 0;

    TRACE(boot_dom_step, d->id, TRACE_DOM_STEP_ALLOC, s->memory_bytes);
    d->kernel_mapped = build_kernel_mappable(s);
    if (d->kernel_mapped) {
        TRACE(boot_dom_step, d->id, TRACE_DOM_STEP_MAP_IMAGE, s->kernel.size);
        rc = build_map_module(d, &s->kernel, s->image.seg[0].ipa, s->memory_bytes);
    }
    d->ramdisk_mapped = !rc && build_can_map(s, &s->ramdisk, s->ramdisk_ipa);
    if (d->ramdisk_mapped) {
        rc = build_map_module(d, &s->ramdisk, s->ramdisk_ipa, s->memory_bytes);
    }
    if (!rc) {
        rc = build_fill(d, s->memory_bytes);
    }
    for (unsigned i = 0; !rc && i < s->device_count; i++) {
        rc = arch_p2m_map(d, s->devices[i].pa, s->devices[i].pa, s->devices[i].size,
                          P2M_R | P2M_W | P2M_DEVICE);
    }
    /* Map runs of pieces contiguous in both IPA and PA together, so blocks span them. */
    for (unsigned i = 0; !rc && i < d->mem_count;) {
        uint64_t size = d->mem[i].size;
        unsigned j = i + 1;
        while (j < d->mem_count && d->mem[j].ipa == d->mem[i].ipa + size &&
               d->mem[j].pa == d->mem[i].pa + size) {
            size += d->mem[j++].size;
        }
        rc = arch_p2m_map(d, d->mem[i].ipa, d->mem[i].pa, size, P2M_RWX);
        i = j;
    }
    return rc;
}

static int build_contents(struct domain *d, const struct dom_spec *s)
{
    int rc = 0;

    if (d->kernel_mapped) {
        /* The module's own last frame was zeroed past the file; zero the bss beyond it. */
        const struct loader_segment *seg = &s->image.seg[0];
        uint64_t mapped = ALIGN_UP(seg->filesz, FRAME_SIZE);
        if (seg->memsz > mapped) {
            rc = build_write(d, seg->ipa + mapped, NULL, seg->memsz - mapped);
        }
    } else {
        TRACE(boot_dom_step, d->id, TRACE_DOM_STEP_COPY_IMAGE, s->kernel.size);
        rc = build_load_kernel(d, s);
    }
    if (!rc && s->ramdisk.size && !d->ramdisk_mapped) {
        rc = build_write(d, s->ramdisk_ipa, arch_phys_to_virt(s->ramdisk.pa), s->ramdisk.size);
    }
    if (!rc && s->dtb_size) {
        rc = build_write(d, s->dtb_ipa, s->dtb, s->dtb_size);
    }
    return rc;
}

/* A VMID from the allocator (never derived from the id), then the stage-2 tagged with it. */
static int build_stage2(struct domain *d)
{
    bool stale;
    int rc = vmid_alloc(d->id, &d->vmid, &stale);

    return rc ? rc : arch_p2m_init(d, stale);
}

int dom_build(struct domain *d, const struct dom_spec *s)
{
    int rc = build_stage2(d);

    if (!rc) {
        rc = build_memory(d, s);
    }
    if (!rc) {
        rc = build_contents(d, s);
    }
    if (rc) {
        return rc;
    }
    d->vcounter_offset = arch_counter();
    TRACE(boot_dom_step, d->id, TRACE_DOM_STEP_VCPUS, s->vcpus);
    for (unsigned i = 0; i < s->vcpus; i++) {
        struct vcpu *v = &d->vcpu[i];
        v->dom = d;
        v->id = i;
        v->pcpu = s->affinity[i];
        v->entered = false; /* a rebuilt domain's vCPUs start afresh */
        v->power = VCPU_OFF;
        /* Secondary vCPUs start only through PSCI CPU_ON. */
        arch_vcpu_init(v, s->image.entry, s->dtb_size ? s->dtb_ipa : 0);
    }
    d->vcpu_count = s->vcpus;
    vgic_domain_init(d);
    rc = vpl011_init(d); /* its interrupt is a virtual SPI of the vGIC just reset */
    if (rc) {
        return rc;
    }
    if (s->kernel.size) {
        hyp_printf("dom %s kernel %s %s %llu bytes, entry 0x%llx", d->name,
                   loader_format_name(s->image.format), d->kernel_mapped ? "mapped" : "copied",
                   (unsigned long long)s->kernel.size, (unsigned long long)s->image.entry);
    }
    if (s->ramdisk.size) {
        hyp_printf("dom %s ramdisk %s %llu bytes at 0x%llx", d->name,
                   d->ramdisk_mapped ? "mapped" : "copied", (unsigned long long)s->ramdisk.size,
                   (unsigned long long)s->ramdisk_ipa);
    }
    return 0;
}

void dom_build_undo(struct domain *d, bool ran)
{
    /* A build that failed gives the module frames it had taken back to the module pool, so a
     * retry finds them where the loader put them. Once the domain has run, they are its RAM
     * like any other: released (scrubbed) with the rest. */
    for (unsigned i = 0; i < d->mem_count && !ran; i++) {
        if (d->mem[i].module) {
            frame_transfer(&hyp_frames, d->mem[i].pa, d->mem[i].size, d->id, FRAME_MODULE);
        }
    }
    arch_p2m_destroy(d);
    vmid_free(d->id, d->vmid);
    d->vmid = VMID_NONE;
    frame_release_all(&hyp_frames, d->id);
    d->mem_count = 0;
}
