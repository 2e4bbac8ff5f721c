#!/bin/sh
# doctor.sh [GROUP...]: is everything the build uses here? Checks each tool, header, library,
# QEMU ROM and downloaded Debian package by the file the build reads, and for each one missing
# prints one line naming the file and the Debian package that provides it, then fails (exit 1).
# Groups: build (host tools, the image, the unit and QEMU tests, the demo; the default),
# coverage (make coverage), format (make format). Runs in well under a second; every make target
# that builds runs it first (make doctor runs it alone). scripts/setup.sh installs what it names.
set -u

cache=${TESSERA_CACHE:-$HOME/.cache/tessera}
missing=0
packages=""

# need PACKAGE WHAT: WHAT is a command name (no slash) or a path (glob allowed).
need() {
    pkg=$1
    what=$2
    if case $what in */*) ! ls $what >/dev/null 2>&1 ;; *) ! command -v "$what" >/dev/null 2>&1 ;; esac; then
        case $what in
        */*) echo "doctor: missing $what (Debian package $pkg)" >&2 ;;
        *) echo "doctor: missing command $what (Debian package $pkg)" >&2 ;;
        esac
        missing=$((missing + 1))
        case " $packages " in *" $pkg "*) ;; *) packages="$packages $pkg" ;; esac
    fi
}

# need_deb PACKAGE GLOB: a package downloaded with apt-get download into the cache.
need_deb() {
    if ! ls "$cache"/debs/$2 >/dev/null 2>&1; then
        echo "doctor: missing $cache/debs/$2 (downloaded Debian package $1: run 'make setup')" >&2
        missing=$((missing + 1))
    fi
}

check_build() {
    need make make
    need cmake cmake
    need gcc gcc
    need pkg-config pkg-config
    need git git
    need gcc-aarch64-linux-gnu aarch64-linux-gnu-gcc
    need binutils-aarch64-linux-gnu aarch64-linux-gnu-objcopy
    need libc6-dev-arm64-cross /usr/aarch64-linux-gnu/include/stdio.h
    need libc6-dev-arm64-cross /usr/aarch64-linux-gnu/lib/libc.a
    need device-tree-compiler dtc
    need libfdt-dev /usr/include/libfdt.h
    need libjansson-dev /usr/include/jansson.h
    need libyaml-dev /usr/include/yaml.h
    need libcriterion-dev /usr/include/criterion/criterion.h
    need libbabeltrace2-dev /usr/include/babeltrace2/babeltrace.h
    need babeltrace2 babeltrace2
    need liblttng-ust-dev "/usr/include/*-linux-gnu/lttng/tracepoint.h"
    need lttng-tools lttng
    need lttng-tools lttng-sessiond
    need qemu-system-arm qemu-system-aarch64
    need ipxe-qemu /usr/lib/ipxe/qemu/efi-virtio.rom
    need u-boot-qemu /usr/lib/u-boot/qemu_arm64/u-boot.bin
    need u-boot-tools mkenvimage
    need gnuplot-nox gnuplot
    need jq jq
    need dpkg dpkg-deb
    need_deb libfdt-dev:arm64 'libfdt-dev_*_arm64.deb'
    need_deb busybox-static:arm64 'busybox-static_*_arm64.deb'
    need_deb linux-image-arm64 'linux-image-[0-9]*-arm64_*_arm64.deb'
    need_deb xen-hypervisor-4.17-arm64:arm64 'xen-hypervisor-4.17-arm64_*_arm64.deb'
    if [ ! -f "$cache/xen/boot/xen-4.17-arm64" ]; then
        echo "doctor: missing $cache/xen/boot/xen-4.17-arm64 (Xen 4.17 for --backend xen, unpacked from xen-hypervisor-4.17-arm64:arm64: run 'make setup')" >&2
        missing=$((missing + 1))
    fi
}

check_coverage() {
    need gcc gcov
    need lcov lcov
    need lcov genhtml
}

check_format() {
    need clang-format clang-format
}

[ $# -gt 0 ] || set -- build
for group in "$@"; do
    case $group in
    build) check_build ;;
    coverage) check_coverage ;;
    format) check_format ;;
    *)
        echo "doctor: unknown group '$group' (build, coverage, format)" >&2
        exit 2
        ;;
    esac
done

if [ "$missing" -gt 0 ]; then
    if [ -n "$packages" ]; then
        echo "doctor: $missing missing; install with (as root): apt-get install -y --no-install-recommends$packages" >&2
    else
        echo "doctor: $missing missing; run 'make setup'" >&2
    fi
    exit 1
fi
