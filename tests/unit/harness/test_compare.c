/* `tessera compare`'s pieces: the comparison of two runs' summaries (statistics: test_stats.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/compare.h>

#include "../../../harness/compare_out.h"
#include "helpers.h"

#define SUMMARY                                                                                    \
    "{\"hypervisor\": {\"entry_ns\": 10, \"init_done_ns\": 500},"                                  \
    " \"domains\": ["                                                                              \
    "  {\"name\": \"ctl\", \"role\": \"control\", \"created_ns\": 100, \"first_instr_ns\": 200,"   \
    "   \"first_output_ns\": 210, \"ready_ns\": 300},"                                             \
    "  {\"name\": \"cluster\", \"role\": \"fleet\", \"created_ns\": 600, \"first_instr_ns\": 700," \
    "   \"first_output_ns\": null, \"ready_ns\": 900}],"                                           \
    " \"all_ready_ns\": 900}"

static json_t *summary(void)
{
    json_error_t e;
    json_t *j = json_loads(SUMMARY, 0, &e);

    cr_assert_not_null(j, "%s", e.text);
    return j;
}

static json_t *domain(json_t *s, size_t i)
{
    return json_array_get(json_object_get(s, "domains"), i);
}

Test(compare, identical_summaries)
{
    json_t *a = summary(), *b = summary();
    struct strvec d = STRVEC_INIT;

    /* numbers are compared, not the rest of the summary */
    json_object_set_new(b, "provenance", json_string("another run"));
    json_object_set_new(json_object_get(b, "hypervisor"), "exit_status", json_integer(0));
    cr_assert_eq(compare_diff(a, b, &d), 0);
    cr_assert_eq(d.n, 0);
    strvec_free(&d);
    json_decref(a);
    json_decref(b);
}

Test(compare, different_summaries)
{
    json_t *a = summary(), *b = summary();
    struct strvec d = STRVEC_INIT;

    json_object_set_new(domain(b, 1), "ready_ns", json_integer(901));
    json_object_set_new(domain(b, 1), "first_output_ns", json_integer(800)); /* null in a */
    json_object_set_new(json_object_get(b, "hypervisor"), "init_done_ns", json_integer(501));
    json_object_set_new(b, "all_ready_ns", json_null());
    cr_assert_eq(compare_diff(a, b, &d), 4);
    cr_assert_eq(d.n, 4);
    cr_assert_str_eq(d.v[0], "hypervisor.init_done_ns");
    cr_assert_str_eq(d.v[1], "cluster.first_output_ns");
    cr_assert_str_eq(d.v[2], "cluster.ready_ns");
    cr_assert_str_eq(d.v[3], "all_ready_ns");
    strvec_free(&d);
    json_decref(a);
    json_decref(b);
}

Test(compare, domain_of_one_run_only)
{
    json_t *a = summary(), *b = summary();
    struct strvec d = STRVEC_INIT;

    json_array_remove(json_object_get(a, "domains"), 0); /* a has no ctl */
    cr_assert_eq(compare_diff(a, b, &d), 1);
    cr_assert_str_eq(d.v[0], "ctl (a domain of one run only)");
    strvec_free(&d);
    cr_assert_eq(compare_diff(b, a, &d), 4, "ctl's four numbers are missing from a");
    cr_assert_str_eq(d.v[0], "ctl.created_ns");
    strvec_free(&d);
    json_decref(a);
    json_decref(b);
}

/* Through U-Boot the firmware's time is a row of its own (compared like the others, before the
 * hypervisor's); a direct boot (firmware_ns 0 or absent) has no such row. */
Test(compare, firmware_row_only_when_firmware_ran)
{
    json_t *a = summary(), *b = summary();
    struct strvec d = STRVEC_INIT;

    json_object_set_new(json_object_get(b, "hypervisor"), "firmware_ns", json_integer(0));
    cr_assert_eq(compare_diff(a, b, &d), 0, "no firmware row in a: absent and 0 are alike");
    json_object_set_new(json_object_get(a, "hypervisor"), "firmware_ns", json_integer(10));
    json_object_set_new(json_object_get(b, "hypervisor"), "firmware_ns", json_integer(11));
    json_object_set_new(json_object_get(b, "hypervisor"), "init_done_ns", json_integer(501));
    cr_assert_eq(compare_diff(a, b, &d), 2);
    cr_assert_str_eq(d.v[0], "hypervisor.firmware_ns");
    cr_assert_str_eq(d.v[1], "hypervisor.init_done_ns");
    strvec_free(&d);
    json_decref(a);
    json_decref(b);
}

/* A mode's run-1 summary with one latency series and some isolation outcomes. */
static json_t *metrics_summary(double p50, json_t *p99, long blocked, long leaked)
{
    return json_pack("{s:[{s:s,s:s,s:s,s:f,s:o,s:f,s:{s:f,s:f,s:[i,i]}}],s:{s:i,s:i,s:i,s:i}}",
                     "latency", "domain", "ping", "series", "rtt", "source", "guest", "p50", p50,
                     "p99", p99, "max", 9000.0, "histogram", "lo_ns", 100.0, "width_ns", 50.0,
                     "counts", 3, 1, "isolation", "probes", blocked + leaked, "blocked", blocked,
                     "leaked", leaked, "faults", 2);
}

Test(compare, metrics_table_side_by_side)
{
    json_t *s0 = metrics_summary(1680, json_real(12016), 3, 0);
    json_t *s1 = metrics_summary(1700, json_null(), 2, 1);
    struct cmp_mode m[2] = {{.name = "hyperlaunch", .sum = &s0}, {.name = "dom0", .sum = &s1}};
    struct cmp_ctx c = {.m = m, .nm = 2, .repeat = 1};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    json_t *o = json_object();

    cmp_metrics_table(&c, f, false);
    fclose(f);
    cr_assert_not_null(strstr(text, "isolation probes blocked/leaked"), "%s", text);
    cr_assert_not_null(strstr(text, "3/0"), "%s", text);
    cr_assert_not_null(strstr(text, "2/1"), "%s", text);
    cr_assert_not_null(strstr(text, "ping rtt (guest)"), "%s", text);
    cr_assert_not_null(strstr(text, "1680/12016/9000"), "%s", text);
    cr_assert_not_null(strstr(text, "1700/-/9000"), "a refused p99 is '-': %s", text);
    free(text);
    cmp_metrics_json(&m[1], o);
    cr_assert_eq(get_int(json_object_get(o, "isolation"), "leaked"), 1);
    cr_assert_eq(json_array_size(json_object_get(o, "latency")), 1);
    json_decref(o);
    json_decref(s0);
    json_decref(s1);
}

Test(compare, no_metrics_table_without_metrics)
{
    json_t *s0 = json_pack("{s:[],s:{s:i,s:i,s:i,s:i}}", "latency", "isolation", "probes", 0,
                           "blocked", 0, "leaked", 0, "faults", 0);
    struct cmp_mode m[1] = {{.name = "hyperlaunch", .sum = &s0}};
    struct cmp_ctx c = {.m = m, .nm = 1, .repeat = 1};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    cmp_metrics_table(&c, f, true);
    fclose(f);
    cr_assert_eq(len, 0, "%s", text);
    free(text);
    json_decref(s0);
}
