/* Board description files (tessera/harness/board.h): `key = value` lines, `#` comments. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/board.h>
#include <tessera/harness/fileio.h>

#ifndef TESSERA_BOARDS_DIR
#define TESSERA_BOARDS_DIR "harness/boards"
#endif

const char *board_dir(void)
{
    const char *env = getenv("TESSERA_BOARDS");
    return env && *env ? env : TESSERA_BOARDS_DIR;
}

enum board_type { BT_STR, BT_U64, BT_UINT, BT_KIND, BT_FIRMWARE };

struct board_key {
    const char *key;
    enum board_type type;
    size_t off, size; /* strings: the array's size */
    bool required;
};

#define BK_STR(k, f, req)                                                                          \
    {                                                                                              \
        k, BT_STR, offsetof(struct board, f), sizeof(((struct board *)0)->f), req                  \
    }
#define BK_NUM(k, f, t, req)                                                                       \
    {                                                                                              \
        k, t, offsetof(struct board, f), 0, req                                                    \
    }

static const struct board_key board_keys[] = {
    BK_STR("name", name, true),
    BK_STR("description", description, true),
    BK_NUM("kind", kind, BT_KIND, true),
    BK_NUM("firmware", uboot, BT_FIRMWARE, true),
    BK_STR("u-boot", uboot_image, false),
    BK_NUM("cpus", cpus, BT_UINT, false),
    BK_NUM("ram-base", ram_base, BT_U64, true),
    BK_NUM("ram-size", ram_size, BT_U64, false),
    BK_NUM("gic-version", gic_version, BT_UINT, true),
    BK_NUM("gicd", gicd, BT_U64, true),
    BK_NUM("gicr", gicr, BT_U64, false),
    BK_NUM("gicc", gicc, BT_U64, false),
    BK_STR("uart", uart, true),
    BK_NUM("uart-base", uart_base, BT_U64, true),
    BK_STR("dtb", dtb, false),
    BK_STR("load", load, false),
    BK_STR("load-setup", load_setup, false),
    BK_STR("lava-device-type", lava_device_type, false),
};
#define BOARD_NKEYS (sizeof(board_keys) / sizeof(board_keys[0]))

static char *board_trim(char *s)
{
    char *end;

    while (isspace((unsigned char)*s)) {
        s++;
    }
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) {
        *--end = '\0';
    }
    return s;
}

static int board_value(const struct board_key *k, const char *v, struct board *b, const char *file,
                       unsigned line, struct herr *e)
{
    char *p = (char *)b + k->off, *end;
    unsigned long long n;

    switch (k->type) {
    case BT_STR:
        if (strlen(v) >= k->size) {
            return herr_set(e, -EINVAL, "%s:%u: %s: longer than %zu characters", file, line, k->key,
                            k->size - 1);
        }
        strcpy(p, v);
        return 0;
    case BT_KIND:
        if (strcmp(v, "qemu") && strcmp(v, "hardware")) {
            return herr_set(e, -EINVAL, "%s:%u: kind: '%s' is neither qemu nor hardware", file,
                            line, v);
        }
        b->kind = strcmp(v, "qemu") ? BOARD_HARDWARE : BOARD_QEMU;
        return 0;
    case BT_FIRMWARE:
        if (strcmp(v, "none") && strcmp(v, "u-boot")) {
            return herr_set(e, -EINVAL, "%s:%u: firmware: '%s' is neither none nor u-boot", file,
                            line, v);
        }
        b->uboot = !strcmp(v, "u-boot");
        return 0;
    default:
        errno = 0;
        n = strtoull(v, &end, 0);
        if (!*v || *end || errno || *v == '-' || (k->type == BT_UINT && n > 0xffffffffull)) {
            return herr_set(e, -EINVAL, "%s:%u: %s: '%s' is not a number", file, line, k->key, v);
        }
        if (k->type == BT_UINT) {
            *(unsigned *)(void *)p = (unsigned)n;
        } else {
            *(uint64_t *)(void *)p = n;
        }
        return 0;
    }
}

/* The checks across keys, once every line is read. */
static int board_check(const struct board *b, const bool *seen, const char *file, struct herr *e)
{
    for (size_t i = 0; i < BOARD_NKEYS; i++) {
        if (board_keys[i].required && !seen[i]) {
            return herr_set(e, -EINVAL, "%s: %s: missing (every board names it)", file,
                            board_keys[i].key);
        }
    }
    if (b->gic_version != 2 && b->gic_version != 3) {
        return herr_set(e, -EINVAL, "%s: gic-version: %u, but only 2 and 3 exist here", file,
                        b->gic_version);
    }
    if ((b->gic_version == 3 && !b->gicr) || (b->gic_version == 2 && !b->gicc)) {
        return herr_set(e, -EINVAL, "%s: a GICv%u needs %s", file, b->gic_version,
                        b->gic_version == 3 ? "gicr (the redistributors)" : "gicc");
    }
    if (b->kind == BOARD_HARDWARE && (!b->ram_size || !b->cpus || !b->dtb[0] || !b->uboot)) {
        return herr_set(e, -EINVAL,
                        "%s: a hardware board needs ram-size, cpus, dtb and firmware = u-boot",
                        file);
    }
    if (board_preloaded(b) && b->kind != BOARD_QEMU) {
        return herr_set(e, -EINVAL, "%s: load = loader: only QEMU has a loader device", file);
    }
    if (b->uboot && !b->load[0]) {
        return herr_set(e, -EINVAL, "%s: load: missing (the U-Boot command that loads a file)",
                        file);
    }
    if (b->kind == BOARD_QEMU && b->uboot && !b->uboot_image[0]) {
        return herr_set(e, -EINVAL, "%s: u-boot: missing (the U-Boot image QEMU runs)", file);
    }
    if (b->ram_base % BOARD_ALIGN) {
        return herr_set(e, -EINVAL, "%s: ram-base: 0x%" PRIx64 " is not 2 MiB aligned", file,
                        b->ram_base);
    }
    return 0;
}

