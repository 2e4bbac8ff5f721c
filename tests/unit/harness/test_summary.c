/* summary.json (DESIGN §4.5), the verdict and its reasons, and the Markdown report, from console
 * logs fed line by line. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <tessera/harness/summary.h>
#include <tessera/harness/verdict.h>

#include "helpers.h"

static struct clog log;
static struct scenario_domain doms_v[] = {{.name = "hello", .id = 1}, {.name = "idle", .id = 2}};
static struct scenario_domains doms = {.v = doms_v, .n = 2, .kind = SCENARIO_TESSERA};
static struct strvec flags = STRVEC_INIT, reasons = STRVEC_INIT;

static void setup(void)
{
    clog_init(&log);
    clog_declare(&log, "hello");
    clog_declare(&log, "idle");
    strvec_push(&flags, "qemu-system-aarch64");
    strvec_push(&flags, "-icount");
}

static void teardown(void)
{
    clog_free(&log);
    strvec_free(&flags);
    strvec_free(&reasons);
}

TestSuite(summary, .init = setup, .fini = teardown);
TestSuite(verdict, .init = setup, .fini = teardown);

static void feed(const char *line)
{
    struct clog_note n;
    cr_assert_eq(clog_feed(&log, line, &n), 0);
}

static void feed_all(const char *const *lines)
{
    for (; *lines; lines++) {
        feed(*lines);
    }
}

static const char *const both_ready[] = {
    "[0.000001000] hyp: entry el=2 counter_hz=62500000 entry_ticks=0 cpus=1",
    "[0.000100000] hyp: init done",
    "[0.000200000] hyp: dom hello created id=1 build_ns=12345",
    "[0.000210000] hyp: dom idle created id=2",
    "[0.000300000] hyp: dom hello vcpu 0 entry pc=0x50000000",
    "[0.000400000] hello: hi",
    "[0.000500000] hyp: dom hello ready",
    "[0.000510000] hyp: dom idle vcpu 0 entry pc=0x50200000",
    "[0.000600000] hyp: dom idle ready",
    "[0.000700000] hyp: dom hello shutdown reason=poweroff",
    "[0.000800000] hyp: dom idle shutdown reason=crash",
    "[0.000900000] hyp: exit status=1",
    NULL,
};

static struct summary_input input(bool pass)
{
    struct summary_input in = {
        .scenario = "two",
        .scenario_file = "scenarios/two.dts",
        .mode = "hyperlaunch",
        .platform = "qemu-virt",
        .timing = "icount",
        .commit = "abc1234-dirty",
        .qemu_version = "QEMU emulator version 7.2.22",
        .flags = &flags,
        .log = &log,
        .domains = &doms,
        .qemu_exited = true,
        .qemu_exit_status = 1,
        .pass = pass,
        .reasons = &reasons,
    };
    return in;
}

static json_int_t int_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    cr_assert(json_is_integer(v), "%s is not an integer", key);
    return json_integer_value(v);
}

static const char *str_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    cr_assert(json_is_string(v), "%s is not a string", key);
    return json_string_value(v);
}

Test(summary, has_every_contract_field)
{
    static const char *const keys[] = {
        "scenario",    "mode",    "platform",     "timing",    "counter_hz", "provenance",
        "hypervisor",  "domains", "all_ready_ns", "isolation", "latency",    "trace",
        "exit_status", "verdict", "reasons",      "timeline",  NULL};
    struct summary_input in = input(false);
    json_t *j;

    feed_all(both_ready);
    strvec_push(&reasons, "QEMU exited with status 1");
    j = summary_json(&in);
    cr_assert_not_null(j);
    for (size_t i = 0; keys[i]; i++) {
        cr_assert_not_null(json_object_get(j, keys[i]), "missing %s", keys[i]);
    }
    cr_assert_str_eq(str_at(j, "scenario"), "two");
    cr_assert_str_eq(str_at(j, "mode"), "hyperlaunch");
    cr_assert_str_eq(str_at(j, "platform"), "qemu-virt");
    cr_assert_str_eq(str_at(j, "timing"), "icount");
    cr_assert_eq(int_at(j, "counter_hz"), 62500000);
    cr_assert_str_eq(str_at(j, "timeline"), "console", "no trace: the console's times");
    cr_assert_eq(int_at(json_object_get(j, "isolation"), "probes"), 0);
    cr_assert(json_is_array(json_object_get(j, "latency")));
    cr_assert_eq(json_array_size(json_object_get(j, "latency")), 0);
    cr_assert(json_is_null(json_object_get(j, "trace")));
    cr_assert_eq(int_at(j, "exit_status"), 1);
    cr_assert_str_eq(str_at(j, "verdict"), "fail");
    cr_assert_eq(json_array_size(json_object_get(j, "reasons")), 1);
    json_decref(j);
}

Test(summary, provenance_and_hypervisor)
{
    struct summary_input in = input(true);
    json_t *j, *p, *h;

    feed_all(both_ready);
    j = summary_json(&in);
    p = json_object_get(j, "provenance");
    cr_assert_str_eq(str_at(p, "commit"), "abc1234-dirty");
    cr_assert_str_eq(str_at(p, "qemu_version"), "QEMU emulator version 7.2.22");
    cr_assert_eq(json_array_size(json_object_get(p, "flags")), 2);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(p, "flags"), 1)), "-icount");
    cr_assert(json_is_null(json_object_get(p, "command")), "no command given");
    const char *date = str_at(p, "date");
    int y, mo, d, hh, mm, ss;
    cr_assert_eq(sscanf(date, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &hh, &mm, &ss), 6, "%s",
                 date);
    cr_assert_geq(y, 2024);
    json_decref(j);
    in.command = "tessera run s.dts --mode hyperlaunch";
    j = summary_json(&in);
    p = json_object_get(j, "provenance");
    cr_assert_str_eq(str_at(p, "command"), "tessera run s.dts --mode hyperlaunch");
    h = json_object_get(j, "hypervisor");
    cr_assert_eq(int_at(h, "entry_ns"), 0, "from entry_ticks=0, not the line's prefix");
    cr_assert_eq(int_at(h, "init_done_ns"), 100000);
    cr_assert_eq(int_at(h, "exit_status"), 1);
    json_decref(j);
}

Test(summary, domains_in_manifest_order_with_times)
{
    struct summary_input in = input(true);
    json_t *j, *a, *d;

    feed_all(both_ready);
    j = summary_json(&in);
    a = json_object_get(j, "domains");
    cr_assert_eq(json_array_size(a), 2);
    d = json_array_get(a, 0);
    cr_assert_eq(int_at(d, "id"), 1);
    cr_assert_str_eq(str_at(d, "name"), "hello");
    cr_assert_eq(int_at(d, "created_ns"), 200000);
    cr_assert_eq(int_at(d, "first_instr_ns"), 300000);
    cr_assert_eq(int_at(d, "build_ns"), 12345);
    cr_assert_eq(int_at(d, "first_output_ns"), 400000);
    cr_assert_eq(int_at(d, "ready_ns"), 500000);
    cr_assert_str_eq(str_at(d, "state"), "shutdown");
    cr_assert_str_eq(str_at(d, "shutdown_reason"), "poweroff");
    d = json_array_get(a, 1);
    cr_assert_str_eq(str_at(d, "name"), "idle");
    cr_assert(json_is_null(json_object_get(d, "build_ns")), "no build_ns on its line");
    cr_assert(json_is_null(json_object_get(d, "first_output_ns")), "idle never printed");
    cr_assert_str_eq(str_at(d, "state"), "crashed");
    cr_assert_str_eq(str_at(d, "shutdown_reason"), "crash");
    cr_assert_eq(int_at(j, "all_ready_ns"), 600000, "the last domain's ready time");
    json_decref(j);
}

Test(summary, unknown_times_are_null)
{
    struct summary_input in = input(false);
    json_t *j, *d;

    feed("[0.000200000] hyp: dom hello created id=1");
    in.qemu_exited = false;
    j = summary_json(&in);
    cr_assert(json_is_null(json_object_get(j, "counter_hz")));
    cr_assert(json_is_null(json_object_get(json_object_get(j, "hypervisor"), "entry_ns")));
    cr_assert(json_is_null(json_object_get(json_object_get(j, "hypervisor"), "exit_status")));
    cr_assert(json_is_null(json_object_get(j, "all_ready_ns")));
    cr_assert(json_is_null(json_object_get(j, "exit_status")));
    d = json_array_get(json_object_get(j, "domains"), 0);
    cr_assert_eq(int_at(d, "created_ns"), 200000);
    cr_assert(json_is_null(json_object_get(d, "first_instr_ns")));
    cr_assert(json_is_null(json_object_get(d, "ready_ns")));
    cr_assert_str_eq(str_at(d, "state"), "paused");
    cr_assert(json_is_null(json_object_get(d, "shutdown_reason")));
    d = json_array_get(json_object_get(j, "domains"), 1);
    cr_assert(json_is_null(json_object_get(d, "state")), "never created");
    cr_assert(json_is_null(json_object_get(d, "created_ns")));
    json_decref(j);
}

Test(summary, kernel_and_ramdisk_placement_per_domain)
{
    struct summary_input in = input(true);
    json_t *j, *d, *k, *r;

    feed("[0.000150000] hyp: dom hello kernel elf copied 20432 bytes, entry 0x40001000");
    feed("[0.000160000] hyp: dom hello ramdisk mapped 2097152 bytes at 0x40e00000");
    feed("[0.000170000] hyp: dom idle kernel image mapped 4194304 bytes, entry 0x40000000");
    feed_all(both_ready);
    j = summary_json(&in);
    d = json_array_get(json_object_get(j, "domains"), 0);
    k = json_object_get(d, "kernel");
    cr_assert_str_eq(str_at(k, "format"), "elf");
    cr_assert_str_eq(str_at(k, "placement"), "copied");
    cr_assert_eq(int_at(k, "bytes"), 20432);
    cr_assert_eq(int_at(k, "entry"), 0x40001000);
    r = json_object_get(d, "ramdisk");
    cr_assert_str_eq(str_at(r, "placement"), "mapped");
    cr_assert_eq(int_at(r, "bytes"), 2097152);
    cr_assert_eq(int_at(r, "ipa"), 0x40e00000);
    cr_assert_null(json_object_get(r, "format"), "a ramdisk has no format");
    d = json_array_get(json_object_get(j, "domains"), 1);
    cr_assert_str_eq(str_at(json_object_get(d, "kernel"), "placement"), "mapped");
    cr_assert(json_is_null(json_object_get(d, "ramdisk")), "idle has no ramdisk");
    json_decref(j);
}

Test(summary, images_never_reported_are_null)
{
    struct summary_input in = input(true);
    json_t *j, *d;

    feed_all(both_ready);
    j = summary_json(&in);
    d = json_array_get(json_object_get(j, "domains"), 0);
    cr_assert(json_is_null(json_object_get(d, "kernel")));
    cr_assert(json_is_null(json_object_get(d, "ramdisk")));
    json_decref(j);
}

Test(summary, manifest_form_start_after_fatal_and_dom0less)
{
    struct scenario_domain v[] = {{.name = "hello", .id = 1},
                                  {.name = "idle", .id = 2, .after = {"hello"}, .nafter = 1}};
    struct scenario_domains ds = {.v = v, .n = 2, .kind = SCENARIO_DOM0LESS};
    struct summary_input in = input(false);
    json_t *j, *h, *a;

    in.domains = &ds;
    feed("[0.000000100] hyp: manifest: 2 Xen dom0less domains translated");
    feed("[0.000000200] hyp: FATAL launch: idle: not built (-7)");
    j = summary_json(&in);
    cr_assert_str_eq(str_at(j, "manifest"), "xen-dom0less");
    h = json_object_get(j, "hypervisor");
    cr_assert_str_eq(str_at(h, "fatal"), "launch: idle: not built (-7)");
    cr_assert_eq(int_at(h, "dom0less_domains"), 2);
    a = json_object_get(json_array_get(json_object_get(j, "domains"), 1), "start_after");
    cr_assert_eq(json_array_size(a), 1);
    cr_assert_str_eq(json_string_value(json_array_get(a, 0)), "hello");
    cr_assert_eq(json_array_size(json_object_get(json_array_get(json_object_get(j, "domains"), 0),
                                                 "start_after")),
                 0);
    json_decref(j);
}

Test(summary, tessera_manifest_without_fatal)
{
    struct summary_input in = input(true);
    json_t *j;

    feed_all(both_ready);
    j = summary_json(&in);
    cr_assert_str_eq(str_at(j, "manifest"), "tessera");
    cr_assert(json_is_null(json_object_get(json_object_get(j, "hypervisor"), "fatal")));
    cr_assert(json_is_null(json_object_get(json_object_get(j, "hypervisor"), "dom0less_domains")));
    json_decref(j);
}

Test(summary, writes_a_file_jansson_reads_back)
{
    struct summary_input in = input(true);
    char *dir = th_tmpdir(), path[256];
    struct herr e;
    json_error_t je;
    json_t *j;

    feed_all(both_ready);
    snprintf(path, sizeof(path), "%s/summary.json", dir);
    cr_assert_eq(summary_write(&in, path, &e), 0, "%s", e.msg);
    j = json_load_file(path, 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    cr_assert_str_eq(str_at(j, "verdict"), "pass");
    json_decref(j);
    th_rmtree(dir);
    free(dir);
}

Test(summary, markdown_has_a_row_per_domain)
{
    struct summary_input in = input(true);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    feed_all(both_ready);
    summary_markdown(&in, f);
    fclose(f);
    cr_assert_not_null(strstr(text, "# two / hyperlaunch: pass"), "%s", text);
    cr_assert_not_null(strstr(text, "| hello | 1 | 0.200 | 0.300 | 0.400 | 0.500 | shutdown "
                                    "(poweroff) |"),
                       "%s", text);
    cr_assert_not_null(strstr(text, "| idle | 2 | 0.210 | 0.510 | - | 0.600 | crashed (crash) |"),
                       "%s", text);
    free(text);
}

Test(summary, human_summary_in_milliseconds)
{
    struct summary_input in = input(true);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    feed_all(both_ready);
    summary_human(&in, "out/dir", f);
    fclose(f);
    cr_assert_not_null(strstr(text, "two/hyperlaunch: pass"), "%s", text);
    cr_assert_not_null(strstr(text, "init done 0.100 ms"), "%s", text);
    cr_assert_not_null(strstr(text, "all ready   0.600 ms"), "%s", text);
    cr_assert_not_null(strstr(text, "results in out/dir"), "%s", text);
    free(text);
}

/* The trace object of run_trace.c goes into summary.json as it is and into both reports. */
Test(summary, carries_the_trace)
{
    struct summary_input in = input(true);
    char *md = NULL, *human = NULL;
    size_t len = 0;
    FILE *f;
    json_t *j;

    feed_all(both_ready);
    in.trace =
        json_pack("{s:s, s:i, s:i, s:n}", "file", "trace.dump", "events", 268, "lost", 0, "error");
    j = summary_json(&in);
    cr_assert(json_equal(json_object_get(j, "trace"), in.trace));
    f = open_memstream(&md, &len);
    summary_markdown(&in, f);
    fclose(f);
    cr_assert_not_null(strstr(md, "Trace: 268 events, 0 lost (trace.dump, trace.ctf/"), "%s", md);
    f = open_memstream(&human, &len);
    json_object_set_new(in.trace, "error", json_string("CTF x: no"));
    summary_human(&in, "out", f);
    fclose(f);
    cr_assert_not_null(strstr(human, "  trace       268 events, 0 lost (trace.dump, "), "%s",
                       human);
    cr_assert_not_null(strstr(human, "trace-stats.txt); CTF x: no"), "%s", human);
    json_decref(j);
    json_decref(in.trace);
    free(md);
    free(human);
}

