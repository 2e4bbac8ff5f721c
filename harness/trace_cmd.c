/* `tessera trace`: command-line parsing and dispatch to the trace library (trace/host), which
 * does the reading, validation and every output. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <tessera/harness/run.h>
#include <tessera/harness/trace_cmd.h>
#include <tessera/trace_host.h>

struct trace_cmd_opts {
    const char *dump, *ctf, *perfetto;
    bool stats, events;
};

static void trace_cmd_usage(FILE *out)
{
    fprintf(out,
            "usage: tessera trace DUMP [--ctf DIR] [--perfetto FILE] [--stats]\n"
            "       tessera trace --events\n"
            "\n"
            "Reads a trace dump written by the hypervisor (or a console log that holds a framed\n"
            "UART dump) and converts it; at least one output is needed.\n"
            "\n"
            "options:\n"
            "  --ctf DIR        CTF 1.8 trace in DIR (must not exist or be empty), for\n"
            "                   babeltrace2 and Trace Compass\n"
            "  --perfetto FILE  Chrome trace-event JSON for ui.perfetto.dev\n"
            "  --stats          event counts, exits per domain, hypercall latency, lost records\n"
            "  --events         print the event reference (classes and events, Markdown)\n"
            "  -h, --help       this help\n"
            "\n"
            "exit status: 0 done, 1 the dump is invalid, 2 usage or output errors\n");
}

/* Returns 0, 1 for --help, or -1 on a usage error. */
static int trace_cmd_parse(int argc, char **argv, struct trace_cmd_opts *o)
{
    static const struct option longopts[] = {
        {"ctf", required_argument, NULL, 'c'}, {"perfetto", required_argument, NULL, 'p'},
        {"stats", no_argument, NULL, 's'},     {"events", no_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0},
    };
    int opt;

    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            o->ctf = optarg;
            break;
        case 'p':
            o->perfetto = optarg;
            break;
        case 's':
            o->stats = true;
            break;
        case 'e':
            o->events = true;
            break;
        case 'h':
            return 1;
        default:
            return -1;
        }
    }
    if (o->events) {
        if (optind == argc && !o->ctf && !o->perfetto && !o->stats) {
            return 0;
        }
        fprintf(stderr, "tessera trace: --events takes no DUMP and no other option\n");
        return -1;
    }
    if (optind + 1 != argc || (!o->ctf && !o->perfetto && !o->stats)) {
        fprintf(stderr, "tessera trace: %s\n",
                optind >= argc      ? "missing DUMP"
                : optind + 1 < argc ? "exactly one DUMP, please"
                                    : "choose at least one of --ctf, --perfetto, --stats");
        return -1;
    }
    o->dump = argv[optind];
    return 0;
}

/* Prepends "WHAT NAME: " to the message in e ("WHAT: " if the message starts with NAME) and
 * returns rc. */
static int trace_cmd_fail(struct trace_err *e, int rc, const char *what, const char *name)
{
    char msg[TRACE_ERR_MAX];
    bool named = !name || strncmp(e->msg, name, strlen(name)) == 0;

    snprintf(msg, sizeof(msg), "%s", e->msg);
    return trace_err_set(e, rc, "%s%s%s: %s", what, named ? "" : " ", named ? "" : name, msg);
}

/* The statistics into r, printed to o->stats if set. */
static int trace_cmd_stats(const struct trace_data *d, const struct trace_cmd_out *o,
                           struct trace_report *r, struct trace_err *e)
{
    int rc = trace_report_compute(d, r, e);

    if (rc != 0) {
        return trace_cmd_fail(e, rc, "statistics", NULL);
    }
    if (o->stats) {
        trace_report_print(d, r, o->stats);
    }
    return 0;
}

int trace_cmd_write(const struct trace_data *d, const struct trace_cmd_out *o,
                    struct trace_report *r, struct trace_err *e)
{
    struct trace_report local;
    int rc;

    if (o->ctf && (rc = trace_ctf_write(d, o->ctf, e)) != 0) {
        return trace_cmd_fail(e, rc, "CTF", o->ctf);
    }
    if (o->perfetto && (rc = trace_perfetto_write(d, o->perfetto, e)) != 0) {
        return trace_cmd_fail(e, rc, "Perfetto", o->perfetto);
    }
    if (!o->stats && !r) {
        return 0;
    }
    rc = trace_cmd_stats(d, o, r ? r : &local, e);
    if (rc == 0 && !r) {
        trace_report_free(&local);
    }
    return rc;
}

static int trace_cmd_outputs(const struct trace_cmd_opts *o, const struct trace_data *d)
{
    struct trace_cmd_out out = {o->ctf, o->perfetto, o->stats ? stdout : NULL};
    struct trace_err e;

    if (trace_cmd_write(d, &out, NULL, &e) != 0) {
        fprintf(stderr, "tessera trace: %s\n", e.msg);
        return RUN_EXIT_USAGE;
    }
    return RUN_EXIT_PASS;
}

int trace_cmd_main(int argc, char **argv)
{
    struct trace_cmd_opts o = {0};
    struct trace_data d;
    struct trace_err e;
    int rc = trace_cmd_parse(argc, argv, &o);

    if (rc != 0) {
        if (rc > 0) {
            trace_cmd_usage(stdout);
            return RUN_EXIT_PASS;
        }
        fprintf(stderr, "try 'tessera trace --help'\n");
        return RUN_EXIT_USAGE;
    }
    if (o.events) {
        trace_reference_markdown(stdout);
        return RUN_EXIT_PASS;
    }
    if (trace_data_load(o.dump, &d, &e) != 0) {
        fprintf(stderr, "tessera trace: %s\n", e.msg);
        return RUN_EXIT_FAIL;
    }
    rc = trace_cmd_outputs(&o, &d);
    trace_data_free(&d);
    return rc;
}
