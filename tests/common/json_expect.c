/* JSON lookups that fail the test on a missing key (json_expect.h). */
#include <criterion/criterion.h>

#include "json_expect.h"

json_t *jget(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    cr_assert_not_null(v, "no key '%s' in the JSON object", key);
    return v;
}

json_int_t get_int(json_t *obj, const char *key)
{
    json_t *v = jget(obj, key);
    cr_assert(json_is_integer(v), "'%s' is not an integer", key);
    return json_integer_value(v);
}

double get_real(json_t *obj, const char *key)
{
    json_t *v = jget(obj, key);
    cr_assert(json_is_number(v), "'%s' is not a number", key);
    return json_number_value(v);
}

const char *get_str(json_t *obj, const char *key)
{
    json_t *v = jget(obj, key);
    cr_assert(json_is_string(v), "'%s' is not a string", key);
    return json_string_value(v);
}