static const char *const clean[] = {
    "[0.000001000] hyp: entry el=2 counter_hz=62500000 entry_ticks=0 cpus=1",
    "[0.000500000] hyp: dom hello ready",
    "[0.000600000] hyp: dom idle ready",
    "[0.000900000] hyp: exit status=0",
    NULL,
};

static bool decide(int status, bool timed_out)
{
    struct verdict_input vi = {&log, status, timed_out, 30000, &doms, false, false};
    return verdict_decide(&vi, &reasons);
}

static bool has_reason(const char *text)
{
    for (size_t i = 0; i < reasons.n; i++) {
        if (strstr(reasons.v[i], text)) {
            return true;
        }
    }
    return false;
}

Test(verdict, passes_a_clean_run)
{
    feed_all(clean);
    cr_assert(decide(0, false));
    cr_assert_eq(reasons.n, 0);
}

Test(verdict, fails_on_a_leaked_isolation_probe)
{
    feed_all(clean);
    feed("[0.000550000] hello: isolation domctl blocked");
    cr_assert(decide(0, false), "a blocked probe is what should happen");
    feed("[0.000560000] hello: isolation foreign_device leaked");
    cr_assert_not(decide(0, false));
    cr_assert(has_reason("isolation: domain 'hello' reached what probe 'foreign_device' tried"));
}

