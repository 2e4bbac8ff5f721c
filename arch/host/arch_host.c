/* arch/host: the arch layer of the hosted build. Time is a settable fake counter and the
 * serial line is captured in memory, so unit tests can check exactly what the core printed. */
#include <stdio.h>
#include <string.h>
#include <tessera/arch.h>
#include <tessera/arch_host.h>

static uint64_t host_ticks;
static uint64_t host_hz = 62500000;
static unsigned host_cpu;
static char host_serial[1 << 16];
static size_t host_serial_len;

uint64_t arch_counter(void)
{
    return host_ticks;
}

uint64_t arch_counter_hz(void)
{
    return host_hz;
}

unsigned arch_cpu_id(void)
{
    return host_cpu;
}

void arch_serial_write(const char *s, size_t n)
{
    size_t room = sizeof(host_serial) - 1 - host_serial_len;
    if (n > room) {
        fprintf(stderr, "arch_host: serial capture full, %zu bytes dropped\n", n - room);
        n = room;
    }
    memcpy(host_serial + host_serial_len, s, n);
    host_serial_len += n;
    host_serial[host_serial_len] = '\0';
}

void arch_wait_event(void)
{
}

void arch_send_event(void)
{
}

void arch_host_set_counter(uint64_t ticks, uint64_t hz)
{
    host_ticks = ticks;
    host_hz = hz;
}

void arch_host_set_cpu(unsigned cpu)
{
    host_cpu = cpu;
}

const char *arch_host_serial(void)
{
    return host_serial;
}

void arch_host_serial_reset(void)
{
    host_serial_len = 0;
    host_serial[0] = '\0';
}

void *arch_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)pa;
}

void arch_zero(void *p, size_t n)
{
    memset(p, 0, n);
}

/* Nothing faults in the hosted build: the checks in guest_copy.c are what the tests exercise. */
int arch_guest_copy(void *dst, const void *src, size_t n)
{
    memcpy(dst, src, n);
    return 0;
}

int arch_guest_zero(void *dst, size_t n)
{
    memset(dst, 0, n);
    return 0;
}
