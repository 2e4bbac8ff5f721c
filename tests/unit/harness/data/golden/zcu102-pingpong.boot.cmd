# boot.cmd: Tessera, scenario pingpong, mode hyperlaunch, board zcu102 (written by `tessera board`)
# address            bytes  file         what
# 0x0000000000c00000    123264  tessera.bin  hypervisor
# 0x0000000000e00000   2117880  modules.bin  guest modules
# 0x0000000001200000     35257  boot.dtb     boot DTB
# 0x0000000001400000         -  boot.scr     U-Boot script
echo "tessera: scenario pingpong (hyperlaunch) on zcu102"
setenv autoload no; dhcp
setenv tessera_loaded yes
if tftpboot 0xc00000 tessera.bin; then; else echo "tessera: cannot load tessera.bin"; setenv tessera_loaded no; fi
if tftpboot 0xe00000 modules.bin; then; else echo "tessera: cannot load modules.bin"; setenv tessera_loaded no; fi
if tftpboot 0x1200000 boot.dtb; then; else echo "tessera: cannot load boot.dtb"; setenv tessera_loaded no; fi
if test "${tessera_loaded}" = yes; then
    setenv fdt_high 0xffffffffffffffff
    booti 0xc00000 - 0x1200000
else
    echo "tessera: not booting: a file did not load"
fi
