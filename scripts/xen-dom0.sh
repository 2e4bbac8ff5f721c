#!/bin/sh
# xen-dom0.sh MKINITRAMFS OUT: the base initramfs of the Linux Dom0 that `tessera run --backend
# xen --mode dom0` boots (docs/reference-xen.md): busybox, Debian's arm64 Xen 4.17 toolstack
# (xl, xenstored, xenconsoled and their libraries, fetched with scripts/fetch-deb.sh into
# ~/.cache/tessera and unpacked under it), the Xen modules of Debian's kernel package and
# guests/xen-dom0/init. The harness appends a second archive with the fleet's xl configs and
# images (not wired in yet: docs/reference-xen.md, "Not done yet"). Nothing is written into the
# source tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
mk=$1
out=$2
cache=${TESSERA_CACHE:-$HOME/.cache/tessera}
root=$cache/xen-tools
pkgs="xen-utils-4.17 xen-utils-common xenstore-utils libxenmisc4.17 libxenstore4 libxencall1
libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxentoollog1 libxendevicemodel1 libxenhypfs1
libxentoolcore1 libyajl2 libc6 libncurses6 libtinfo6 libext2fs2 libfdt1 libuuid1 zlib1g libgcc-s1"
if [ ! -x "$root/usr/lib/xen-4.17/bin/xl" ]; then
    for p in $pkgs; do
        sh "$here/fetch-deb.sh" "$p:arm64" "$root" 2>/dev/null
    done
fi
dtbdir=$("$here/fetch-linux.sh")
linux=$(dirname "$(dirname "$(dirname "$dtbdir")")")
mods=$(ls -d "$linux"/lib/modules/*/kernel/drivers/xen)
bb=$cache/busybox/bin/busybox
[ -x "$bb" ] || "$here/fetch-deb.sh" busybox-static:arm64 "$cache/busybox"
spec=$out.spec
{
    echo "# the Xen Dom0's base initramfs (scripts/xen-dom0.sh)"
    for d in /dev /proc /sys /tmp /bin /sbin /etc /etc/xen /var /var/run /var/lib /var/log \
        /run /lib /lib/modules /boot; do
        echo "dir $d 0755"
    done
    echo "nod /dev/console 0600 c 5 1"
    echo "nod /dev/null 0666 c 1 3"
    echo "nod /dev/mem 0600 c 1 1"
    echo "file /bin/busybox $bb 0755"
    echo "slink /bin/sh busybox"
    echo "file /init $src/guests/xen-dom0/init 0755"
    for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs/xenfs; do
        echo "file /lib/modules/$(basename $m).ko $mods/$m.ko 0644"
    done
    (cd "$root" && find lib usr/lib usr/sbin usr/bin etc \
        \( -path usr/share -o -path 'usr/lib/*/gconv' -o -path etc/init.d \) -prune -o -print |
        sort) | while read -r p; do
        case $p in lib | etc | usr/lib | usr/sbin | usr/bin) [ -d "$root/$p" ] && continue ;; esac
        if [ -L "$root/$p" ]; then
            echo "slink /$p $(readlink "$root/$p")"
        elif [ -d "$root/$p" ]; then
            echo "dir /$p 0755"
        elif [ -f "$root/$p" ]; then
            echo "file /$p $root/$p 0$(stat -c %a "$root/$p")"
        fi
    done
} > "$spec"
# mkinitramfs needs every parent before its children: add usr and friends up front.
sed -i '2i dir /usr 0755\ndir /usr/lib 0755\ndir /usr/sbin 0755\ndir /usr/bin 0755' "$spec"
"$mk" "$spec" "$out"
echo "xen-dom0: $(wc -c < "$out") bytes in $out" >&2
