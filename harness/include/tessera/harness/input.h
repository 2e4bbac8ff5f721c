/* Input for the serial line of a run (`tessera run --input`): C escapes decoded into the bytes
 * QEMU's stdin receives, and the steps that say after which console line each is written. */
#ifndef TESSERA_HARNESS_INPUT_H
#define TESSERA_HARNESS_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <tessera/harness/error.h>

#define INPUT_MAX_STEPS     16
#define INPUT_DEFAULT_AFTER "hyp: init done" /* the first step waits for this line */

/* One write to the serial line: data, once a console line containing after was seen. */
struct input_step {
    const char *after;
    char *data;
    size_t len;
};

/* Decodes text with C escapes (\n \r \t \\ \" \' \a \b \e \f \v, \xH or \xHH, \0 to \377
 * octal) into *out (malloc'ed, NUL-terminated, *len bytes without it). Returns 0, or
 * -EINVAL with e naming the bad escape, or -ENOMEM. */
int input_unescape(const char *text, char **out, size_t *len, struct herr *e);

#endif
