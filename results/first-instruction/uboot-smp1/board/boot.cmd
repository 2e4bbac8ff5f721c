# boot.cmd: Tessera, scenario minimal, mode hyperlaunch, board qemu-virt-uboot (written by `tessera board`)
# address            bytes  file         what
# 0x0000000040200000    171776  tessera.bin  hypervisor
# 0x0000000040400000     12856  modules.bin  guest modules
# 0x0000000040600000      7925  boot.dtb     boot DTB
# 0x0000000040800000         -  boot.scr     U-Boot script
echo "tessera: scenario minimal (hyperlaunch) on qemu-virt-uboot"
# QEMU's loader device put every file in RAM before U-Boot started
setenv fdt_high 0xffffffffffffffff
booti 0x40200000 - 0x40600000