Test(verdict, fails_on_qemu_status)
{
    feed_all(clean);
    cr_assert_not(decide(3 << 8, false));
    cr_assert(has_reason("QEMU exited with status 3"));
}

Test(verdict, fails_on_qemu_signal)
{
    feed_all(clean);
    cr_assert_not(decide(SIGSEGV, false));
    cr_assert(has_reason("killed by signal 11"));
}

Test(verdict, fails_on_timeout)
{
    feed_all(clean);
    cr_assert_not(decide(SIGTERM, true));
    cr_assert(has_reason("timeout"));
    cr_assert(has_reason("30000 ms"));
}

Test(verdict, fails_without_exit_line)
{
    feed("[0.000001000] hyp: entry el=2 counter_hz=62500000 entry_ticks=0 cpus=1");
    feed("[0.000500000] hyp: dom hello ready");
    feed("[0.000600000] hyp: dom idle ready");
    cr_assert_not(decide(0, false));
    cr_assert(has_reason("no 'exit status=' line"));
}

Test(verdict, fails_on_hypervisor_exit_status)
{
    feed_all(clean);
    feed("[0.000900001] hyp: exit status=2");
    cr_assert_not(decide(0, false));
    cr_assert(has_reason("exit status=2"));
}

Test(verdict, fails_when_a_domain_is_not_ready)
{
    feed("[0.000001000] hyp: entry el=2 counter_hz=62500000 entry_ticks=0 cpus=1");
    feed("[0.000500000] hyp: dom hello ready");
    feed("[0.000900000] hyp: exit status=0");
    cr_assert_not(decide(0, false));
    cr_assert(has_reason("domain 'idle' never became ready"));
    cr_assert_not(has_reason("'hello'"));
}

