/* The hypervisor console: whole timestamped lines "[S.NNNNNNNNN] NAME: TEXT" (docs/console.md),
 * never interleaved, for the hypervisor's own messages and each domain's output. */
#ifndef TESSERA_CONSOLE_H
#define TESSERA_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tessera/spinlock.h>

#define CONSOLE_LINE_MAX 240

/* A domain's line buffer: output is held until a newline or until the line is full. Its lock
 * guards every other field: a domain's vCPUs print from several pCPUs at once, and its line may
 * be flushed from the pCPU that ends it. Taken before the console's own lock (docs/locking.md);
 * never reset while the domain can be reached. */
struct console_line {
    struct spinlock lock;
    int domid; /* for the trace: whose line it is */
    char text[CONSOLE_LINE_MAX];
    size_t len;
    unsigned splits; /* the current line was split this many times */
    bool cr;         /* a carriage return came last: text, unless a newline follows */
};

/* Prints one hypervisor line (a trailing newline in fmt is optional). */
void hyp_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Feeds n bytes of a domain's output; complete lines are emitted under the domain's name.
 * A newline (with a carriage return just before it) ends a line; every other control byte is
 * written as \xNN, so a domain's bytes never start or rewrite a line. */
void console_feed(struct console_line *cl, const char *name, const char *buf, size_t n);
/* The same with the line's lock held across several feeds, so that one console_write of a
 * domain stays together whatever its other vCPUs print meanwhile. */
struct console_line_locked {
    struct console_line *cl;
};
struct console_line_locked console_line_lock(struct console_line *cl);
void console_line_unlock(struct console_line_locked l);
void console_feed_locked(struct console_line_locked l, const char *name, const char *buf, size_t n);
/* Emits what is buffered, if anything (a domain that ends without a final newline). */
void console_flush(struct console_line *cl, const char *name);
/* Drops what is buffered, under the lock (a domain rebuilt from scratch). */
void console_reset(struct console_line *cl);
/* One character received on the serial line (the arch's UART receive interrupt, one pCPU
 * only): to the vPL011 of the domain with the input focus; three Ctrl-A in a row move the
 * focus (console_input.c, docs/console.md). */
void console_input(char c);
/* Back to the boot state: focus on the default domain, nothing announced (unit tests). */
void console_input_reset(void);
/* Formats ticks of the platform counter as "S.NNNNNNNNN"; returns the length. */
int console_format_time(char *buf, size_t size, uint64_t ticks, uint64_t hz);

#endif
