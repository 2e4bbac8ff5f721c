/* JSON lookups for tests that fail the test when what they look for is missing or of another
 * type, so an absent figure never reads as 0 or NULL and passes by accident. */
#ifndef TESSERA_TESTS_JSON_EXPECT_H
#define TESSERA_TESTS_JSON_EXPECT_H

#include <jansson.h>

/* obj[key], failing the test when obj is not an object or has no such key. */
json_t *jget(json_t *obj, const char *key);
/* obj[key] as an integer, a number or a string, failing the test otherwise. */
json_int_t get_int(json_t *obj, const char *key);
double get_real(json_t *obj, const char *key);
const char *get_str(json_t *obj, const char *key);

#endif