Test(verdict, fails_on_a_domain_the_manifest_does_not_declare)
{
    feed_all(clean);
    feed("[0.000950000] ghost: boo");
    cr_assert_not(decide(0, false));
    cr_assert(has_reason("'ghost'"));
}

Test(verdict, a_fatal_line_is_the_reason)
{
    feed("[0.000001000] hyp: entry el=2 counter_hz=62500000 entry_ticks=0 cpus=1");
    feed("[0.000002000] hyp: FATAL manifest: /chosen/hypervisor/hello: memory-kib: 1001 is not a "
         "positive multiple of 4");
    feed("[0.000002100] hyp: exit status=2");
    cr_assert_not(decide(2 << 8, false));
    cr_assert_eq(reasons.n, 1, "only the FATAL line, not what follows from it");
    cr_assert_str_eq(reasons.v[0], "the hypervisor stopped: FATAL manifest: "
                                   "/chosen/hypervisor/hello: memory-kib: 1001 is not a positive "
                                   "multiple of 4");
}

Test(verdict, a_fatal_line_after_a_timeout_keeps_the_timeout)
{
    feed("[0.000002000] hyp: FATAL launch: starting the domains failed (-22)");
    cr_assert_not(decide(SIGTERM, true));
    cr_assert_eq(reasons.n, 2);
    cr_assert(has_reason("timeout"));
    cr_assert(has_reason("FATAL launch: starting the domains failed (-22)"));
}

