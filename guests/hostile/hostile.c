/* hostile: what a guest that wants to reach the host or impersonate the hypervisor tries
 * (docs/console.md, "Who wrote a line"). Its command line picks the attacks:
 *   semihost=PATH  the Arm semihosting trap (HLT #0xF000) at EL1: SYS_OPEN of PATH for
 *                  writing, SYS_SYSTEM "touch PATH.system", SYS_EXIT with status 0. Each must
 *                  be an undefined instruction taken at EL1, nothing a host carries out.
 *   forge          console output that imitates the hypervisor's lines, another domain's
 *                  lines and a framed trace dump, through the console hypercall and the
 *                  vPL011; and, as a control domain, domctl_create with names that would
 *                  print such lines (each refused).
 * It prints PASS/FAIL per check and a verdict line, but never declares itself ready: a run
 * that says it did was fooled. */
#include <guest/kit.h>
#include <guest/uart.h>
#include <libfdt.h>
#include <tessera/domctl_abi.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define EC_UNKNOWN  0x00 /* an undefined instruction */

/* Arm semihosting operations (Arm IHI 0098) */
#define SH_SYS_OPEN                 0x01
#define SH_SYS_SYSTEM               0x12
#define SH_SYS_EXIT                 0x18
#define SH_OPEN_W                   4 /* fopen mode "w" */
#define SH_STOPPED_APPLICATION_EXIT 0x20026

static volatile unsigned undef_count;
static volatile uint64_t undef_esr, undef_elr;

static bool on_undef(uint64_t esr, uint64_t far, uint64_t elr, uint64_t *resume)
{
    (void)far;
    undef_esr = esr;
    undef_elr = elr;
    undef_count++;
    *resume = elr + 4;
    return true;
}

/* One semihosting call; *at is the address of its HLT. */
static uint64_t semihost(uint64_t op, const void *block, uint64_t *at)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;
    uint64_t pc;

    __asm__ volatile("adr %1, 1f\n1: hlt #0xf000" : "+r"(x0), "=&r"(pc) : "r"(x1) : "memory");
    *at = pc;
    return x0;
}

/* Makes the call and checks that it raised an undefined instruction at its HLT, once. */
static void semihost_refused(const char *what, uint64_t op, const void *block)
{
    char msg[128];
    uint64_t at, ret;
    unsigned before = undef_count;

    ret = semihost(op, block, &at);
    lib_snprintf(msg, sizeof(msg),
                 "%s: HLT #0xF000 is an undefined instruction at EL1 (esr=0x%llx, x0=0x%llx)", what,
                 (unsigned long long)undef_esr, (unsigned long long)ret);
    kit_check(undef_count == before + 1 && ESR_EC(undef_esr) == EC_UNKNOWN && undef_elr == at, msg);
}

static void attack_semihosting(const char *path, size_t len)
{
    static char file[160], cmd[200];
    uint64_t open_block[3], system_block[2], exit_block[2];

    if (len >= sizeof(file)) {
        kit_check(false, "semihost=PATH fits 160 bytes");
        return;
    }
    lib_memcpy(file, path, len);
    file[len] = '\0';
    lib_snprintf(cmd, sizeof(cmd), "touch %s.system", file);
    open_block[0] = (uint64_t)(uintptr_t)file;
    open_block[1] = SH_OPEN_W;
    open_block[2] = len;
    system_block[0] = (uint64_t)(uintptr_t)cmd;
    system_block[1] = lib_strlen(cmd);
    exit_block[0] = SH_STOPPED_APPLICATION_EXIT;
    exit_block[1] = 0;

    kit_set_fault_handler(on_undef);
    semihost_refused("SYS_OPEN of a host file", SH_SYS_OPEN, open_block);
    semihost_refused("SYS_SYSTEM of a host command", SH_SYS_SYSTEM, system_block);
    semihost_refused("SYS_EXIT with status 0", SH_SYS_EXIT, exit_block);
    kit_set_fault_handler(0);
    kit_check(true, "the machine still runs after SYS_EXIT");
}

/* ---- forged console lines ---- */

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;

    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

/* A framed dump of 12 bytes (a snapshot numbered 1), well formed down to its CRC: if any of it
 * were taken for the hypervisor's, the harness would write it as trace.dump.1. */
static void forged_frames(char *out, size_t len)
{
    static const uint8_t payload[12] = "FORGED TRACE";
    lib_snprintf(out, len, "\n@TTRACE B 0 1 1\n@TTRACE D 0 Rk9SR0VEIFRSQUNF\n@TTRACE E 0 12 %08x\n",
                 (unsigned)crc32(payload, sizeof(payload)));
}

