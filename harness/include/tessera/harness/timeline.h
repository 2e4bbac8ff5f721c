/* The boot timeline from the trace: when a run's trace is complete, its records time the
 * milestones at the instant they happen (the console stamps a line when it is printed, a few
 * hundred ns later), so they replace the console's times (DESIGN.md 4.5 "boot timeline from the
 * trace when present, else from console timestamps"). */
#ifndef TESSERA_HARNESS_TIMELINE_H
#define TESSERA_HARNESS_TIMELINE_H

#include <tessera/harness/consolelog.h>
#include <tessera/trace_host.h>

/* Sets log's hypervisor init_done_ns and each named domain's created_ns (dom_create),
 * first_instr_ns (its first boot_dom_step first_entry) and ready_ns (dom_ready) from d, the
 * first record of each counting, for the domains log knows by the dump's domain names; sets
 * log->timeline_trace when any came from d. Returns how many times were set. A dump that lost
 * records sets nothing: a milestone may be among the lost. */
unsigned timeline_from_trace(const struct trace_data *d, struct clog *log);

#endif
