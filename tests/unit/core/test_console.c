/* Console: the timestamp prefix, whole lines per domain, splitting of over-long lines and the
 * hypervisor's own lines, checked on the hosted arch's captured serial output. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <tessera/arch_host.h>
#include <tessera/console.h>

static void reset(void)
{
    arch_host_serial_reset();
    arch_host_set_counter(0, 62500000);
}

TestSuite(console, .init = reset);

Test(console, formats_time_exactly)
{
    char buf[32];
    console_format_time(buf, sizeof(buf), 62500000ull * 3 + 1, 62500000);
    cr_assert_str_eq(buf, "3.000000016");
    console_format_time(buf, sizeof(buf), 24000000ull * 5 + 12, 24000000);
    cr_assert_str_eq(buf, "5.000000500");
    console_format_time(buf, sizeof(buf), 0, 24000000);
    cr_assert_str_eq(buf, "0.000000000");
}

Test(console, hyp_lines_carry_time_and_name)
{
    arch_host_set_counter(625, 62500000);
    hyp_printf("init done");
    hyp_printf("dom %s created id=%d\n", "rt", 1);
    cr_assert_str_eq(arch_host_serial(), "[0.000010000] hyp: init done\n"
                                         "[0.000010000] hyp: dom rt created id=1\n");
}

Test(console, domain_output_is_emitted_by_whole_lines)
{
    struct console_line cl = {0};
    console_feed(&cl, "rt", "hel", 3);
    cr_assert_str_eq(arch_host_serial(), "");
    arch_host_set_counter(62500000, 62500000);
    console_feed(&cl, "rt", "lo\r\nwor", 7);
    cr_assert_str_eq(arch_host_serial(), "[1.000000000] rt: hello\n");
    console_flush(&cl, "rt");
    cr_assert_str_eq(arch_host_serial(), "[1.000000000] rt: hello\n[1.000000000] rt: wor\n");
    console_flush(&cl, "rt");
    cr_assert_str_eq(arch_host_serial(), "[1.000000000] rt: hello\n[1.000000000] rt: wor\n");
}

Test(console, long_lines_are_split_never_dropped)
{
    struct console_line cl = {0};
    char big[CONSOLE_LINE_MAX * 2 + 10];
    memset(big, 'x', sizeof(big));
    console_feed(&cl, "d", big, sizeof(big));
    console_feed(&cl, "d", "\n", 1);
    const char *out = arch_host_serial();
    size_t xs = 0;
    for (const char *p = out; *p; p++) {
        xs += *p == 'x';
    }
    cr_assert_eq(xs, sizeof(big), "every byte reaches the serial line");
    cr_assert(strstr(out, "] d: + x"), "continuations are marked: %s", out);
    cr_assert_eq(strncmp(out, "[0.000000000] d: xxx", 20), 0);
}

Test(console, interleaved_domains_keep_their_lines)
{
    struct console_line a = {0}, b = {0};
    console_feed(&a, "a", "one ", 4);
    console_feed(&b, "b", "two\n", 4);
    console_feed(&a, "a", "three\n", 6);
    cr_assert_str_eq(arch_host_serial(), "[0.000000000] b: two\n[0.000000000] a: one three\n");
}

/* A guest's bytes can end its line (a newline, a carriage return just before it) but never
 * start, rewrite or hide one: every other control byte reaches the serial line as \xNN, so a
 * line always begins with the prefix the hypervisor wrote (docs/console.md). */
Test(console, guest_control_bytes_are_escaped)
{
    struct console_line cl = {0};
    static const char in[] = "a\rhyp: b\x1b[2K\bc\0d\x7f\r\n\rx\r\r\n";

    console_feed(&cl, "rt", in, sizeof(in) - 1);
    cr_assert_str_eq(arch_host_serial(), "[0.000000000] rt: a\\x0dhyp: b\\x1b[2K\\x08c\\x00d\\x7f\n"
                                         "[0.000000000] rt: \\x0dx\\x0d\n");
}

/* A carriage return and the newline after it may come in two writes (a vPL011 takes one byte
 * at a time): the pair still only ends the line. */
Test(console, crlf_split_across_writes_ends_the_line)
{
    struct console_line cl = {0};

    console_feed(&cl, "rt", "ok\r", 3);
    console_feed(&cl, "rt", "\n", 1);
    console_feed(&cl, "rt", "cr\r", 3);
    console_flush(&cl, "rt");
    cr_assert_str_eq(arch_host_serial(), "[0.000000000] rt: ok\n[0.000000000] rt: cr\\x0d\n");
}

/* The hypervisor's own lines are escaped too: a name or text it prints for someone else cannot
 * end the line early. */
Test(console, hyp_lines_escape_control_bytes)
{
    hyp_printf("dom %s created", "x\n[0.000000001] hyp: exit status=0");
    cr_assert_str_eq(arch_host_serial(),
                     "[0.000000000] hyp: dom x\\x0a[0.000000001] hyp: exit status=0 created\n");
}

/* Two vCPUs of one domain print into its line buffer at once (two threads here): each line
 * comes out whole, every one of them, never mixed with the other's (the line's lock). */
#define RACE_LINES 1000

struct racer {
    struct console_line *cl;
    char tag;
    pthread_barrier_t *start;
};

static void *race_feed(void *arg)
{
    const struct racer *r = arg;
    char line[64];

    pthread_barrier_wait(r->start); /* both at once */
    for (int i = 0; i < RACE_LINES; i++) {
        int n = snprintf(line, sizeof(line), "%c%04d\n", r->tag, i);
        console_feed(r->cl, "rt", line, (size_t)n);
    }
    return NULL;
}

Test(console, two_vcpus_printing_at_once_never_mix_their_lines)
{
    static struct console_line cl;
    pthread_barrier_t start;
    struct racer a = {&cl, 'a', &start}, b = {&cl, 'b', &start};
    pthread_t ta, tb;

    cr_assert_eq(pthread_barrier_init(&start, NULL, 2), 0);
    int seen[2] = {0, 0};

    cr_assert_eq(pthread_create(&ta, NULL, race_feed, &a), 0);
    cr_assert_eq(pthread_create(&tb, NULL, race_feed, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    for (const char *p = arch_host_serial(); *p;) {
        const char *eol = strchr(p, '\n');
        char tag;
        int num, used = 0;
        cr_assert_not_null(eol, "an unended line: %s", p);
        int len = (int)(eol - p);
        cr_assert(sscanf(p, "[0.000000000] rt: %c%4d%n", &tag, &num, &used) == 2 && used == len &&
                      (tag == 'a' || tag == 'b') && num == seen[tag - 'a'],
                  "a mixed or lost line: %.*s", len, p);
        seen[tag - 'a']++;
        p = eol + 1;
    }
    cr_assert_eq(seen[0], RACE_LINES);
    cr_assert_eq(seen[1], RACE_LINES);
}
