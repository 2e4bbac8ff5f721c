/* Framed UART dumps: encode in the console, find and decode them in a log around other lines,
 * and refuse corrupted logs naming the frame at fault. Also the CRC-32 itself. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_dump.h>
#include <tessera/trace_host.h>
#include "helpers.h"

/* A console log: every framed line gets a console-like prefix, and noise lines interleave. */
struct tt_log {
    char *p;
    size_t len, cap, lines;
};

static void tt_log_add(struct tt_log *l, const char *s, size_t n)
{
    if (l->len + n + 64 > l->cap) {
        l->cap = (l->len + n + 64) * 2;
        l->p = realloc(l->p, l->cap);
        cr_assert_not_null(l->p);
    }
    l->len += (size_t)sprintf(l->p + l->len, "[%08zu] hyp: ", l->lines);
    memcpy(l->p + l->len, s, n);
    l->len += n;
    l->p[l->len++] = '\n';
    l->p[l->len] = '\0';
    if (++l->lines % 7 == 0) {
        tt_log_add(l, "rt: some guest output", 21);
    }
}

static void tt_line(void *ctx, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cr_assert(s[i] >= 0x20 && s[i] < 0x7f, "unprintable byte in a framed line");
    }
    tt_log_add(ctx, s, n);
}

/* Buffers with enough records for several frames. */
static void tt_fill(unsigned records)
{
    tt_init(2, 1024, 62500000);
    trace_dump_set_domain(1, "rt");
    for (unsigned i = 0; i < records; i++) {
        tt_at(i & 1, 100 + i);
        TRACE(mmio, TRACE_DV(1, i & 1), 0x9000000 + i, 4 | TRACE_MMIO_WRITE, i * 3);
    }
}

static struct tt_log tt_uart_log(void)
{
    struct tt_log l = {0};

    tt_log_add(&l, "boot messages before the dump", 29);
    cr_assert_eq(trace_dump_uart(tt_line, &l), 0);
    tt_log_add(&l, "exit status=0", 13);
    return l;
}

static void tt_expect_error(const char *log, const char *needle)
{
    struct trace_err e;
    void *out;
    size_t n;

    cr_assert_neq(trace_uart_decode(log, strlen(log), &out, &n, &e), 0, "corruption accepted");
    cr_assert(strstr(e.msg, needle), "error '%s' does not mention '%s'", e.msg, needle);
}

Test(trace_uart, round_trip_through_a_console_log)
{
    size_t len, n;
    void *dump, *out;
    struct tt_log l;
    struct trace_err e;

    tt_fill(300);
    dump = tt_dump(&len);
    cr_assert_gt(len, 3 * TRACE_UART_FRAME_BYTES);
    l = tt_uart_log();
    cr_assert_eq(trace_uart_decode(l.p, l.len, &out, &n, &e), 0, "%s", e.msg);
    cr_assert_eq(n, len);
    cr_assert_eq(memcmp(out, dump, len), 0);
    free(out);
    free(dump);
    free(l.p);
}

