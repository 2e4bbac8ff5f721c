/* Shared helpers of the trace unit tests: fresh buffers, dumps captured in memory, temporary
 * directories and running a command. */
#ifndef TESSERA_TEST_TRACE_HELPERS_H
#define TESSERA_TEST_TRACE_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <tessera/trace_host.h>

/* trace_reset() then trace_init() of ncpus buffers of slots records each; pCPU 0, counter 0
 * at hz. */
void tt_init(unsigned ncpus, size_t slots, uint64_t hz);
/* Sets the pCPU and the counter the next records get. */
void tt_at(unsigned cpu, uint64_t ticks);
/* trace_dump() into a new buffer (caller frees). */
void *tt_dump(size_t *len);
/* The current buffers parsed; asserts success. */
void tt_parse(struct trace_data *d);
/* A new empty temporary directory (caller frees the string, tt_rmtree removes it). */
char *tt_tmpdir(void);
void tt_rmtree(const char *dir);
/* Runs cmd with sh; its stdout and stderr in new strings; returns the exit status. */
int tt_run(const char *cmd, char **out, char **err);
/* Occurrences of needle in hay. */
size_t tt_count(const char *hay, const char *needle);

#endif
