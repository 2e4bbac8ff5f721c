/* An in-process babeltrace2 source component that turns a dump into trace IR messages: one
 * stream per pCPU, one event class per events.def entry, packets as ctf_plan.c cuts them, all
 * messages in time order. babeltrace2's sink.ctf.fs then writes them as CTF 1.8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctf_internal.h"

static bt_field_class *ctf_payload_class(bt_trace_class *tc, const struct trace_event_info *ev)
{
    bt_field_class *st = bt_field_class_structure_create(tc);

    for (unsigned a = 0; st && a < ev->nargs; a++) {
        bt_field_class *u = bt_field_class_integer_unsigned_create(tc);
        if (!u) {
            bt_field_class_put_ref(st);
            return NULL;
        }
        if (trace_arg_is_hex(ev->args[a])) {
            bt_field_class_integer_set_preferred_display_base(
                u, BT_FIELD_CLASS_INTEGER_PREFERRED_DISPLAY_BASE_HEXADECIMAL);
        }
        if (bt_field_class_structure_append_member(st, ev->args[a], u) !=
            BT_FIELD_CLASS_STRUCTURE_APPEND_MEMBER_STATUS_OK) {
            bt_field_class_put_ref(u);
            bt_field_class_put_ref(st);
            return NULL;
        }
        bt_field_class_put_ref(u);
    }
    return st;
}

/* Event class "tessera:NAME" with the event's id and one u64 member per argument. */
static int ctf_event_class(struct ctf_src *s, const struct trace_event_info *ev)
{
    char name[96];
    bt_event_class *ec = bt_event_class_create_with_id(s->sc, ev->id);
    bt_field_class *payload = ec ? ctf_payload_class(s->tc, ev) : NULL;
    int ok;

    snprintf(name, sizeof(name), "tessera:%s", ev->name);
    ok = payload && bt_event_class_set_name(ec, name) == BT_EVENT_CLASS_SET_NAME_STATUS_OK &&
         bt_event_class_set_payload_field_class(ec, payload) ==
             BT_EVENT_CLASS_SET_FIELD_CLASS_STATUS_OK;
    bt_field_class_put_ref(payload);
    s->ec[ev->id] = ec;
    bt_event_class_put_ref(ec); /* the stream class keeps it */
    return ok ? 0 : -1;
}

static int ctf_clock_class(struct ctf_src *s, bt_self_component *self)
{
    s->cc = bt_clock_class_create(self);
    if (!s->cc) {
        return -1;
    }
    bt_clock_class_set_frequency(s->cc, s->d->counter_hz);
    bt_clock_class_set_origin_is_unix_epoch(s->cc, BT_FALSE);
    if (bt_clock_class_set_name(s->cc, "cntpct") != BT_CLOCK_CLASS_SET_NAME_STATUS_OK ||
        bt_clock_class_set_description(s->cc, "platform counter since reset") !=
            BT_CLOCK_CLASS_SET_DESCRIPTION_STATUS_OK) {
        return -1;
    }
    return 0;
}

static bt_field_class *ctf_packet_context_class(bt_trace_class *tc)
{
    bt_field_class *st = bt_field_class_structure_create(tc);
    bt_field_class *cpu = bt_field_class_integer_unsigned_create(tc);

    if (!st || !cpu) {
        bt_field_class_put_ref(st);
        bt_field_class_put_ref(cpu);
        return NULL;
    }
    bt_field_class_integer_set_field_value_range(cpu, 32);
    if (bt_field_class_structure_append_member(st, "cpu_id", cpu) !=
        BT_FIELD_CLASS_STRUCTURE_APPEND_MEMBER_STATUS_OK) {
        bt_field_class_put_ref(st);
        st = NULL;
    }
    bt_field_class_put_ref(cpu);
    return st;
}