Test(trace_uart, the_last_dump_of_a_log_wins)
{
    struct tt_log l;
    struct trace_err e;
    struct trace_data d;
    void *out;
    size_t n;

    tt_fill(10);
    l = tt_uart_log();
    TRACE(irq_phys, 33);
    cr_assert_eq(trace_dump_uart(tt_line, &l), 0);
    cr_assert_eq(trace_uart_decode(l.p, l.len, &out, &n, &e), 0, "%s", e.msg);
    cr_assert_eq(trace_data_parse(out, n, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.nrecords, 11);
    trace_data_free(&d);
    free(out);
    free(l.p);
}

/* A line of domain `name`, in the console's form. */
static void tt_log_named(struct tt_log *l, const char *name, const char *s, size_t n)
{
    if (l->len + n + 96 > l->cap) {
        l->cap = (l->len + n + 96) * 2;
        l->p = realloc(l->p, l->cap);
        cr_assert_not_null(l->p);
    }
    l->len += (size_t)sprintf(l->p + l->len, "[%08zu] %s: ", l->lines++, name);
    memcpy(l->p + l->len, s, n);
    l->len += n;
    l->p[l->len++] = '\n';
    l->p[l->len] = '\0';
}

/* Framed lines a guest prints as its own output (a well-formed dump of other records). */
static void tt_guest_line(void *ctx, const char *s, size_t n)
{
    tt_log_named(ctx, "rt", s, n);
}

/* A guest can print framed lines too, after the hypervisor's dump even (a snapshot is printed
 * while guests run): only the hypervisor's lines count, "@TTRACE ..." after the console's
 * "[S.NNNNNNNNN] hyp: ", or alone at the start of a line (a raw dump); the guest's are ignored
 * (docs/tracing.md). */
Test(trace_uart, frames_in_a_guests_lines_are_ignored)
{
    struct tt_log l;
    struct trace_err e;
    struct trace_data d;
    void *out;
    size_t n;

    tt_fill(10);
    l = tt_uart_log();
    TRACE(irq_phys, 33);
    TRACE(irq_phys, 34);
    tt_log_named(&l, "rt", "junk @TTRACE B 0 1", 18);
    cr_assert_eq(trace_dump_uart(tt_guest_line, &l), 0);
    cr_assert_eq(trace_uart_decode(l.p, l.len, &out, &n, &e), 0, "%s", e.msg);
    cr_assert_eq(trace_data_parse(out, n, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.nrecords, 10, "the guest's dump (12 records) was taken for the hypervisor's");
    trace_data_free(&d);
    free(out);
    free(l.p);
}

/* The records of a parsed dump numbered dump in the log l. */
static uint64_t tt_records_of(const struct tt_log *l, unsigned dump)
{
    struct trace_err e;
    struct trace_data d;
    void *out;
    size_t n;
    uint64_t records;

    cr_assert_eq(trace_uart_decode_dump(l->p, l->len, dump, &out, &n, &e), 0, "%s", e.msg);
    cr_assert_eq(trace_data_parse(out, n, &d, &e), 0, "%s", e.msg);
    records = d.nrecords;
    trace_data_free(&d);
    free(out);
    return records;
}

/* A control domain's snapshot is held (what the buffers hold then) and written later, numbered,
 * with the final dump: the decoder finds each by its number. */
Test(trace_uart, held_snapshots_keep_their_moment_and_their_number)
{
    struct tt_log l = {0};
    struct trace_stats st;
    struct trace_err e;
    void *out;
    size_t n;

    tt_fill(10);
    cr_assert_eq(trace_dump_hold(), 1);
    TRACE(irq_phys, 33);
    cr_assert_eq(trace_dump_hold(), 2);
    TRACE(irq_phys, 34);
    cr_assert_eq(trace_dump_uart_held(1, tt_line, &l, &st), 0);
    cr_assert_eq(st.records, 10);
    cr_assert_eq(st.lost, 0);
    cr_assert_eq(trace_dump_uart_held(2, tt_line, &l, NULL), 0);
    cr_assert_eq(trace_dump_uart_held(3, tt_line, &l, NULL), -ENOENT);
    cr_assert_eq(trace_dump_uart(tt_line, &l), 0);
    cr_assert_not_null(strstr(l.p, "@TTRACE B 0 1 1\n"), "%s", l.p);
    cr_assert_eq(tt_records_of(&l, 1), 10);
    cr_assert_eq(tt_records_of(&l, 2), 12, "10, a trace_snapshot record and an irq_phys");
    cr_assert_eq(tt_records_of(&l, 0), 14);
    cr_assert_eq(trace_uart_decode_dump(l.p, l.len, 3, &out, &n, &e), -ENOENT);
    cr_assert_not_null(strstr(e.msg, "no framed dump number 3"), "%s", e.msg);
    cr_assert_eq(trace_uart_decode(l.p, l.len, &out, &n, &e), 0, "%s", e.msg);
    cr_assert_eq(n, trace_dump_size(), "the last dump of the log is the final one");
    free(out);
    free(l.p);
}

Test(trace_uart, snapshots_beyond_the_table_are_refused)
{
    tt_fill(1);
    for (int i = 1; i <= TRACE_DUMP_MAX_HELD; i++) {
        cr_assert_eq(trace_dump_hold(), i);
    }
    cr_assert_eq(trace_dump_hold(), -ENOSPC);
    tt_fill(1);
    cr_assert_eq(trace_dump_hold(), 1, "trace_reset forgets them");
}

/* The n-th line (0-based) of log that contains needle, as a pointer into log. */
static char *tt_find_line(char *log, const char *needle, int nth)
{
    char *p = log;

    for (; (p = strstr(p, needle)) != NULL; p++) {
        if (nth-- == 0) {
            while (p > log && p[-1] != '\n') {
                p--;
            }
            return p;
        }
    }
    cr_assert_fail("no line %d with %s", nth, needle);
    return NULL;
}

static void tt_drop_line(char *line)
{
    char *nl = strchr(line, '\n');
    memmove(line, nl + 1, strlen(nl + 1) + 1);
}

Test(trace_uart, a_flipped_character_fails_the_frame_crc)
{
    struct tt_log l;
    char *line;

    tt_fill(300);
    l = tt_uart_log();
    line = strstr(tt_find_line(l.p, "@TTRACE D 2 ", 5), "@TTRACE D 2 ") + 12;
    line[10] = line[10] == 'A' ? 'B' : 'A';
    tt_expect_error(l.p, "frame 2 of");
    tt_expect_error(l.p, "CRC mismatch");
    free(l.p);
}

Test(trace_uart, a_lost_payload_line_is_reported)
{
    struct tt_log l;

    tt_fill(300);
    l = tt_uart_log();
    tt_drop_line(tt_find_line(l.p, "@TTRACE D 1 ", 3));
    tt_expect_error(l.p, "frame 1 of");
    tt_expect_error(l.p, "payload bytes received");
    free(l.p);
}

Test(trace_uart, a_missing_end_marker_is_reported)
{
    struct tt_log l;

    tt_fill(300);
    l = tt_uart_log();
    tt_drop_line(tt_find_line(l.p, "@TTRACE E 0 ", 0));
    tt_expect_error(l.p, "frame 0 of");
    tt_expect_error(l.p, "no end marker");
    free(l.p);
}

Test(trace_uart, a_missing_frame_is_reported)
{
    struct tt_log l;
    char *from, *to;

    tt_fill(300);
    l = tt_uart_log();
    from = tt_find_line(l.p, "@TTRACE B 1 ", 0);
    to = tt_find_line(l.p, "@TTRACE B 2 ", 0);
    memmove(from, to, strlen(to) + 1);
    tt_expect_error(l.p, "frame 1 of");
    tt_expect_error(l.p, "missing");
    free(l.p);
}

Test(trace_uart, a_truncated_log_is_reported)
{
    struct tt_log l;

    tt_fill(300);
    l = tt_uart_log();
    *tt_find_line(l.p, "@TTRACE D 3 ", 2) = '\0';
    tt_expect_error(l.p, "frame 3 of");
    tt_expect_error(l.p, "the log ends");
    free(l.p);
}

Test(trace_uart, garbage_in_a_payload_line_is_reported)
{
    struct tt_log l;
    char *line;

    tt_fill(10);
    l = tt_uart_log();
    line = strstr(tt_find_line(l.p, "@TTRACE D 0 ", 0), "@TTRACE D 0 ") + 12;
    line[4] = '*';
    tt_expect_error(l.p, "invalid base64");
    free(l.p);
    tt_expect_error("nothing here\n", "no framed dump");
}

Test(trace_uart, crc32_matches_the_standard)
{
    uint32_t table[16];

    cr_assert_eq(trace_crc32(0, "123456789", 9), 0xcbf43926u);
    cr_assert_eq(trace_crc32(trace_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
    cr_assert_eq(trace_crc32(0, "", 0), 0);
    /* The nibble table in crc32.c is the reflected polynomial 0xedb88320 applied 4 times. */
    for (uint32_t i = 0; i < 16; i++) {
        uint32_t c = i;
        for (int k = 0; k < 4; k++) {
            c = (c >> 1) ^ ((c & 1) ? 0xedb88320u : 0);
        }
        table[i] = c;
    }
    for (uint32_t i = 0; i < 16; i++) {
        uint8_t b = (uint8_t)i;
        uint32_t one = trace_crc32(0, &b, 1);
        uint32_t c = ~0u ^ b;
        c = (c >> 4) ^ table[c & 15];
        c = (c >> 4) ^ table[c & 15];
        cr_assert_eq(one, ~c);
    }
}