/* hello crashes before it is ready; idle waits for hello and is never started. */
Test(verdict, explains_a_domain_waiting_for_its_predecessor)
{
    struct scenario_domain v[] = {{.name = "hello", .id = 1},
                                  {.name = "idle", .id = 2, .after = {"hello"}, .nafter = 1}};
    struct scenario_domains ds = {.v = v, .n = 2};
    struct verdict_input vi = {&log, SIGTERM, true, 30000, &ds, false, false};
    char why[512];

    feed("[0.000001000] hyp: entry el=2 counter_hz=62500000 entry_ticks=0 cpus=1");
    feed("[0.000200000] hyp: dom hello created id=1");
    feed("[0.000210000] hyp: dom idle created id=2");
    feed("[0.000300000] hyp: dom hello vcpu 0 entry pc=0x40000000");
    feed("[0.000400000] hyp: dom hello shutdown reason=crash");
    cr_assert_not(verdict_decide(&vi, &reasons));
    cr_assert(has_reason("domain 'hello' never became ready: it shut down (crash) first"));
    cr_assert(has_reason("domain 'idle' never became ready: it was built but never started, "
                         "waiting (start-after) for 'hello', which never became ready"));
    verdict_not_ready(&log, &ds, &log.dom[clog_find(&log, "idle")], why, sizeof(why));
    cr_assert_str_eq(why, "domain 'idle' never became ready: it was built but never started, "
                          "waiting (start-after) for 'hello', which never became ready");
}

