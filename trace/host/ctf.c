/* `tessera trace --ctf DIR`: a babeltrace2 graph made of the in-process dump source
 * (ctf_source.c) and the ctf plugin's sink.ctf.fs, which writes the CTF 1.8 trace. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctf_internal.h"

/* sink.ctf.fs appends a suffix to a path that exists, so DIR must not exist; an empty DIR is
 * removed first. */
static int ctf_prepare_dir(const char *dir, struct trace_err *e)
{
    DIR *dp = opendir(dir);
    struct dirent *de;

    if (!dp) {
        if (errno == ENOENT) {
            return 0;
        }
        return trace_err_set(e, -errno, "%s: %s", dir, strerror(errno));
    }
    while ((de = readdir(dp)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            closedir(dp);
            return trace_err_set(e, -EEXIST,
                                 "%s exists and is not empty: remove it or choose another "
                                 "directory for the CTF trace",
                                 dir);
        }
    }
    closedir(dp);
    if (rmdir(dir) != 0) {
        return trace_err_set(e, -errno, "%s: %s", dir, strerror(errno));
    }
    return 0;
}

/* Moves babeltrace2's error causes (innermost last) into e. */
static int ctf_bt_error(struct trace_err *e, const char *what)
{
    const bt_error *err = bt_current_thread_take_error();
    size_t n = 0;

    trace_err_set(e, -EIO, "babeltrace2: %s", what);
    for (uint64_t i = 0; err && e && i < bt_error_get_cause_count(err); i++) {
        const bt_error_cause *c = bt_error_borrow_cause_by_index(err, i);
        n = strlen(e->msg);
        snprintf(e->msg + n, sizeof(e->msg) - n, "; %s: %s", bt_error_cause_get_module_name(c),
                 bt_error_cause_get_message(c));
    }
    if (err) {
        bt_error_release(err);
    }
    return -EIO;
}

static const bt_component_class_sink *ctf_sink_class(const bt_plugin **plugin)
{
    if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, plugin) !=
        BT_PLUGIN_FIND_STATUS_OK) {
        return NULL;
    }
    return bt_plugin_borrow_sink_component_class_by_name_const(*plugin, "fs");
}

static bt_value *ctf_sink_params(const char *dir)
{
    bt_value *p = bt_value_map_create();

    if (p &&
        (bt_value_map_insert_string_entry(p, "path", dir) != BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
         bt_value_map_insert_bool_entry(p, "assume-single-trace", BT_TRUE) !=
             BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
         bt_value_map_insert_bool_entry(p, "quiet", BT_TRUE) !=
             BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK)) {
        bt_value_put_ref(p);
        return NULL;
    }
    return p;
}

/* Adds the source and the sink to g and connects them. */
static int ctf_assemble(bt_graph *g, struct ctf_src *s, const char *dir, struct trace_err *e)
{
    const bt_plugin *plugin = NULL;
    const bt_component_class_sink *sink_cls = ctf_sink_class(&plugin);
    bt_component_class_source *src_cls = ctf_source_class();
    bt_value *params = ctf_sink_params(dir);
    const bt_component_source *src = NULL;
    const bt_component_sink *sink = NULL;
    int rc = 0;

    if (!sink_cls) {
        rc = trace_err_set(e, -ENOENT,
                           "babeltrace2's ctf plugin (sink.ctf.fs) not found: install "
                           "babeltrace2");
    } else if (!src_cls || !params ||
               bt_graph_add_source_component_with_initialize_method_data(
                   g, src_cls, "tessera", NULL, s, BT_LOGGING_LEVEL_WARNING, &src) !=
                   BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
               bt_graph_add_sink_component(g, sink_cls, "ctf", params, BT_LOGGING_LEVEL_WARNING,
                                           &sink) != BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
               bt_graph_connect_ports(g,
                                      bt_component_source_borrow_output_port_by_index_const(src, 0),
                                      bt_component_sink_borrow_input_port_by_index_const(sink, 0),
                                      NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
        rc = ctf_bt_error(e, "could not build the graph");
    }
    bt_value_put_ref(params);
    bt_component_class_source_put_ref(src_cls);
    bt_plugin_put_ref(plugin);
    return rc;
}

static int ctf_run(struct ctf_src *s, const char *dir, struct trace_err *e)
{
    bt_graph *g = bt_graph_create(0);
    bt_graph_run_status st;
    int rc;

    if (!g) {
        return trace_err_set(e, -ENOMEM, "babeltrace2: could not create a graph");
    }
    rc = ctf_assemble(g, s, dir, e);
    while (rc == 0 && (st = bt_graph_run(g)) != BT_GRAPH_RUN_STATUS_OK) {
        if (st != BT_GRAPH_RUN_STATUS_AGAIN) {
            rc = ctf_bt_error(e, "writing the CTF trace failed");
        }
    }
    bt_graph_put_ref(g);
    return rc;
}

int trace_ctf_write(const struct trace_data *d, const char *dir, struct trace_err *e)
{
    struct ctf_src *s = calloc(1, sizeof(*s));
    int rc;

    if (!s) {
        return trace_err_set(e, -ENOMEM, "out of memory");
    }
    s->d = d;
    s->cpus = calloc(d->ncpus ? d->ncpus : 1, sizeof(*s->cpus));
    s->merged = trace_data_merge(d, &s->nmerged);
    if (!s->cpus || !s->merged) {
        rc = trace_err_set(e, -ENOMEM, "out of memory");
    } else if ((rc = ctf_prepare_dir(dir, e)) == 0) {
        rc = ctf_run(s, dir, e);
    }
    if (rc == 0 && s->failed) {
        rc = trace_err_set(e, -EIO, "babeltrace2: the dump source failed");
    }
    ctf_source_release(s);
    free(s->cpus);
    free(s->merged);
    free(s);
    return rc;
}
