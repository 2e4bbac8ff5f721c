/* Kernel image probing: ELF64 program headers, the Linux arm64 Image header
 * (Documentation/arm64/booting.rst: text_offset, image_size, magic "ARM\x64" at 56), or raw. */
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/loader.h>

#define IMAGE_MAGIC       0x644d5241u /* "ARM\x64" little-endian */
#define IMAGE_HEADER_SIZE 64
#define IMAGE_ALIGN       (2ull << 20)

#define ELF_HEADER_SIZE 64
#define ELF_PHDR_SIZE   56
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define ET_EXEC         2
#define EM_AARCH64      183
#define PT_LOAD         1

static uint64_t ld_le(const void *data, uint64_t off, unsigned bytes)
{
    const uint8_t *p = (const uint8_t *)data + off;
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static int ld_fail(char *why, size_t whylen, int rc, const char *msg)
{
    lib_strlcpy(why, msg, whylen);
    return rc;
}

const char *loader_format_name(enum loader_format f)
{
    switch (f) {
    case LOADER_ELF:
        return "elf";
    case LOADER_IMAGE:
        return "image";
    default:
        return "raw";
    }
}

/* Sets the occupied range from the segments and checks it lies within RAM. */
static int ld_bounds(struct loader_image *img, uint64_t ram_ipa, uint64_t ram_size, char *why,
                     size_t whylen)
{
    img->lowest = UINT64_MAX;
    img->highest = 0;
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct loader_segment *s = &img->seg[i];
        if (s->ipa + s->memsz < s->ipa) {
            return ld_fail(why, whylen, -ENOEXEC, "a segment wraps the address space");
        }
        img->lowest = MIN(img->lowest, s->ipa);
        img->highest = MAX(img->highest, s->ipa + s->memsz);
    }
    if (img->lowest < ram_ipa || img->highest > ram_ipa + ram_size) {
        lib_snprintf(why, whylen,
                     "%s image needs IPA 0x%llx-0x%llx, outside the domain's RAM 0x%llx-0x%llx",
                     loader_format_name(img->format), (unsigned long long)img->lowest,
                     (unsigned long long)img->highest, (unsigned long long)ram_ipa,
                     (unsigned long long)(ram_ipa + ram_size));
        return -E2BIG;
    }
    if (img->entry < img->lowest || img->entry >= img->highest) {
        return ld_fail(why, whylen, -ENOEXEC, "the entry point is outside the loaded image");
    }
    return 0;
}

static int ld_elf(const void *data, uint64_t size, struct loader_image *img, char *why,
                  size_t whylen)
{
    const uint8_t *e = data;

    if (size < ELF_HEADER_SIZE || e[4] != ELFCLASS64 || e[5] != ELFDATA2LSB) {
        return ld_fail(why, whylen, -ENOEXEC, "ELF: not a 64-bit little-endian ELF file");
    }
    if (ld_le(data, 16, 2) != ET_EXEC || ld_le(data, 18, 2) != EM_AARCH64) {
        return ld_fail(why, whylen, -ENOEXEC, "ELF: not an AArch64 executable (ET_EXEC)");
    }
    uint64_t phoff = ld_le(data, 32, 8), phentsize = ld_le(data, 54, 2), phnum = ld_le(data, 56, 2);
    if (phentsize != ELF_PHDR_SIZE || phoff > size || phnum > (size - phoff) / ELF_PHDR_SIZE) {
        return ld_fail(why, whylen, -ENOEXEC, "ELF: program headers outside the file");
    }
    img->format = LOADER_ELF;
    img->entry = ld_le(data, 24, 8);
    for (uint64_t i = 0; i < phnum; i++) {
        uint64_t ph = phoff + i * ELF_PHDR_SIZE;
        if (ld_le(data, ph, 4) != PT_LOAD || ld_le(data, ph + 40, 8) == 0) {
            continue;
        }
        if (img->nseg == LOADER_MAX_SEGMENTS) {
            return ld_fail(why, whylen, -ENOEXEC, "ELF: more than 8 loadable segments");
        }
        struct loader_segment *s = &img->seg[img->nseg++];
        s->offset = ld_le(data, ph + 8, 8);
        s->ipa = ld_le(data, ph + 24, 8); /* p_paddr: guests run with the MMU off at entry */
        s->filesz = ld_le(data, ph + 32, 8);
        s->memsz = ld_le(data, ph + 40, 8);
        if (s->filesz > s->memsz || s->offset > size || s->filesz > size - s->offset) {
            return ld_fail(why, whylen, -ENOEXEC, "ELF: a segment lies outside the file");
        }
    }
    if (img->nseg == 0) {
        return ld_fail(why, whylen, -ENOEXEC, "ELF: no loadable segment");
    }
    return 0;
}

static int ld_arm64_image(const void *data, uint64_t size, uint64_t ram_ipa,
                          struct loader_image *img, char *why, size_t whylen)
{
    uint64_t text_offset = ld_le(data, 8, 8), image_size = ld_le(data, 16, 8);
    uint64_t flags = ld_le(data, 24, 8);

    if (flags & 1) {
        return ld_fail(why, whylen, -ENOEXEC, "Image: big-endian kernels are not supported");
    }
    if (image_size == 0) {
        /* Kernels before 3.17 leave image_size 0 and expect text_offset 0x80000. */
        image_size = ALIGN_UP(size, 4096u);
    }
    if (image_size < size) {
        return ld_fail(why, whylen, -ENOEXEC, "Image: image_size is smaller than the file");
    }
    img->format = LOADER_IMAGE;
    img->entry = ALIGN_UP(ram_ipa, IMAGE_ALIGN) + text_offset;
    img->seg[0] = (struct loader_segment){0, size, img->entry, image_size};
    img->nseg = 1;
    return 0;
}

int loader_probe(const void *data, uint64_t size, uint64_t ram_ipa, uint64_t ram_size,
                 struct loader_image *out, char *why, size_t whylen)
{
    const uint8_t *b = data;
    int rc;

    lib_memset(out, 0, sizeof(*out));
    if (size == 0) {
        return ld_fail(why, whylen, -ENOEXEC, "empty image");
    }
    if (size >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F') {
        rc = ld_elf(data, size, out, why, whylen);
    } else if (size >= IMAGE_HEADER_SIZE && ld_le(data, 56, 4) == IMAGE_MAGIC) {
        rc = ld_arm64_image(data, size, ram_ipa, out, why, whylen);
    } else {
        out->format = LOADER_RAW;
        out->entry = ram_ipa;
        out->seg[0] = (struct loader_segment){0, size, ram_ipa, size};
        out->nseg = 1;
        rc = 0;
    }
    return rc ? rc : ld_bounds(out, ram_ipa, ram_size, why, whylen);
}
