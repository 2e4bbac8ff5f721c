/* <stdlib.h> for the bare-metal build: only what libc_names.c implements (libfdt uses
 * strtoul). */
#ifndef TESSERA_FREESTANDING_STDLIB_H
#define TESSERA_FREESTANDING_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *restrict s, char **restrict end, int base);

#endif
