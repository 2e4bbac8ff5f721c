/* Kernel loader: ELF program headers, arm64 Image headers and raw images are placed where
 * their format says, and malformed or oversized images are refused with a reason. */
#include <criterion/criterion.h>
#include <string.h>
#include <tessera/errno.h>
#include <tessera/loader.h>

#define RAM 0x40000000ull
#define MIB (1ull << 20)

static uint8_t file[8192];
static struct loader_image img;
static char why[160];

static void put(uint64_t off, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        file[off + i] = (uint8_t)(v >> (8 * i));
    }
}

static void make_image(uint64_t text_offset, uint64_t image_size)
{
    memset(file, 0, sizeof(file));
    put(8, text_offset, 8);
    put(16, image_size, 8);
    put(24, 0xa, 8);
    memcpy(file + 56, "ARM\x64", 4);
}

/* An ELF64 AArch64 executable with n PT_LOAD headers at 64 + 56 * i. */
static void make_elf(unsigned n, uint64_t entry)
{
    memset(file, 0, sizeof(file));
    memcpy(file,
           "\x7f"
           "ELF",
           4);
    file[4] = 2;
    file[5] = 1;
    put(16, 2, 2);
    put(18, 183, 2);
    put(24, entry, 8);
    put(32, 64, 8);
    put(54, 56, 2);
    put(56, n, 2);
}

static void elf_segment(unsigned i, uint64_t off, uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
    uint64_t ph = 64 + 56 * i;
    put(ph, 1, 4);
    put(ph + 8, off, 8);
    put(ph + 24, paddr, 8);
    put(ph + 32, filesz, 8);
    put(ph + 40, memsz, 8);
}

Test(loader, raw_goes_to_ram_base)
{
    memset(file, 0xaa, sizeof(file));
    cr_assert_eq(loader_probe(file, 5000, RAM, 2 * MIB, &img, why, sizeof(why)), 0, "%s", why);
    cr_assert_eq(img.format, LOADER_RAW);
    cr_assert_eq(img.entry, RAM);
    cr_assert_eq(img.nseg, 1);
    cr_assert_eq(img.seg[0].filesz, 5000);
    cr_assert_eq(img.highest, RAM + 5000);
}

Test(loader, image_header_is_honoured)
{
    make_image(0x80000, 3 * MIB);
    cr_assert_eq(loader_probe(file, sizeof(file), RAM, 16 * MIB, &img, why, sizeof(why)), 0, "%s",
                 why);
    cr_assert_eq(img.format, LOADER_IMAGE);
    cr_assert_eq(img.entry, RAM + 0x80000);
    cr_assert_eq(img.seg[0].memsz, 3 * MIB, "image_size covers the bss");
    cr_assert_eq(img.highest, RAM + 0x80000 + 3 * MIB);
}

Test(loader, image_too_big_for_ram_is_refused)
{
    make_image(0, 8 * MIB);
    cr_assert_eq(loader_probe(file, sizeof(file), RAM, 4 * MIB, &img, why, sizeof(why)), -E2BIG);
    cr_assert(strstr(why, "outside the domain's RAM"), "%s", why);
}

Test(loader, big_endian_image_is_refused)
{
    make_image(0, MIB);
    put(24, 0xb, 8);
    cr_assert_eq(loader_probe(file, sizeof(file), RAM, 4 * MIB, &img, why, sizeof(why)), -ENOEXEC);
    cr_assert(strstr(why, "big-endian"), "%s", why);
}

Test(loader, elf_segments_and_entry)
{
    make_elf(2, RAM + 0x100);
    elf_segment(0, 0x1000, RAM, 0x800, 0x800);
    elf_segment(1, 0x1800, RAM + 0x10000, 0x100, 0x4000);
    cr_assert_eq(loader_probe(file, sizeof(file), RAM, 2 * MIB, &img, why, sizeof(why)), 0, "%s",
                 why);
    cr_assert_eq(img.format, LOADER_ELF);
    cr_assert_eq(img.nseg, 2);
    cr_assert_eq(img.entry, RAM + 0x100);
    cr_assert_eq(img.seg[1].ipa, RAM + 0x10000);
    cr_assert_eq(img.seg[1].memsz, 0x4000);
    cr_assert_eq(img.highest, RAM + 0x14000);
}

Test(loader, malformed_elf_is_refused)
{
    make_elf(1, RAM);
    elf_segment(0, 0x1f00, RAM, 0x1000, 0x1000); /* runs past the file */
    cr_assert_eq(loader_probe(file, sizeof(file), RAM, MIB, &img, why, sizeof(why)), -ENOEXEC);
    cr_assert(strstr(why, "outside the file"), "%s", why);

    make_elf(1, RAM);
    put(18, 62, 2); /* x86-64 */
    cr_assert_eq(loader_probe(file, sizeof(file), RAM, MIB, &img, why, sizeof(why)), -ENOEXEC);
    cr_assert(strstr(why, "AArch64"), "%s", why);

    make_elf(1, RAM + 0x5000);
    elf_segment(0, 0x100, RAM, 0x100, 0x100); /* entry outside the segment */
    cr_assert_eq(loader_probe(file, sizeof(file), RAM, MIB, &img, why, sizeof(why)), -ENOEXEC);

    make_elf(1, 0x1000);
    elf_segment(0, 0x100, 0x1000, 0x100, 0x100); /* below RAM */
    cr_assert_eq(loader_probe(file, sizeof(file), RAM, MIB, &img, why, sizeof(why)), -E2BIG);

    make_elf(0, RAM);
    cr_assert_eq(loader_probe(file, sizeof(file), RAM, MIB, &img, why, sizeof(why)), -ENOEXEC);
    cr_assert(strstr(why, "no loadable segment"), "%s", why);
}

Test(loader, empty_image_is_refused)
{
    cr_assert_eq(loader_probe(file, 0, RAM, MIB, &img, why, sizeof(why)), -ENOEXEC);
}