int board_parse(const char *text, const char *file, struct board *b, struct herr *e)
{
    bool seen[BOARD_NKEYS] = {false};
    char *copy = strdup(text);
    unsigned line = 0;
    int rc = copy ? 0 : herr_set(e, -ENOMEM, "out of memory");
    const char *p = copy;

    memset(b, 0, sizeof(*b));
    while (rc == 0 && p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char buf[512], *s, *eq;
        size_t i;
        line++;
        if (n >= sizeof(buf)) {
            rc = herr_set(e, -EINVAL, "%s:%u: line longer than %zu bytes", file, line,
                          sizeof(buf) - 1);
            break;
        }
        memcpy(buf, p, n);
        buf[n] = '\0';
        p = nl ? nl + 1 : NULL;
        s = board_trim(buf);
        if (!*s || *s == '#') {
            continue;
        }
        if (!(eq = strchr(s, '='))) {
            rc = herr_set(e, -EINVAL, "%s:%u: '%s' is not `key = value`", file, line, s);
            break;
        }
        *eq = '\0';
        s = board_trim(s);
        for (i = 0; i < BOARD_NKEYS && strcmp(board_keys[i].key, s); i++) {
        }
        if (i == BOARD_NKEYS) {
            rc = herr_set(e, -EINVAL, "%s:%u: unknown key '%s'", file, line, s);
        } else if (seen[i]) {
            rc = herr_set(e, -EINVAL, "%s:%u: %s: given twice", file, line, s);
        } else {
            seen[i] = true;
            rc = board_value(&board_keys[i], board_trim(eq + 1), b, file, line, e);
        }
    }
    free(copy);
    return rc ? rc : board_check(b, seen, file, e);
}

/* "qemu-virt, qemu-virt-uboot, rpi4, zcu102": the boards dir has, sorted by name. */
static int board_name_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void board_list(const char *dir, char *buf, size_t len)
{
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, NULL);
    char **names = n > 0 ? calloc((size_t)n, sizeof(*names)) : NULL;
    size_t used = 0, k = 0;

    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t l = strlen(ents[i]->d_name);
        if (names && l > 5 && !strcmp(ents[i]->d_name + l - 5, ".conf")) {
            ents[i]->d_name[l - 5] = '\0';
            names[k++] = ents[i]->d_name;
        }
    }
    if (names) {
        qsort(names, k, sizeof(*names), board_name_order);
    }
    for (size_t i = 0; i < k && used < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", names[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    for (int i = 0; i < n; i++) {
        free(ents[i]);
    }
    free(ents);
    free(names);
}

int board_load(const char *dir, const char *name, struct board *b, struct herr *e)
{
    char file[1024], have[512];
    void *text = NULL;
    size_t len;
    int rc;

    if (!*name || strchr(name, '/') || name[0] == '.') {
        return herr_set(e, -EINVAL, "board '%s': not a board name", name);
    }
    snprintf(file, sizeof(file), "%s/%s.conf", dir, name);
    if (!fileio_is_file(file)) {
        board_list(dir, have, sizeof(have));
        return herr_set(e, -ENOENT, "unknown board '%s' (no %s); boards: %s", name, file,
                        have[0] ? have : "none");
    }
    if ((rc = fileio_read(file, &text, &len, e))) {
        return rc;
    }
    char *s = strndup(text, len); /* fileio_read does not end it with a NUL */
    rc = s ? board_parse(s, file, b, e) : herr_set(e, -ENOMEM, "out of memory");
    free(s);
    if (rc == 0 && strcmp(b->name, name)) {
        rc = herr_set(e, -EINVAL, "%s: name: '%s', but the file is called %s.conf", file, b->name,
                      name);
    }
    free(text);
    return rc;
}

bool board_preloaded(const struct board *b)
{
    return strcmp(b->load, "loader") == 0;
}

bool board_limits(const struct board *b, char *buf, size_t len)
{
    bool gic = b->gic_version != 3, uart = strcmp(b->uart, "arm,pl011") != 0;
    const char *con = uart ? "no console output" : "", *irq = gic ? "no interrupts" : "";

    if (!gic && !uart) {
        return false;
    }
    snprintf(buf, len,
             "board %s has a GICv%u and a %s UART, and this hypervisor build drives only a "
             "GICv3 and a PL011: expect %s%s%s on it until drivers for them exist",
             b->name, b->gic_version, b->uart, con, gic && uart ? " and " : "", irq);
    return true;
}
