#!/bin/sh
# linux-images.sh MKINITRAMFS OUTDIR
# The Linux guest images, from Debian packages only: OUTDIR/Image is Debian's stock arm64 kernel
# (an uncompressed arm64 Image, scripts/fetch-linux.sh), OUTDIR/initramfs.cpio a busybox
# initramfs (busybox-static:arm64 and guests/linux/init) written by MKINITRAMFS.
# Downloads are cached under ~/.cache/tessera; nothing is written into the source tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
mk=$1
out=$2
cache=${TESSERA_CACHE:-$HOME/.cache/tessera}
mkdir -p "$out"
dtbdir=$("$here/fetch-linux.sh")
kernel=$(ls "$(dirname "$(dirname "$(dirname "$dtbdir")")")"/boot/vmlinuz-"${dtbdir##*linux-image-}")
bb=$cache/busybox
if [ ! -x "$bb/bin/busybox" ]; then
    "$here/fetch-deb.sh" busybox-static:arm64 "$bb"
fi
cp "$kernel" "$out/Image.tmp" && mv "$out/Image.tmp" "$out/Image"
sed -e "s|@BUSYBOX@|$bb/bin/busybox|" -e "s|@INIT@|$src/guests/linux/init|" \
    -e "s|@TOOLSTACK@|$out/tessera-toolstack|" \
    "$src/guests/linux/initramfs.spec.in" > "$out/initramfs.spec"
"$mk" "$out/initramfs.spec" "$out/initramfs.cpio"
echo "linux-images: $(basename "$kernel") and initramfs.cpio in $out" >&2
