# boot.cmd: Tessera, scenario pingpong, mode hyperlaunch, board qemu-virt-uboot (written by `tessera board`)
# address            bytes  file         what
# 0x0000000000c00000    123264  tessera.bin  hypervisor
# 0x0000000000e00000   2117880  modules.bin  guest modules
# 0x0000000001200000     35257  boot.dtb     boot DTB
# 0x0000000001400000         -  boot.scr     U-Boot script
echo "tessera: scenario pingpong (hyperlaunch) on qemu-virt-uboot"
# QEMU's loader device put every file in RAM before U-Boot started
setenv fdt_high 0xffffffffffffffff
booti 0xc00000 - 0x1200000