static int ctf_stream_class(struct ctf_src *s)
{
    bt_field_class *ctx = ctf_packet_context_class(s->tc);
    int rc = -1;

    s->sc = bt_stream_class_create(s->tc);
    if (s->sc && ctx &&
        bt_stream_class_set_default_clock_class(s->sc, s->cc) ==
            BT_STREAM_CLASS_SET_DEFAULT_CLOCK_CLASS_STATUS_OK) {
        bt_stream_class_set_assigns_automatic_event_class_id(s->sc, BT_FALSE);
        bt_stream_class_set_assigns_automatic_stream_id(s->sc, BT_FALSE);
        bt_stream_class_set_supports_packets(s->sc, BT_TRUE, BT_TRUE, BT_TRUE);
        bt_stream_class_set_supports_discarded_events(s->sc, BT_TRUE, BT_TRUE);
        rc = bt_stream_class_set_packet_context_field_class(s->sc, ctx) ==
                     BT_STREAM_CLASS_SET_FIELD_CLASS_STATUS_OK
                 ? 0
                 : -1;
    }
    bt_field_class_put_ref(ctx);
    for (size_t i = 0; rc == 0 && i < trace_event_count(); i++) {
        rc = ctf_event_class(s, trace_event_at(i));
    }
    return rc;
}

/* Trace environment: tracer, counter frequency and the domain names of the dump. */
static int ctf_environment(struct ctf_src *s)
{
    int bad = bt_trace_set_name(s->trace, "tessera") != BT_TRACE_SET_NAME_STATUS_OK;

    bad |= bt_trace_set_environment_entry_string(s->trace, "tracer_name", "tessera") !=
           BT_TRACE_SET_ENVIRONMENT_ENTRY_STATUS_OK;
    bad |= bt_trace_set_environment_entry_string(s->trace, "trace_name", "tessera") !=
           BT_TRACE_SET_ENVIRONMENT_ENTRY_STATUS_OK;
    bad |=
        bt_trace_set_environment_entry_integer(s->trace, "counter_hz", (int64_t)s->d->counter_hz) !=
        BT_TRACE_SET_ENVIRONMENT_ENTRY_STATUS_OK;
    for (uint32_t i = 0; i < s->d->ndomains; i++) {
        char key[48];
        if (s->d->domains[i].domid == UINT32_MAX) {
            continue;
        }
        snprintf(key, sizeof(key), "domain_%u", s->d->domains[i].domid);
        bad |= bt_trace_set_environment_entry_string(s->trace, key, s->d->domains[i].name) !=
               BT_TRACE_SET_ENVIRONMENT_ENTRY_STATUS_OK;
    }
    return bad ? -1 : 0;
}

static int ctf_streams(struct ctf_src *s)
{
    for (uint32_t c = 0; c < s->d->ncpus; c++) {
        char name[32];
        if (ctf_plan_cpu(&s->d->cpus[c], s->d->dump_ts, &s->cpus[c].pkts, &s->cpus[c].npkts)) {
            return -1;
        }
        if (s->cpus[c].npkts == 0) {
            continue; /* no records: no stream */
        }
        s->cpus[c].stream = bt_stream_create_with_id(s->sc, s->trace, c);
        snprintf(name, sizeof(name), "cpu%u", c);
        if (!s->cpus[c].stream ||
            bt_stream_set_name(s->cpus[c].stream, name) != BT_STREAM_SET_NAME_STATUS_OK) {
            return -1;
        }
    }
    return 0;
}

static int ctf_build(struct ctf_src *s, bt_self_component *self)
{
    s->tc = bt_trace_class_create(self);
    if (!s->tc || ctf_clock_class(s, self) || ctf_stream_class(s)) {
        return -1;
    }
    s->trace = bt_trace_create(s->tc);
    if (!s->trace || ctf_environment(s)) {
        return -1;
    }
    return ctf_streams(s);
}

