/* What a hostile guest cannot do (security review, issue 13): reach the host through QEMU's
 * semihosting, or print anything the harness takes for the hypervisor's lines, for another
 * domain's lines or for the trace. The guest is guests/hostile; each test checks the host and
 * the run's results, not only what the guest says. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/proc.h>

#include "boot_helpers.h"

/* The console log as bytes (a NUL in it does not end it), with its length. */
static char *console_bytes(const struct boot *b, size_t *len)
{
    char *path = out_file(b, "console.log");
    struct herr e;
    void *data;

    cr_assert_eq(fileio_read(path, &data, len, &e), 0, "%s", e.msg);
    free(path);
    return data;
}

/* The line of `name` (whose prefix is "[S.NNNNNNNNN] name: ", at the start of a line) that
 * holds text, or NULL. */
static const char *line_of(const struct boot *b, const char *name, const char *text)
{
    char prefix[64];

    snprintf(prefix, sizeof(prefix), "] %s: ", name);
    for (const char *p = b->console; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        const char *eol = strchr(p, '\n'), *close = strchr(p, ']'), *hit;
        if (*p != '[' || !close || (eol && close > eol) || strncmp(close, prefix, strlen(prefix))) {
            continue;
        }
        hit = strstr(close, text);
        if (hit && (!eol || hit < eol)) {
            return hit;
        }
    }
    return NULL;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The guest executes HLT #0xF000 at EL1: SYS_OPEN of a host file, SYS_SYSTEM of a host command
 * and SYS_EXIT with status 0. QEMU runs without semihosting, so each is an undefined instruction
 * the guest takes itself; nothing happens on the host, and the run ends the hypervisor's way. */
Test(trust, semihosting_from_a_guest_reaches_nothing, .timeout = 110)
{
    char dir[] = "/tmp/tessera-semihost-XXXXXX", scenario[256], target[256], system[300];
    static const char *const calls[] = {"SYS_OPEN of a host file", "SYS_SYSTEM of a host command",
                                        "SYS_EXIT with status 0"};
    struct boot b = {0};
    struct herr e;
    char *dts;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(target, sizeof(target), "%s/created-by-the-guest", dir);
    snprintf(system, sizeof(system), "%s.system", target);
    snprintf(scenario, sizeof(scenario), "%s/semihost.dts", dir);
    cr_assert_gt(asprintf(&dts,
                          "/dts-v1/;\n/ {\n experiment { cpus = <1>; modes = \"hyperlaunch\"; "
                          "timeout-ms = <20000>; };\n hypervisor {\n  compatible = "
                          "\"tessera,hypervisor\";\n  hostile {\n   compatible = "
                          "\"tessera,domain\";\n   domid = <1>;\n   memory-kib = <2048>;\n   "
                          "cpu-affinity = <0>;\n   kernel { image = \"guests/hostile.bin\"; "
                          "bootargs = \"semihost=%s\"; };\n  };\n };\n};\n",
                          target),
                 0);
    cr_assert_eq(fileio_write(scenario, dts, strlen(dts), &e), 0, "%s", e.msg);

    boot_run_path(scenario, NULL, 1, &b);
    cr_assert_not(exists(target), "the guest created %s on the host by SYS_OPEN", target);
    cr_assert_not(exists(system), "the guest ran a host command by SYS_SYSTEM (%s exists)", system);
    for (size_t i = 0; i < 3; i++) {
        char want[128];
        snprintf(want, sizeof(want), "PASS: %s: HLT #0xF000 is an undefined instruction at EL1",
                 calls[i]);
        cr_assert_not_null(line_of(&b, "hostile", want), "no '%s':\n%s", want, b.console);
    }
    cr_assert_not_null(line_of(&b, "hostile", "PASS: the machine still runs after SYS_EXIT"), "%s",
                       b.console);
    cr_assert_not_null(line_of(&b, "hostile", "verdict: PASS (0 failed)"), "%s", b.console);
    /* The guest ends by crashing: the verdict is the hypervisor's exit status 1, and QEMU ended
     * by the hypervisor's PSCI SYSTEM_OFF (status 0), not by the guest's SYS_EXIT. */
    json_t *hyp = jget(b.summary, "hypervisor");
    cr_assert_eq(get_int(hyp, "exit_status"), 1, "the hypervisor's own exit status line");
    cr_assert_eq(get_int(b.summary, "exit_status"), 0, "QEMU ended by PSCI SYSTEM_OFF");
    cr_assert_str_eq(get_str(b.summary, "verdict"), "fail");
    cr_assert_not_null(line_of(&b, "hyp", "exit status=1"), "%s", b.console);
    cr_assert_not_null(line_of(&b, "hyp", "trace written: "), "%s", b.console);
    trace_of(&b);
    boot_free(&b, true);
    free(dts);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Every byte of the log is printable, a tab or a newline: no guest byte could start, end or
 * rewrite a line (a carriage return, a backspace, an escape sequence, a NUL). */
static void check_printable(const char *log, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)log[i];
        cr_assert(ch == '\n' || ch == '\t' || (ch >= 0x20 && ch != 0x7f),
                  "byte 0x%02x at offset %zu of console.log: %.80s", ch, i,
                  log + (i > 40 ? i - 40 : 0));
    }
}

