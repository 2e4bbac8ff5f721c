/* QEMU command lines: the machine and icount flags (never semihosting), the loader devices (with
 * commas in paths escaped), and the dumpdtb variant. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/qemu.h>

static struct qemu_machine m = {.qemu = "qemu-system-aarch64", .smp = 2, .memory_mib = 1024};

static char *joined(const struct strvec *sv)
{
    char *s = strvec_join(sv, " ");
    cr_assert_not_null(s);
    return s;
}

Test(qemu, boot_command_line)
{
    struct bootdtb_module mods[2] = {
        {.path = "img/hello.bin", .addr = 0x50000000},
        {.path = "odd,name.bin", .addr = 0x50200000},
    };
    struct strvec argv = STRVEC_INIT;
    char *s;

    cr_assert_eq(qemu_boot_argv(&m, "hyp.bin", "out/boot.dtb", mods, 2, &argv), 0);
    s = joined(&argv);
    cr_assert_str_eq(s, "qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu "
                        "cortex-a57 -smp 2 -m 1024M -nodefaults -display none -monitor none "
                        "-serial stdio -kernel hyp.bin -dtb out/boot.dtb -device "
                        "loader,file=img/hello.bin,addr=0x50000000,force-raw=on -device "
                        "loader,file=odd,,name.bin,addr=0x50200000,force-raw=on -icount "
                        "shift=0,sleep=off -rtc base=2024-01-01T00:00:00,clock=vm -no-reboot");
    cr_assert_null(argv.v[argv.n]);
    free(s);
    strvec_free(&argv);
}

Test(qemu, dumpdtb_command_line)
{
    struct strvec argv = STRVEC_INIT;
    char *s;

    cr_assert_eq(qemu_dumpdtb_argv(&m, "out,1/machine.dtb", &argv), 0);
    s = joined(&argv);
    cr_assert_str_eq(s, "qemu-system-aarch64 -M "
                        "virt,virtualization=on,gic-version=3,dumpdtb=out,,1/machine.dtb -cpu "
                        "cortex-a57 -smp 2 -m 1024M -display none");
    free(s);
    strvec_free(&argv);
}

Test(qemu, escape_doubles_commas)
{
    char *s = qemu_escape(",a,,b,");
    cr_assert_str_eq(s, ",,a,,,,b,,");
    free(s);
}

Test(qemu, version_of_a_missing_program_is_an_error)
{
    struct herr e;
    char *line = NULL;

    cr_assert_lt(qemu_version("/nonexistent/qemu", &line, &e), 0);
    cr_assert_not_null(strstr(e.msg, "/nonexistent/qemu"), "%s", e.msg);
    cr_assert_null(line);
}

Test(qemu, realtime_has_no_icount)
{
    struct qemu_machine rt = {
        .qemu = "qemu-system-aarch64", .smp = 2, .memory_mib = 1024, .realtime = true};
    struct strvec argv = STRVEC_INIT;
    char *s;

    cr_assert_eq(qemu_boot_argv(&rt, "hyp.bin", "boot.dtb", NULL, 0, &argv), 0);
    s = joined(&argv);
    cr_assert_null(strstr(s, "icount"), "%s", s);
    cr_assert_str_eq(argv.v[argv.n - 1], "-no-reboot", "%s", s);
    free(s);
    strvec_free(&argv);
}

/* qemu-virt-uboot: U-Boot with its environment, and the board files placed by the loader device;
 * no -kernel, -dtb or -append: U-Boot's booti starts the hypervisor with the boot DTB. */
Test(qemu, firmware_boots_the_board_files_through_u_boot)
{
    struct qemu_machine ub = {.qemu = "qemu-system-aarch64",
                              .smp = 2,
                              .memory_mib = 1024,
                              .firmware = "u-boot.bin",
                              .env = "out,1/uboot-env.bin"};
    struct bootdtb_module files[] = {{.path = "b/tessera.bin", .addr = 0x40200000},
                                     {.path = "b/boot.scr", .addr = 0x40800000}};
    struct strvec argv = STRVEC_INIT;
    size_t bios = 0;
    char *s;

    cr_assert_eq(qemu_boot_argv(&ub, NULL, NULL, files, 2, &argv), 0);
    for (size_t i = 0; i < argv.n; i++) {
        if (strcmp(argv.v[i], "-bios") == 0) {
            bios = i;
        }
    }
    cr_assert_gt(bios, 0, "no -bios in the command line");
    cr_assert_str_eq(argv.v[bios + 1], "u-boot.bin");
    cr_assert_str_eq(argv.v[bios + 2], "-drive");
    cr_assert_str_eq(argv.v[bios + 3], "if=pflash,format=raw,unit=1,file=out,,1/uboot-env.bin");
    cr_assert_str_eq(argv.v[bios + 4], "-device");
    cr_assert_str_eq(argv.v[bios + 5], "loader,file=b/tessera.bin,addr=0x40200000,force-raw=on");
    cr_assert_str_eq(argv.v[bios + 7], "loader,file=b/boot.scr,addr=0x40800000,force-raw=on");
    s = strvec_join(&argv, " ");
    cr_assert_null(strstr(s, "-kernel"), "%s", s);
    cr_assert_null(strstr(s, "-dtb"), "%s", s);
    cr_assert_null(strstr(s, "-netdev"), "%s", s);
    free(s);
    strvec_free(&argv);
}