Test(verdict, explains_each_way_of_not_becoming_ready)
{
    char why[512];

    feed("[0.000200000] hyp: dom hello created id=1");
    feed("[0.000300000] hyp: dom hello vcpu 0 entry pc=0x40000000");
    verdict_not_ready(&log, &doms, &log.dom[clog_find(&log, "hello")], why, sizeof(why));
    cr_assert_str_eq(why, "domain 'hello' never became ready: it started but never made the ready "
                          "hypercall");
    verdict_not_ready(&log, &doms, &log.dom[clog_find(&log, "idle")], why, sizeof(why));
    cr_assert_str_eq(why, "domain 'idle' never became ready: it was never created");
    feed("[0.000400000] hyp: dom idle created id=2");
    verdict_not_ready(&log, NULL, &log.dom[clog_find(&log, "idle")], why, sizeof(why));
    cr_assert_str_eq(why, "domain 'idle' never became ready: it was built but never started");
    verdict_not_ready(&log, &doms, &log.dom[clog_find(&log, "idle")], why, 20);
    cr_assert_eq(strlen(why), 19, "a short buffer is filled, never overrun");
}

/* A control domain is not built in hyperlaunch mode: it is listed apart and not waited for. */
Test(summary, a_domain_of_another_mode_is_listed_apart)
{
    struct scenario_domain v[] = {{.name = "ctl", .id = 0, .roles = SCENARIO_ROLE_CONTROL},
                                  {.name = "hello", .id = 1}};
    struct scenario_domains ds = {.v = v, .n = 2};
    struct summary_input in = input(true);
    struct clog_note n;
    json_t *j, *a;
    char *text;
    size_t len;
    FILE *f;

    clog_free(&log);
    clog_init(&log);
    cr_assert_geq(clog_declare_idle(&log, "ctl"), 0);
    cr_assert_geq(clog_declare(&log, "hello"), 0);
    in.domains = &ds;
    cr_assert_eq(clog_feed(&log,
                           "[0.000100000] hyp: dom ctl not built: it serves the dom0 mode "
                           "only",
                           &n),
                 0);
    cr_assert_eq(clog_feed(&log, "[0.000500000] hyp: dom hello ready", &n), 0);
    cr_assert_eq(clog_ready_count(&log), 1);
    j = summary_json(&in);
    a = json_object_get(j, "domains");
    cr_assert_eq(json_array_size(a), 1);
    cr_assert_str_eq(str_at(json_array_get(a, 0), "name"), "hello");
    a = json_object_get(j, "not_in_mode");
    cr_assert_eq(json_array_size(a), 1);
    cr_assert_str_eq(json_string_value(json_array_get(a, 0)), "ctl");
    cr_assert_eq(int_at(j, "all_ready_ns"), 500000);
    json_decref(j);
    f = open_memstream(&text, &len);
    summary_human(&in, "out", f);
    fclose(f);
    cr_assert_not_null(strstr(text, "  not built   ctl (not in this mode)\n"), "%s", text);
    cr_assert_null(strstr(text, "\n  ctl "), "no row of its own: %s", text);
    free(text);
}