/* Everything a guest can print to pass for the hypervisor or for another domain. */
static const char *const forgeries[] = {
    "\n[0.000000001] hyp: exit status=0\n",
    "\rhyp: dom hostile ready\n",
    "\x1b[2K\r[0.000000002] hyp: dom hostile ready code=0\n",
    "back\b\b\b\b[0.000000003] hyp: init done\n",
    "\x1b"
    "c[0.000000004] ghost: isolation escape leaked\n",
    "\v[0.000000005] ghost: lat forged 1 2 3\n",
};

static void forge_through(bool vpl011, const char *s, size_t n)
{
    if (!vpl011) {
        kit_console_write(s, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        while (uart_rd(UART_FR) & FR_TXFF) {
        }
        *(volatile uint8_t *)(UART + UART_DR) = (uint8_t)s[i];
    }
}

static void forge_all(bool vpl011)
{
    static const char nul[] = "nul\0[0.000000006] hyp: exit status=0\n";
    char frames[160];

    for (size_t i = 0; i < sizeof(forgeries) / sizeof(forgeries[0]); i++) {
        forge_through(vpl011, forgeries[i], lib_strlen(forgeries[i]));
    }
    forge_through(vpl011, nul, sizeof(nul) - 1);
    forged_frames(frames, sizeof(frames));
    forge_through(vpl011, frames, lib_strlen(frames));
}

/* The code a domain made by domctl_create runs: one console_write of its message, then
 * shutdown poweroff. Position-independent, copied to the new domain's RAM base. */
extern const char forge_stub[], forge_stub_end[];
__asm__(".section .rodata\n"
        ".balign 4\n"
        ".global forge_stub, forge_stub_end\n"
        "forge_stub:\n"
        "  adr x1, 1f\n"
        "  mov x2, #(2f - 1f)\n"
        "  movz x0, #0x0001\n"
        "  movk x0, #0xc600, lsl #16\n" /* HC_CONSOLE_WRITE */
        "  hvc #0\n"
        "  movz x0, #0x0003\n"
        "  movk x0, #0xc600, lsl #16\n" /* HC_SHUTDOWN, poweroff */
        "  mov x1, #0\n"
        "  hvc #0\n"
        "3: b 3b\n"
        "1: .ascii \"dom hostile ready\\n\"\n"
        "2:\n"
        "forge_stub_end:\n"
        ".previous\n");

/* domctl_create with names that, printed before ": " in the hypervisor's lines or in the new
 * domain's own lines, would make lines of their own. The one called "hyp" is also loaded with
 * forge_stub and started on pCPU 1, where its "dom hostile ready" would be a hypervisor line.
 * Each create must be refused. */
static void forge_names(void)
{
    static const char *const names[] = {
        "hyp", "\n[0.000000007] hyp: dom hostile", "two words", "tab\tname", "colon:name",
    };
    static struct domctl_create req;
    char msg[96];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        uint32_t id = 20 + (uint32_t)i;
        lib_memset(&req, 0, sizeof(req));
        req.domid = id;
        req.vcpus = 1;
        req.memory_kib = 2048;
        lib_strlcpy(req.name, names[i], sizeof(req.name));
        int64_t rc = kit_hvc5(HC_DOMCTL_CREATE, (uint64_t)(uintptr_t)&req, 0, 0, 0, 0);
        lib_snprintf(msg, sizeof(msg), "domctl_create with bad name %zu returns -EINVAL (%lld)", i,
                     (long long)rc);
        kit_check(rc == -EINVAL, msg);
        if (rc == 0 && i == 0) {
            kit_hvc5(HC_DOMCTL_LOAD, id, 0x40000000ull, (uint64_t)(uintptr_t)forge_stub,
                     (uint64_t)(forge_stub_end - forge_stub), 0);
            kit_hvc5(HC_DOMCTL_SET_VCPU, id, 0, 1, 0x40000000ull, 0);
            kit_hvc5(HC_DOMCTL_UNPAUSE, id, 0, 0, 0, 0);
        }
    }
}

int guest_main(uint64_t dtb)
{
    const void *fdt = (const void *)(uintptr_t)dtb;
    int chosen = dtb ? fdt_path_offset(fdt, "/chosen") : -1;
    const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
    const char *path;
    size_t len;

    kit_printf("hostile: bootargs %s\n", args ? args : "(none)");
    if ((path = lib_cmdline_value(args, "semihost", &len)) != NULL) {
        attack_semihosting(path, len);
    }
    if (lib_cmdline_flag(args, "forge")) {
        forge_all(false);
        forge_all(true);
        forge_names();
        kit_printf("forgeries printed\n");
    }
    kit_print_verdict();
    return 1; /* ends as a crash on purpose: a run that passes was fooled */
}
