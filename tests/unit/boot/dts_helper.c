/* Test helper: compiles device-tree source text with dtc (through a temporary file). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dts_helper.h"

void dts_compile(const char *body, void *fdt, size_t size)
{
    char path[] = "/tmp/tessera-dts-XXXXXX";
    char run[512];
    int fd = mkstemp(path);

    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "/dts-v1/;\n/ {\n%s\n};\n", body);
    fclose(f);
    snprintf(run, sizeof(run), "dtc -q -I dts -O dtb %s", path);
    FILE *p = popen(run, "r");
    cr_assert_not_null(p);
    size_t n = fread(fdt, 1, size, p);
    int rc = pclose(p);
    unlink(path);
    cr_assert_eq(rc, 0, "dtc failed on:\n%s", body);
    cr_assert(n > 0 && n < size, "compiled tree of %zu bytes", n);
}
