/* The SMP stress test (security review, issue 13, hole 7): a control domain creates, runs and
 * destroys domains in a loop on other pCPUs while they print (guests/stress, guests/chirp,
 * tests/qemu/data/smp-stress.dts). The run must end cleanly, every console line must be whole
 * (chirp lines carry a sequence number and a checksum, and two vCPUs of one domain print at
 * once), every round must have been done and no frame may leak from one round to the next.
 *
 * It runs with --timing realtime: multi-threaded TCG puts the pCPUs on host threads truly in
 * parallel, as on a board. Under icount QEMU runs every pCPU on one thread and switches between
 * them only at the end of a time slice, so races between pCPUs are rare and always the same. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../guests/chirp/chirp.h"
#include "boot_helpers.h"

#define STRESS_ROUNDS 12 /* bootargs rounds= of smp-stress.dts */

/* Per domain and vCPU: the incarnation and sequence number of the last chirp line seen. */
struct chirp_seen {
    long inc, seq;
};

/* Checks one chirp line's text: the format, the checksum, and that it follows the last line of
 * its vCPU (the same incarnation with the next number, or a new one from 0). NULL if it is
 * good, else why not. */
static const char *chirp_check(const char *text, size_t len, struct chirp_seen seen[2])
{
    char buf[200], data[64];
    unsigned cpu, inc, seq, sum;
    int used = 0;

    if (len >= sizeof(buf)) {
        return "too long";
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (sscanf(buf, "chirp cpu=%u inc=%u seq=%u data=%63s sum=%8x%n", &cpu, &inc, &seq, data, &sum,
               &used) != 5 ||
        (size_t)used != len || cpu > 1 || strlen(data) != 32) {
        return "not a chirp line";
    }
    const char *tail = strstr(buf, " sum=");
    if (!tail || strlen(tail) != 13 || chirp_sum(buf, (unsigned long)(tail - buf)) != sum) {
        return "bad checksum";
    }
    struct chirp_seen *s = &seen[cpu];
    bool next = (long)inc == s->inc ? (long)seq == s->seq + 1 : (long)inc > s->inc && seq == 0;
    s->inc = inc;
    s->seq = seq;
    return next ? NULL : "out of sequence (a line lost or repeated)";
}

/* Every console line is "[S.NNNNNNNNN] NAME: TEXT" with a name of the fleet or hyp, and every
 * chirp domain's line is a good chirp line. Returns the number of chirp lines. */
static unsigned check_lines(const struct boot *b)
{
    static const char *const names[] = {"hyp", "stress", "chirpa", "chirpb"};
    struct chirp_seen seen[2][2] = {{{-1, -1}, {-1, -1}}, {{-1, -1}, {-1, -1}}};
    unsigned chirps = 0, lineno = 0;

    for (const char *p = b->console; *p; lineno++) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        unsigned long secs, ns;
        int head = 0;
        cr_assert(eol, "line %u is not ended: %.*s", lineno, (int)len, p);
        cr_assert(sscanf(p, "[%lu.%9lu] %n", &secs, &ns, &head) == 2 && head > 0 &&
                      p[head - 3] != ' ',
                  "line %u has no timestamp: %.*s", lineno, (int)len, p);
        const char *name = p + head;
        unsigned k;
        for (k = 0; k < 4; k++) {
            size_t n = strlen(names[k]);
            if (strncmp(name, names[k], n) == 0 && name[n] == ':' && name[n + 1] == ' ') {
                break;
            }
        }
        cr_assert(k < 4, "line %u names no domain of the fleet: %.*s", lineno, (int)len, p);
        if (k >= 2) {
            const char *text = name + strlen(names[k]) + 2;
            const char *why = chirp_check(text, (size_t)(eol - text), seen[k - 2]);
            cr_assert_null(why, "line %u of %s: %s: %.*s (results in %s)", lineno, names[k], why,
                           (int)len, p, b->dir);
            chirps++;
        }
        p = eol + 1;
    }
    return chirps;
}

/* The value after key in every line containing what, which must all be equal; their number. */
static unsigned same_value(const struct boot *b, const char *what, const char *key, uint64_t *v)
{
    unsigned n = 0;

    for (const char *p = b->console; (p = strstr(p, what)) != NULL; p += strlen(what)) {
        const char *eol = strchr(p, '\n'), *at = strstr(p, key);
        cr_assert(at && eol && at < eol, "no %s in the line %s...", key, what);
        uint64_t x = strtoull(at + strlen(key), NULL, 10);
        cr_assert(n == 0 || x == *v, "'%s': %s%" PRIu64 ", %" PRIu64 " before (a leak?)", what, key,
                  x, *v);
        *v = x;
        n++;
    }
    return n;
}

static unsigned count(const struct boot *b, const char *text)
{
    unsigned n = 0;
    for (const char *p = b->console; (p = strstr(p, text)) != NULL; p += strlen(text)) {
        n++;
    }
    return n;
}

Test(smp, stress, .timeout = 118)
{
    static const char *const extra[] = {"--timing", "realtime", "--no-trace", NULL};
    struct boot b = {0};
    char *path = data_path("smp-stress.dts");
    char want[96];
    uint64_t free_frames = 0;

    boot_run_args(path, "dom0", extra, 0, &b);
    cr_assert_null(strstr(b.console, "FATAL"), "the hypervisor stopped (results in %s)", b.dir);
    cr_assert_null(strstr(b.console, "FAIL"), "a check failed (results in %s)", b.dir);
    unsigned chirps = check_lines(&b);
    /* Every round: both built, both ran and printed, both destroyed; a third of them destroyed
     * while running, a third after powering off, a third after crashing. */
    snprintf(want, sizeof(want), "] stress: round %u done", STRESS_ROUNDS - 1);
    check_console_has(&b, want);
    snprintf(want, sizeof(want), "] stress: %u rounds done\n", STRESS_ROUNDS);
    check_console_has(&b, want);
    check_console_has(&b, "] stress: verdict: PASS (0 failed)\n");
    cr_assert_eq(count(&b, "hyp: dom chirpa created"), STRESS_ROUNDS + 1);
    cr_assert_eq(count(&b, "hyp: dom chirpb created"), STRESS_ROUNDS + 1);
    cr_assert_geq(chirps, 2 * (STRESS_ROUNDS + 1), "every incarnation printed");
    /* Each destroy frees the domain once its last reference goes. The stress domain destroys
     * chirpa, then chirpb: when chirpb goes, chirpa is gone too, so the frames free then are
     * the same every round: nothing leaked. (When chirpa goes, chirpb may or may not have been
     * reclaimed by its on-crash policy yet.) */
    cr_assert_eq(count(&b, "hyp: dom chirpa freed, "), STRESS_ROUNDS);
    cr_assert_eq(same_value(&b, "hyp: dom chirpb freed", "free=", &free_frames), STRESS_ROUNDS);
    cr_assert_eq(get_int(jget(b.summary, "hypervisor"), "exit_status"), 0);
    boot_free(&b, true);
    free(path);
}
