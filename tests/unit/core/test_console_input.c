/* The console input on the hosted arch: characters reach the vPL011 of the domain with the
 * focus (the console function's, else the smallest domid with a vPL011), three Ctrl-A move
 * it to the next such domain, then to the hypervisor, and fewer Ctrl-A are input. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/arch.h>
#include <tessera/arch_host.h>
#include <tessera/console.h>
#include <tessera/domain.h>

#define MIB      (1ull << 20)
#define RAM_SIZE (64 * MIB)
#define UART_DR  0x000
#define UART_FR  0x018
#define FR_RXFE  0x10

static uint8_t *ram;
static paddr_t module_pa;

static void setup(void)
{
    ram = aligned_alloc(2 * MIB, RAM_SIZE);
    cr_assert_not_null(ram);
    memset(ram, 0, RAM_SIZE);
    frame_init(&hyp_frames, NULL);
    cr_assert_eq(frame_add_ram(&hyp_frames, (paddr_t)(uintptr_t)ram, RAM_SIZE), 0);
    module_pa = (paddr_t)(uintptr_t)ram + 32 * MIB;
    cr_assert_eq(frame_claim(&hyp_frames, module_pa, 4096, FRAME_MODULE), 0);
    arch_host_serial_reset();
    arch_host_set_counter(0, 62500000);
    console_input_reset();
}

static void teardown(void)
{
    free(ram);
}

TestSuite(console_input, .init = setup, .fini = teardown);

static struct domain *make(int id, const char *name, bool vpl011, uint32_t functions)
{
    struct dom_spec s = {.id = id, .memory_bytes = 4 * MIB, .vcpus = 1, .vpl011 = vpl011};
    struct domain *d;

    strcpy(s.name, name);
    s.functions = functions;
    s.kernel = (struct dom_module){module_pa, 4096};
    s.image.format = LOADER_RAW;
    s.image.entry = DOM_RAM_IPA;
    s.image.nseg = 1;
    s.image.seg[0] = (struct loader_segment){0, 4096, DOM_RAM_IPA, 4096};
    s.image.lowest = DOM_RAM_IPA;
    s.image.highest = DOM_RAM_IPA + 4096;
    cr_assert_eq(dom_create(&s, &d), 0, "%s", name);
    return d;
}

static void type(const char *s)
{
    for (; *s; s++) {
        console_input(*s);
    }
}

/* What d's vPL011 received so far (emptying it). */
static const char *received(struct domain *d)
{
    static char buf[64];
    size_t n = 0;
    uint64_t v;

    for (;;) {
        cr_assert(vpl011_access(d, UART_FR, 4, false, &v));
        if ((v & FR_RXFE) || n + 1 == sizeof(buf)) {
            break;
        }
        cr_assert(vpl011_access(d, UART_DR, 4, false, &v));
        buf[n++] = (char)v;
    }
    buf[n] = '\0';
    return buf;
}

static void expect_line(const char *line)
{
    cr_assert_not_null(strstr(arch_host_serial(), line), "no '%s' in:\n%s", line,
                       arch_host_serial());
}

Test(console_input, focus_moves_by_domid_then_to_the_hypervisor)
{
    struct domain *c = make(3, "c", true, 0), *b = make(2, "b", false, 0);
    struct domain *a = make(1, "a", true, 0);

    type("one");
    cr_assert_str_eq(received(a), "one", "the smallest domid with a vPL011 has it at boot");
    expect_line("hyp: console input to a\n");
    type("\x01\x01\x01two");
    expect_line("hyp: console input to c\n");
    cr_assert_str_eq(received(c), "two", "b has no vPL011: skipped");
    cr_assert_str_eq(received(a), "");
    type("\x01\x01\x01three");
    expect_line("hyp: console input to hyp\n");
    cr_assert_str_eq(received(a), "");
    cr_assert_str_eq(received(c), "", "the hypervisor discards its input");
    type("\x01\x01\x01"
         "four");
    cr_assert_str_eq(received(a), "four", "and round again");
    cr_assert_not_null(strstr(strstr(arch_host_serial(), "to hyp"), "hyp: console input to a\n"));
    (void)b;
}

Test(console_input, fewer_than_three_ctrl_a_are_input)
{
    struct domain *a = make(1, "a", true, 0);

    type("\x01x\x01\x01y\x01\x01");
    type("z");
    cr_assert_str_eq(received(a), "\x01x\x01\x01y\x01\x01z");
    cr_assert_null(strstr(arch_host_serial(), "console input to hyp"));
}

Test(console_input, the_console_function_has_the_boot_focus)
{
    struct domain *a = make(1, "a", true, 0), *c = make(3, "c", true, DOM_FUNC_CONSOLE);

    type("hi");
    cr_assert_str_eq(received(c), "hi");
    cr_assert_str_eq(received(a), "");
    expect_line("hyp: console input to c\n");
}

Test(console_input, nobody_with_a_vpl011_gets_nothing)
{
    struct domain *b = make(2, "b", false, 0);

    type("lost");
    cr_assert_null(strstr(arch_host_serial(), "console input to"), "%s", arch_host_serial());
    (void)b;
}