static bt_component_class_initialize_method_status
ctf_src_init(bt_self_component_source *self, bt_self_component_source_configuration *config,
             const bt_value *params, void *data)
{
    bt_self_component *comp = bt_self_component_source_as_self_component(self);
    struct ctf_src *s = data;

    (void)config;
    (void)params;
    bt_self_component_set_data(comp, s);
    if (ctf_build(s, comp) != 0 ||
        bt_self_component_source_add_output_port(self, "out", NULL, NULL) !=
            BT_SELF_COMPONENT_ADD_PORT_STATUS_OK) {
        s->failed = true;
        return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
    }
    return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

static bt_message_iterator_class_initialize_method_status
ctf_it_init(bt_self_message_iterator *it, bt_self_message_iterator_configuration *config,
            bt_self_component_port_output *port)
{
    (void)config;
    (void)port;
    bt_self_message_iterator_set_data(
        it, bt_self_component_get_data(bt_self_message_iterator_borrow_component(it)));
    return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

static int ctf_push(struct ctf_src *s, bt_message *m)
{
    if (!m) {
        return -1;
    }
    s->queue[(s->qhead + s->qlen++) % CTF_QUEUE] = m;
    return 0;
}

/* Discarded events before packet k (if any) and the beginning of packet k. */
static int ctf_open_packet(struct ctf_src *s, bt_self_message_iterator *it, struct ctf_cpu *c)
{
    const struct ctf_pkt *k = &c->pkts[c->cur];
    bt_field *ctx;

    if (k->discarded && c->cur > 0) {
        bt_message *m = bt_message_discarded_events_create_with_default_clock_snapshots(
            it, c->stream, c->pkts[c->cur - 1].end, k->end);
        if (ctf_push(s, m)) {
            return -1;
        }
        bt_message_discarded_events_set_count(m, k->discarded);
    }
    c->packet = bt_packet_create(c->stream);
    if (!c->packet) {
        return -1;
    }
    ctx = bt_packet_borrow_context_field(c->packet);
    bt_field_integer_unsigned_set_value(bt_field_structure_borrow_member_field_by_index(ctx, 0),
                                        (uint64_t)(c - s->cpus));
    return ctf_push(
        s, bt_message_packet_beginning_create_with_default_clock_snapshot(it, c->packet, k->begin));
}

static int ctf_close_packet(struct ctf_src *s, bt_self_message_iterator *it, struct ctf_cpu *c)
{
    int rc = ctf_push(s, bt_message_packet_end_create_with_default_clock_snapshot(
                             it, c->packet, c->pkts[c->cur].end));

    bt_packet_put_ref(c->packet);
    c->packet = NULL;
    c->cur++;
    /* A final empty packet (records lost at the end) opens right away. */
    if (rc == 0 && c->cur < c->npkts && c->pkts[c->cur].count == 0) {
        rc = ctf_open_packet(s, it, c);
    }
    return rc;
}

static int ctf_event(struct ctf_src *s, bt_self_message_iterator *it, struct ctf_cpu *c,
                     const struct trace_record *r)
{
    const struct trace_event_info *ev = trace_event_by_id(r->id);
    bt_message *m = bt_message_event_create_with_packet_and_default_clock_snapshot(
        it, s->ec[r->id], c->packet, r->ts);
    bt_field *payload;

    if (ctf_push(s, m)) {
        return -1;
    }
    payload = bt_event_borrow_payload_field(bt_message_event_borrow_event(m));
    for (unsigned a = 0; a < ev->nargs; a++) {
        bt_field_integer_unsigned_set_value(
            bt_field_structure_borrow_member_field_by_index(payload, a), r->args[a]);
    }
    return 0;
}

static int ctf_step_record(struct ctf_src *s, bt_self_message_iterator *it)
{
    const struct trace_record *r = s->merged[s->pos++];
    struct ctf_cpu *c = &s->cpus[r->cpu];
    uint64_t i = (uint64_t)(r - s->d->cpus[r->cpu].recs);
    const struct ctf_pkt *k = &c->pkts[c->cur];

    if (i == k->first && ctf_open_packet(s, it, c)) {
        return -1;
    }
    if (ctf_event(s, it, c, r)) {
        return -1;
    }
    return i + 1 == k->first + k->count ? ctf_close_packet(s, it, c) : 0;
}

/* Next CPU at or after s->phase_cpu that has a stream, or NULL. */
static struct ctf_cpu *ctf_next_stream(struct ctf_src *s)
{
    while (s->phase_cpu < s->d->ncpus) {
        struct ctf_cpu *c = &s->cpus[s->phase_cpu++];
        if (c->stream) {
            return c;
        }
    }
    return NULL;
}

/* Produces the next few messages into the queue; returns 1 when there are no more. */
static int ctf_step(struct ctf_src *s, bt_self_message_iterator *it)
{
    struct ctf_cpu *c;

    switch (s->phase) {
    case CTF_PHASE_BEGIN:
        if ((c = ctf_next_stream(s)) != NULL) {
            return ctf_push(s, bt_message_stream_beginning_create(it, c->stream));
        }
        s->phase = CTF_PHASE_RECORDS;
        return 0;
    case CTF_PHASE_RECORDS:
        if (s->pos < s->nmerged) {
            return ctf_step_record(s, it);
        }
        s->phase = CTF_PHASE_END;
        s->phase_cpu = 0;
        return 0;
    case CTF_PHASE_END:
        if ((c = ctf_next_stream(s)) != NULL) {
            if (c->packet && ctf_close_packet(s, it, c)) {
                return -1;
            }
            return ctf_push(s, bt_message_stream_end_create(it, c->stream));
        }
        s->phase = CTF_PHASE_DONE;
        return 1;
    default:
        return 1;
    }
}

static bt_message_iterator_class_next_method_status ctf_it_next(bt_self_message_iterator *it,
                                                                bt_message_array_const msgs,
                                                                uint64_t capacity, uint64_t *count)
{
    struct ctf_src *s = bt_self_message_iterator_get_data(it);
    uint64_t n = 0;

    while (n < capacity) {
        if (s->qlen == 0) {
            int rc = ctf_step(s, it);
            if (rc < 0) {
                s->failed = true;
                return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_MEMORY_ERROR;
            }
            if (rc > 0 && s->qlen == 0) {
                break;
            }
            continue;
        }
        msgs[n++] = s->queue[s->qhead];
        s->qhead = (s->qhead + 1) % CTF_QUEUE;
        s->qlen--;
    }
    *count = n;
    if (n == 0) {
        return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_END;
    }
    return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_OK;
}

bt_component_class_source *ctf_source_class(void)
{
    bt_message_iterator_class *mic = bt_message_iterator_class_create(ctf_it_next);
    bt_component_class_source *cls = NULL;

    if (mic && bt_message_iterator_class_set_initialize_method(mic, ctf_it_init) ==
                   BT_MESSAGE_ITERATOR_CLASS_SET_METHOD_STATUS_OK) {
        cls = bt_component_class_source_create("tessera-dump", mic);
    }
    if (cls && bt_component_class_source_set_initialize_method(cls, ctf_src_init) !=
                   BT_COMPONENT_CLASS_SET_METHOD_STATUS_OK) {
        bt_component_class_source_put_ref(cls);
        cls = NULL;
    }
    bt_message_iterator_class_put_ref(mic);
    return cls;
}

void ctf_source_release(struct ctf_src *s)
{
    for (uint32_t c = 0; s->cpus && c < s->d->ncpus; c++) {
        bt_packet_put_ref(s->cpus[c].packet);
        bt_stream_put_ref(s->cpus[c].stream);
        free(s->cpus[c].pkts);
    }
    while (s->qlen) {
        bt_message_put_ref(s->queue[s->qhead]);
        s->qhead = (s->qhead + 1) % CTF_QUEUE;
        s->qlen--;
    }
    bt_trace_put_ref(s->trace);
    bt_stream_class_put_ref(s->sc);
    bt_clock_class_put_ref(s->cc);
    bt_trace_class_put_ref(s->tc);
}