/* qemu-virt-uboot-tftp: a NIC on QEMU's user network whose TFTP server is the board folder. */
Test(qemu, firmware_fetches_the_board_files_over_tftp)
{
    struct qemu_machine ub = {.qemu = "qemu-system-aarch64",
                              .smp = 1,
                              .memory_mib = 1024,
                              .firmware = "u-boot.bin",
                              .tftp_dir = "out/board"};
    struct bootdtb_module files[] = {{.path = "b/tessera.bin", .addr = 0x40200000}};
    struct strvec argv = STRVEC_INIT;
    char *s;

    cr_assert_eq(qemu_boot_argv(&ub, NULL, NULL, files, 1, &argv), 0);
    s = strvec_join(&argv, " ");
    cr_assert_not_null(strstr(s, "-bios u-boot.bin -netdev user,id=net0,restrict=on,"
                                 "tftp=out/board -device virtio-net-device,netdev=net0"),
                       "%s", s);
    cr_assert_null(strstr(s, "loader"), "U-Boot fetches the files itself: %s", s);
    free(s);
    strvec_free(&argv);
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xffffffffu;

    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1u));
        }
    }
    return ~crc;
}

/* The environment U-Boot reads from flash bank 1: CRC32 (little-endian) of the 256 KiB area
 * after it, then NUL-separated variables; the image is the whole 64 MiB bank. */
Test(qemu, uboot_environment_image)
{
    char dir[] = "/tmp/tessera-env-XXXXXX";
    unsigned char *buf;
    size_t len;
    struct herr e;
    uint32_t crc;

    cr_assert_not_null(mkdtemp(dir));
    char *txt = fileio_join(dir, "env.txt"), *bin = fileio_join(dir, "env.bin");
    cr_assert_eq(qemu_uboot_env(txt, bin, "source 0x40800000", &e), 0, "%s", e.msg);
    cr_assert_eq(fileio_read(bin, (void **)&buf, &len, &e), 0, "%s", e.msg);
    cr_assert_eq(len, QEMU_UBOOT_FLASH_SIZE);
    crc = buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24;
    cr_assert_eq(crc, crc32_of(buf + 4, QEMU_UBOOT_ENV_SIZE - 4));
    cr_assert_str_eq((char *)buf + 4, "bootdelay=0");
    cr_assert_str_eq((char *)buf + 4 + strlen("bootdelay=0") + 1, "bootcmd=source 0x40800000");
    free(buf);
    remove(txt);
    remove(bin);
    remove(dir);
    free(txt);
    free(bin);
}

/* True if any argument of argv mentions semihosting. */
static bool mentions_semihosting(const struct strvec *argv)
{
    for (size_t i = 0; i < argv->n; i++) {
        if (strstr(argv->v[i], "semihosting")) {
            return true;
        }
    }
    return false;
}

/* A guest at EL1 can execute the semihosting trap, and a QEMU with semihosting on would run it
 * as host file and command operations: no QEMU the harness starts has it, on any path (direct
 * boot, realtime, U-Boot with preloaded files or TFTP, the DTB dump). */
Test(qemu, no_command_line_enables_semihosting)
{
    struct bootdtb_module mods[] = {{.path = "img/hello.bin", .addr = 0x50000000}};
    const struct qemu_machine machines[] = {
        {.qemu = "qemu-system-aarch64", .smp = 2, .memory_mib = 1024},
        {.qemu = "qemu-system-aarch64", .smp = 2, .memory_mib = 1024, .realtime = true},
        {.qemu = "qemu-system-aarch64",
         .smp = 1,
         .memory_mib = 1024,
         .firmware = "u-boot.bin",
         .env = "env.bin"},
        {.qemu = "qemu-system-aarch64",
         .smp = 1,
         .memory_mib = 1024,
         .firmware = "u-boot.bin",
         .env = "env.bin",
         .tftp_dir = "out/board"},
    };

    for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
        struct strvec boot = STRVEC_INIT, dump = STRVEC_INIT;
        cr_assert_eq(qemu_boot_argv(&machines[i], "hyp.bin", "boot.dtb", mods, 1, &boot), 0);
        cr_assert_eq(qemu_dumpdtb_argv(&machines[i], "machine.dtb", &dump), 0);
        char *s = joined(&boot);
        cr_assert_not(mentions_semihosting(&boot), "machine %zu boots with: %s", i, s);
        cr_assert_not(mentions_semihosting(&dump), "machine %zu dumps its DTB with semihosting", i);
        cr_assert_not_null(strstr(s, "-no-reboot"), "%s", s);
        free(s);
        strvec_free(&boot);
        strvec_free(&dump);
    }
}
