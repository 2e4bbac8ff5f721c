#!/bin/sh
# setup.sh: installs every Debian package that make demo, make test (all presets), make coverage
# and make format need, by name and without recommends (nothing is used that is not named here),
# enables the arm64 architecture and downloads the arm64 packages the images are built from
# (cached in ~/.cache/tessera/debs, never in the clone). Installing needs root; as another user,
# or with TESSERA_SETUP=no, nothing is installed and scripts/doctor.sh (which make runs next)
# names each missing file and its package.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

PACKAGES="make git build-essential cmake pkg-config gcc-aarch64-linux-gnu \
binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm ipxe-qemu device-tree-compiler \
libfdt-dev libjansson-dev libyaml-dev libcriterion-dev lcov clang-format jq libbabeltrace2-dev \
babeltrace2 liblttng-ust-dev lttng-tools gnuplot-nox u-boot-qemu u-boot-tools"

if [ "${TESSERA_SETUP:-yes}" = no ]; then
    exit 0
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

root=false
[ "$(id -u)" -eq 0 ] && root=true

if [ -n "$missing" ]; then
    if ! $root; then
        echo "setup: not root, so not installing:$missing" >&2
        exit 0
    fi
    echo "setup: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >&2
fi

# The bare-metal image links Debian's aarch64 libfdt.a and the Linux guests use Debian's arm64
# kernel and busybox: apt-get download needs the arm64 architecture known to dpkg.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    if ! $root; then
        echo "setup: the arm64 architecture is not enabled; as root: dpkg --add-architecture arm64 && apt-get update" >&2
        exit 0
    fi
    dpkg --add-architecture arm64
    apt-get update -qq
fi
sh "$here/fetch-deb.sh" libfdt-dev:arm64
sh "$here/fetch-deb.sh" busybox-static:arm64
# Xen 4.17, the reference backend of `tessera run/compare --backend xen` (docs/reference-xen.md),
# unpacked where the harness looks for it.
cache=${TESSERA_CACHE:-$HOME/.cache/tessera}
if [ ! -f "$cache/xen/boot/xen-4.17-arm64" ]; then
    sh "$here/fetch-deb.sh" xen-hypervisor-4.17-arm64:arm64 "$cache/xen"
fi
sh "$here/fetch-linux.sh" --download-only >/dev/null