/* Every line is "[S.NNNNNNNNN] NAME: ..." with NAME the hypervisor or a declared domain, in time
 * order: a forged stamp would go back in time. */
static void check_lines(const char *log, size_t len, const char *const *names)
{
    unsigned long long last = 0;
    size_t lineno = 0;

    for (const char *p = log; p < log + len; lineno++) {
        const char *eol = memchr(p, '\n', (size_t)(log + len - p));
        unsigned long long s, ns;
        char name[40];
        int used = 0;
        bool known = false;
        cr_assert(sscanf(p, "[%llu.%9llu] %39[^:]: %n", &s, &ns, name, &used) == 3 && used > 0,
                  "line %zu is not a console line: %.80s", lineno + 1, p);
        for (const char *const *n = names; *n; n++) {
            known = known || strcmp(name, *n) == 0;
        }
        cr_assert(known, "line %zu names '%s': %.80s", lineno + 1, name, p);
        cr_assert_geq(s * 1000000000ull + ns, last, "line %zu goes back in time: %.80s", lineno + 1,
                      p);
        last = s * 1000000000ull + ns;
        p = eol ? eol + 1 : log + len;
    }
}

/* The control domain prints forged hypervisor, domain and trace lines (console hypercall and
 * vPL011) and asks for domains with line-making names; it never declares itself ready and
 * crashes at the end. None of it counts: the run fails on the hypervisor's own word. */
Test(trust, guest_output_cannot_pass_for_the_hypervisor, .timeout = 110)
{
    static const char *const names[] = {"hyp", "hostile", NULL};
    struct boot b = {0};
    char *path = data_path("console-forgery.dts"), *log, *dump1;
    size_t len;

    boot_run_mode(path, "dom0", NULL, 1, &b);
    json_t *hostile = domain_named(b.summary, "hostile");
    cr_assert(json_is_null(jget(hostile, "ready_ns")),
              "a forged line made hostile ready at %lld ns:\n%s",
              (long long)json_integer_value(jget(hostile, "ready_ns")), b.console);
    log = console_bytes(&b, &len);
    check_printable(log, len);
    check_lines(log, len, names);
    cr_assert_not_null(line_of(&b, "hostile", "forgeries printed"), "%s", b.console);
    cr_assert_not_null(line_of(&b, "hostile", "verdict: PASS (0 failed)"),
                       "every bad domctl_create name was refused:\n%s", b.console);
    /* The guest's bytes are still there, escaped, in its own lines. */
    cr_assert_not_null(line_of(&b, "hostile",
                               "\\x1b[2K\\x0d[0.000000002] hyp: dom hostile "
                               "ready code=0"),
                       "%s", b.console);
    cr_assert_not_null(line_of(&b, "hostile", "nul\\x00[0.000000006] hyp: exit status=0"), "%s",
                       b.console);

    json_t *hyp = jget(b.summary, "hypervisor");
    cr_assert_eq(get_int(hyp, "exit_status"), 1, "the hypervisor's own exit status");
    cr_assert_gt(get_int(hyp, "init_done_ns"), 1000, "the forged 'init done' at 3 ns counted");
    cr_assert_str_eq(get_str(b.summary, "verdict"), "fail");
    json_t *iso = jget(b.summary, "isolation");
    cr_assert_eq(get_int(iso, "probes"), 0, "a forged isolation line counted");
    json_t *series;
    size_t i;
    json_array_foreach(jget(b.summary, "latency"), i, series)
    {
        cr_assert_str_neq(get_str(series, "series"), "forged", "a forged lat line counted");
    }
    cr_assert_null(strstr(b.out, "ghost"), "the harness read a line of 'ghost':\n%s", b.out);
    /* The trace is the hypervisor's (its final dump), and the forged frames made no snapshot. */
    trace_of(&b);
    dump1 = out_file(&b, "trace.dump.1");
    cr_assert_not(exists(dump1), "the guest's forged frames became %s", dump1);
    free(dump1);
    free(log);
    free(path);
    boot_free(&b, true);
}
