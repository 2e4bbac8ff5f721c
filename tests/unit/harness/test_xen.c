/* Xen as a reference backend: its console lines read into milestones (harness/xenlog.c, lines as
 * Xen 4.17 prints them under QEMU) and the fleet translated into dom0less nodes (harness/xen.c). */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/xen.h>
#include <tessera/harness/xenlog.h>

static struct clog log;
static struct xenlog xl;

static void setup(void)
{
    clog_init(&log);
    xenlog_init(&xl, &log);
    cr_assert_geq(clog_declare(&log, "linux1"), 0);
    cr_assert_eq(xenlog_add_domain(&xl, "linux1"), 0);
}

static void teardown(void)
{
    clog_free(&log);
}

TestSuite(xenlog, .init = setup, .fini = teardown);

static enum clog_event feed(const char *line)
{
    struct clog_note n;
    cr_assert_eq(xenlog_feed(&xl, line, &n), 0);
    return n.ev;
}

/* 62.5 MHz: 0x3d0900 ticks = 4000000 ticks = 64 ms. */
Test(xenlog, milestones_from_the_lines_and_their_counter_stamps)
{
    const struct clog_domain *d = &log.dom[0];

    cr_assert_eq(feed("(XEN) [00000000003d0900] Xen version 4.17.7 (Debian)"), CLOG_EV_ENTRY);
    cr_assert_eq(log.entry_ns, 64000000);
    feed("(XEN) [00000000003d0a00] Generic Timer IRQ: phys=30 hyp=26 virt=27 Freq: 62500 KHz");
    cr_assert_eq(log.counter_hz, 62500000);
    feed("(XEN) [00000000007a1200] *** LOADING DOMU cpus=1 memory=40000KB ***");
    cr_assert(!xenlog_all_ready(&xl));
    cr_assert_eq(feed("(XEN) [0000000000f42400] Loading d1 DTB to 0x48000000-0x480004a9"),
                 CLOG_EV_CREATED);
    cr_assert_eq(d->created_ns, 256000000);
    cr_assert_eq(d->build_ns, 128000000);
    cr_assert_eq(d->id, 1);
    cr_assert_eq(feed("(XEN) [0000000000f42401] Freed 348kB init memory."), CLOG_EV_INIT_DONE);
    cr_assert_eq(log.init_done_ns, 256000016);
    cr_assert_eq(feed("(XEN) [0000000001e84800] DOM1: tessera-linux: init uptime=0.78\r"),
                 CLOG_EV_FIRST_OUTPUT);
    cr_assert_eq(d->first_output_ns, 512000000);
    cr_assert_eq(feed("(XEN) [0000000003d09000] DOM1: tessera-ready\r"), CLOG_EV_READY);
    cr_assert_eq(d->ready_ns, 1024000000);
    cr_assert_eq(d->first_instr_ns, CLOG_NONE, "Xen prints nothing at a first instruction");
    cr_assert(xenlog_all_ready(&xl));
    cr_assert_eq(log.malformed, 0);
}

/* A ready marker inside a longer line is not one; a domain Xen names but the scenario does not
 * have is recorded as undeclared; lines without Xen's stamp are malformed and change nothing. */
Test(xenlog, only_the_exact_marker_and_the_stamp_count)
{
    feed("(XEN) [0000000000000100] Xen version 4.17.7");
    feed("(XEN) [0000000000000200] DOM1: echo tessera-ready");
    cr_assert_eq(log.dom[0].ready_ns, CLOG_NONE);
    feed("(XEN) [0000000000000300] DOM2: hello");
    cr_assert_geq(clog_find(&log, "DOM2"), 0);
    cr_assert(!log.dom[clog_find(&log, "DOM2")].declared);
    cr_assert_eq(feed("tessera-ready"), CLOG_EV_MALFORMED);
    cr_assert_eq(feed("(XEN) [00000000zz000400] Freed 1kB init memory."), CLOG_EV_MALFORMED);
    cr_assert_eq(log.init_done_ns, CLOG_NONE);
    cr_assert_eq(log.malformed, 2);
}

Test(xenlog, a_panic_is_fatal_with_its_reason)
{
    feed("(XEN) [0000000000000100] Xen version 4.17.7");
    feed("(XEN) [0000000000000200] Panic on CPU 0:");
    cr_assert_eq(feed("(XEN) [0000000000000300] Unable to allocate memory for d1"), CLOG_EV_FATAL);
    cr_assert_str_eq(log.fatal, "Unable to allocate memory for d1");
}

/* The fleet's domain as a xen,domain node: memory in KiB (2 cells), cpus, vpl011, kernel and
 * ramdisk modules with their images and bootargs; the control domain is left out. */
Test(xen, the_fleet_becomes_xen_domain_nodes)
{
    struct mf_fleet f = {.count = 2};
    struct herr e;
    void *fdt;
    size_t len;
    int chosen, dom, k;
    const fdt32_t *mem;

    strcpy(f.dom[0].name, "ctl");
    f.dom[0].permissions = MF_PERM_CONTROL;
    strcpy(f.dom[1].name, "linux1");
    f.dom[1].memory_kib = 262144;
    f.dom[1].cpus = 1;
    f.dom[1].vpl011 = true;
    f.dom[1].kernel = (struct mf_module){
        .present = true, .image = "linux/Image", .bootargs = "console=ttyAMA0 quiet"};
    f.dom[1].ramdisk = (struct mf_module){.present = true, .image = "linux/initramfs.cpio"};
    cr_assert_eq(xen_scenario(&f, &fdt, &len, &e), 0, "%s", e.msg);
    chosen = fdt_path_offset(fdt, "/chosen");
    cr_assert_lt(fdt_subnode_offset(fdt, chosen, "ctl"), 0, "the control domain was translated");
    dom = fdt_subnode_offset(fdt, chosen, "linux1");
    cr_assert_geq(dom, 0);
    cr_assert_eq(fdt_node_check_compatible(fdt, dom, "xen,domain"), 0);
    mem = fdt_getprop(fdt, dom, "memory", &k);
    cr_assert(mem && k == 8 && fdt32_to_cpu(mem[0]) == 0 && fdt32_to_cpu(mem[1]) == 262144);
    cr_assert_not_null(fdt_getprop(fdt, dom, "vpl011", NULL));
    k = fdt_first_subnode(fdt, dom);
    cr_assert_str_eq(fdt_get_name(fdt, k, NULL), "kernel", "the kernel module comes first");
    cr_assert_eq(fdt_node_check_compatible(fdt, k, "multiboot,kernel"), 0);
    cr_assert_eq(fdt_node_check_compatible(fdt, k, "multiboot,module"), 0);
    cr_assert_str_eq(fdt_getprop(fdt, k, "bootargs", NULL), "console=ttyAMA0 quiet");
    cr_assert_str_eq(fdt_getprop(fdt, k, "image", NULL), "linux/Image");
    k = fdt_next_subnode(fdt, k);
    cr_assert_eq(fdt_node_check_compatible(fdt, k, "multiboot,ramdisk"), 0);
    free(fdt);
}
