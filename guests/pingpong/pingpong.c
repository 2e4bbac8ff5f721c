/* pingpong: two domains bounce an event over a static event-channel link (port 0 on both
 * sides) and the ping side reports the round-trip time in virtual ns. Command line:
 * ping=1 (on the ping side) rounds=N.|pong rounds=N. Waits with WFE between polls, so a waiting
 * vCPU yields. */
#include <guest/kit.h>
#include <libfdt.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

#define PORT 0

static uint64_t pp_arg(const char *args, const char *key, uint64_t dflt)
{
    const char *p = args ? lib_strchr(args, key[0]) : NULL;
    size_t n = lib_strlen(key);
    for (; p; p = lib_strchr(p + 1, key[0])) {
        if ((p == args || p[-1] == ' ') && lib_strncmp(p, key, n) == 0 && p[n] == '=') {
            return lib_strtoul(p + n + 1, NULL, 0);
        }
    }
    return dflt;
}

static void pp_wait(void)
{
    while (!(kit_hvc(HC_EVTCHN_PENDING, 0, 0, 0).r1 & (1u << PORT))) {
        __asm__ volatile("wfe");
    }
}

static void pp_send(void)
{
    kit_hvc(HC_EVTCHN_SEND, PORT, 0, 0);
}

#define PP_MAX_SAMPLES 1024

static uint64_t pp_samples[PP_MAX_SAMPLES];

static void pp_ping(uint64_t rounds)
{
    uint64_t hz = kit_counter_hz(), min = ~0ull, max = 0, sum = 0;

    for (uint64_t i = 0; i < rounds; i++) {
        uint64_t t0 = kit_counter();
        pp_send();
        pp_wait();
        uint64_t ns = (kit_counter() - t0) * 1000000000ull / hz;
        min = MIN(min, ns);
        max = MAX(max, ns);
        sum += ns;
        if (i < PP_MAX_SAMPLES) {
            pp_samples[i] = ns;
        }
    }
    kit_lat("evtchn_rtt", pp_samples, MIN(rounds, PP_MAX_SAMPLES));
    kit_printf("rtt_ns rounds=%llu min=%llu avg=%llu max=%llu\n", (unsigned long long)rounds,
               (unsigned long long)min, (unsigned long long)(sum / rounds),
               (unsigned long long)max);
}

static void pp_pong(uint64_t rounds)
{
    for (uint64_t i = 0; i < rounds; i++) {
        pp_wait();
        pp_send();
    }
}

int guest_main(uint64_t dtb)
{
    const void *fdt = (const void *)dtb;
    int chosen = dtb ? fdt_path_offset(fdt, "/chosen") : -1;
    const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
    bool ping = pp_arg(args, "ping", 0) != 0;
    uint64_t rounds = pp_arg(args, "rounds", 100);

    kit_check(kit_hvc(HC_EVTCHN_SEND, 7, 0, 0).status == -EINVAL,
              "send on an unlinked port: -EINVAL");
    kit_check(kit_hvc(HC_EVTCHN_SEND, 99, 0, 0).status == -EINVAL,
              "send on a port out of range: -EINVAL");
    if (ping) {
        pp_ping(rounds);
    } else {
        pp_pong(rounds);
    }
    kit_check(true, ping ? "all round trips came back" : "every event was answered");
    return kit_verdict();
}
