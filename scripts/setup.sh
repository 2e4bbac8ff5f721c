#!/bin/sh
# setup.sh: makes sure every Debian package the build, the tests and the demo need is
# installed. As root it installs what is missing; otherwise it prints the apt command and fails.
set -eu

PACKAGES="build-essential cmake pkg-config gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu \
qemu-system-arm device-tree-compiler libfdt-dev libjansson-dev libcriterion-dev lcov \
clang-format jq libbabeltrace2-dev babeltrace2 liblttng-ust-dev lttng-tools gnuplot-nox \
u-boot-qemu u-boot-tools libyaml-dev ipxe-qemu libc6-dev-arm64-cross"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: missing Debian packages:$missing" >&2
        echo "setup: install them as root with:" >&2
        echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
        exit 1
    fi
    echo "setup: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >&2
fi

# The bare-metal image links Debian's aarch64 libfdt.a: that needs the arm64 architecture
# known to dpkg (apt-get download of libfdt-dev:arm64; see scripts/fetch-deb.sh).
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: the arm64 architecture is not enabled; as root run:" >&2
        echo "  dpkg --add-architecture arm64 && apt-get update" >&2
        exit 1
    fi
    dpkg --add-architecture arm64
    apt-get update -qq
fi
