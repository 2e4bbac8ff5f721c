/* envcheck: checks the domain's own environment against what its manifest entry says
 * (passed on its command line: expect-name=, expect-mem-kib=, expect-cpus=): the device tree
 * at x0, its memory, CPUs, PSCI, /chosen; prints PASS/FAIL per check and a verdict. */
#include <guest/kit.h>
#include <libfdt.h>
#include <tessera/lib.h>

#define RAM_IPA 0x40000000ull

/* The value of "key=" in the command line, or NULL; copied into out. */
static const char *env_arg(const char *args, const char *key, char *out, size_t outlen)
{
    size_t klen = lib_strlen(key);
    for (const char *p = args; p && *p; p++) {
        if ((p == args || p[-1] == ' ') && lib_strncmp(p, key, klen) == 0 && p[klen] == '=') {
            const char *v = p + klen + 1, *end = lib_strchr(v, ' ');
            size_t n = end ? (size_t)(end - v) : lib_strlen(v);
            if (n >= outlen) {
                return NULL;
            }
            lib_memcpy(out, v, n);
            out[n] = '\0';
            return out;
        }
    }
    return NULL;
}

static uint64_t env_num(const char *args, const char *key)
{
    char buf[24];
    return env_arg(args, key, buf, sizeof(buf)) ? lib_strtoul(buf, NULL, 0) : ~0ull;
}

static void env_memory(const void *fdt, uint64_t want_kib)
{
    int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7), len;
    const fdt64_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
    bool ok = reg && len == 16 && fdt64_to_cpu(reg[0]) == RAM_IPA &&
              fdt64_to_cpu(reg[1]) == want_kib * 1024;
    kit_printf("memory: %llu KiB at 0x%llx\n",
               reg ? (unsigned long long)fdt64_to_cpu(reg[1]) / 1024 : 0,
               reg ? (unsigned long long)fdt64_to_cpu(reg[0]) : 0);
    kit_check(ok, "memory node matches memory-kib, at IPA 0x40000000");
}

static void env_cpus(const void *fdt, uint64_t want)
{
    int cpus = fdt_path_offset(fdt, "/cpus"), node, n = 0, psci_ok = 1;
    fdt_for_each_subnode(node, fdt, cpus)
    {
        const char *m = fdt_getprop(fdt, node, "enable-method", NULL);
        psci_ok &= m && lib_strcmp(m, "psci") == 0;
        n++;
    }
    kit_printf("cpus: %d\n", n);
    kit_check((uint64_t)n == want, "vCPU count matches cpus");
    int psci = fdt_path_offset(fdt, "/psci");
    const char *method = psci >= 0 ? fdt_getprop(fdt, psci, "method", NULL) : NULL;
    kit_check(psci_ok && method && lib_strcmp(method, "hvc") == 0,
              "every vCPU starts through PSCI over HVC");
}

static void env_chosen(const void *fdt, const char *args, uint64_t dtb)
{
    char name[32];
    int chosen = fdt_path_offset(fdt, "/chosen"), len;
    const char *model = fdt_getprop(fdt, 0, "model", NULL);
    kit_check(env_arg(args, "expect-name", name, sizeof(name)) && model &&
                  lib_strcmp(model, name) == 0,
              "model names this domain");
    kit_check(fdt_getprop(fdt, chosen, "tessera,domid", &len) && len == 4,
              "/chosen has tessera,domid");
    const uint8_t *seed = fdt_getprop(fdt, chosen, "rng-seed", &len);
    kit_check(seed && len == 64, "/chosen has a 64-byte rng-seed");
    if (seed && len == 64) {
        /* its first 8 bytes, so a test can tell the seeds of domains and of runs apart */
        kit_printf("rng-seed %02x%02x%02x%02x%02x%02x%02x%02x\n", seed[0], seed[1], seed[2],
                   seed[3], seed[4], seed[5], seed[6], seed[7]);
    }
    kit_check(dtb >= RAM_IPA && (dtb & 7) == 0, "the device tree lies in RAM, 8-byte aligned");
}

int guest_main(uint64_t dtb)
{
    const void *fdt = (const void *)dtb;

    kit_check(dtb != 0 && fdt_check_header(fdt) == 0, "x0 points at a valid device tree");
    if (kit_failed()) {
        kit_printf("verdict: FAIL (no device tree)\n");
        return 1;
    }
    int chosen = fdt_path_offset(fdt, "/chosen");
    const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
    kit_printf("bootargs: %s\n", args ? args : "(none)");
    kit_check(args != NULL, "bootargs reach the guest");
    env_memory(fdt, env_num(args, "expect-mem-kib"));
    env_cpus(fdt, env_num(args, "expect-cpus"));
    env_chosen(fdt, args, dtb);
    return kit_verdict();
}
