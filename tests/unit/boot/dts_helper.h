/* Test helper: compiles device-tree source text with dtc into a buffer. */
#ifndef TESSERA_TEST_DTS_HELPER_H
#define TESSERA_TEST_DTS_HELPER_H

#include <stddef.h>

/* Compiles "/dts-v1/; / { BODY };" into fdt (size bytes); fails the test if dtc does. */
void dts_compile(const char *body, void *fdt, size_t size);

#endif
