/* Kernel image formats a domain can boot: ELF64 (AArch64), the Linux arm64 Image, and raw
 * binaries. The loader only reads headers and says what goes where; the domain builder
 * moves the bytes (or maps them in place). */
#ifndef TESSERA_LOADER_H
#define TESSERA_LOADER_H

#include <stddef.h>
#include <stdint.h>

#define LOADER_MAX_SEGMENTS 8

enum loader_format { LOADER_RAW, LOADER_IMAGE, LOADER_ELF };

/* One piece of the image: file bytes [offset, offset + filesz) go to IPA ipa; the
 * memsz - filesz bytes after them are zeroed. */
struct loader_segment {
    uint64_t offset;
    uint64_t filesz;
    uint64_t ipa;
    uint64_t memsz;
};

struct loader_image {
    enum loader_format format;
    uint64_t entry;  /* IPA of the first instruction */
    uint64_t lowest; /* IPA range the image occupies once loaded, bss included */
    uint64_t highest;
    struct loader_segment seg[LOADER_MAX_SEGMENTS];
    unsigned nseg;
};

/* Works out where the image (size bytes at data) goes for a domain whose RAM is
 * [ram_ipa, ram_ipa + ram_size). Returns 0, or -ENOEXEC (malformed or unsupported header)
 * or -E2BIG (does not fit in RAM), with a reason in why. */
int loader_probe(const void *data, uint64_t size, uint64_t ram_ipa, uint64_t ram_size,
                 struct loader_image *out, char *why, size_t whylen);
const char *loader_format_name(enum loader_format f);

#endif