Test(verdict, a_domain_of_another_mode_need_not_become_ready)
{
    clog_free(&log);
    clog_init(&log);
    clog_declare_idle(&log, "ctl");
    clog_declare(&log, "hello");
    feed("[0.000001000] hyp: entry el=2 counter_hz=62500000 entry_ticks=0 cpus=1");
    feed("[0.000100000] hyp: dom ctl not built: it serves the dom0 mode only");
    feed("[0.000500000] hyp: dom hello ready");
    feed("[0.000900000] hyp: exit status=0");
    cr_assert(decide(0, false), "%s", reasons.n ? reasons.v[0] : "");
}

/* Booted through U-Boot: the counter already ran for 2 s at entry, and that is firmware time. */
Test(summary, firmware_time_is_the_entry_time)
{
    struct summary_input in = input(true);
    json_t *j, *h;

    feed("[2.000000000] hyp: entry el=2 counter_hz=62500000 entry_ticks=125000000 cpus=1");
    feed("[2.000100000] hyp: init done");
    in.platform = "qemu-virt-uboot";
    in.firmware = true;
    j = summary_json(&in);
    h = json_object_get(j, "hypervisor");
    cr_assert_eq(int_at(h, "entry_ns"), 2000000000);
    cr_assert_eq(int_at(h, "firmware_ns"), 2000000000);
    json_decref(j);
    in.firmware = false;
    j = summary_json(&in);
    cr_assert_eq(int_at(json_object_get(j, "hypervisor"), "firmware_ns"), 0,
                 "QEMU's direct boot has no firmware");
    json_decref(j);
}

Test(summary, latency_and_isolation_from_guest_lines)
{
    struct summary_input in = input(true);
    json_t *j, *lat, *iso, *hist, *counts;
    json_int_t total = 0;
    size_t i;

    feed_all(both_ready);
    feed("[0.000410000] hello: lat wake 10 20 30 40 50");
    feed("[0.000420000] hello: lat wake 60 70 80 90 100");
    feed("[0.000430000] hello: isolation unmapped_ipa blocked");
    feed("[0.000440000] hyp: dom hello fault data abort at IPA 0x10000000");
    j = summary_json(&in);
    cr_assert_not_null(j);
    lat = json_array_get(json_object_get(j, "latency"), 0);
    cr_assert_str_eq(str_at(lat, "domain"), "hello");
    cr_assert_str_eq(str_at(lat, "series"), "wake");
    cr_assert_str_eq(str_at(lat, "source"), "guest");
    cr_assert_str_eq(str_at(lat, "unit"), "ns");
    cr_assert_eq(int_at(lat, "count"), 10);
    cr_assert_float_eq(get_real(lat, "min"), 10.0, 1e-9);
    cr_assert_float_eq(get_real(lat, "mean"), 55.0, 1e-9);
    cr_assert_float_eq(get_real(lat, "p50"), 50.0, 1e-9);
    cr_assert_float_eq(get_real(lat, "p90"), 90.0, 1e-9);
    cr_assert(json_is_null(json_object_get(lat, "p99")), "10 samples cannot support a p99");
    cr_assert(json_is_null(json_object_get(lat, "p99_9")));
    cr_assert_float_eq(get_real(lat, "max"), 100.0, 1e-9);
    hist = json_object_get(lat, "histogram");
    counts = json_object_get(hist, "counts");
    cr_assert_float_eq(get_real(hist, "lo_ns"), 10.0, 1e-9);
    cr_assert_float_eq(get_real(hist, "width_ns"), 4.5, 1e-9);
    cr_assert_eq(json_array_size(counts), 20);
    for (i = 0; i < json_array_size(counts); i++) {
        total += json_integer_value(json_array_get(counts, i));
    }
    cr_assert_eq(total, 10);
    iso = json_object_get(j, "isolation");
    cr_assert_eq(int_at(iso, "probes"), 1);
    cr_assert_eq(int_at(iso, "blocked"), 1);
    cr_assert_eq(int_at(iso, "leaked"), 0);
    cr_assert_eq(int_at(iso, "faults"), 1);
    cr_assert_str_eq(str_at(json_array_get(json_object_get(iso, "by_probe"), 0), "probe"),
                     "unmapped_ipa");
    json_decref(j);
}
