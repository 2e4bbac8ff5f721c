#!/bin/sh
# fetch-deb.sh PACKAGE[:ARCH] [DESTDIR]
# Downloads a Debian package by name with apt-get download into ~/.cache/tessera/debs (once)
# and, when DESTDIR is given, unpacks it there. Foreign architectures are added to dpkg when running
# as root.
set -eu
pkg=$1
dest=${2-}
cache=${TESSERA_CACHE:-$HOME/.cache/tessera}/debs
mkdir -p "$cache"
name=${pkg%%:*}
arch=${pkg#*:}
[ "$arch" = "$pkg" ] && arch=$(dpkg --print-architecture)

find_deb() { ls "$cache"/"${name}"_*_"${arch}".deb 2>/dev/null | sort | tail -n 1; }

deb=$(find_deb)
if [ -z "$deb" ]; then
    if ! dpkg --print-foreign-architectures | grep -qx "$arch" && [ "$arch" != "$(dpkg --print-architecture)" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "fetch-deb: the $arch architecture is not enabled; run as root:" >&2
            echo "  dpkg --add-architecture $arch && apt-get update" >&2
            exit 1
        fi
        dpkg --add-architecture "$arch"
        apt-get update -qq
    fi
    echo "fetch-deb: downloading $pkg into $cache" >&2
    if ! (cd "$cache" && apt-get download -q "$pkg" >&2); then
        if [ "$(id -u)" -eq 0 ]; then
            apt-get update -qq && (cd "$cache" && apt-get download -q "$pkg" >&2)
        else
            echo "fetch-deb: apt-get download $pkg failed; try 'apt-get update' as root" >&2
            exit 1
        fi
    fi
    deb=$(find_deb)
    [ -n "$deb" ] || { echo "fetch-deb: $pkg was not downloaded" >&2; exit 1; }
fi
[ -n "$dest" ] || exit 0
mkdir -p "$dest"
dpkg-deb -x "$deb" "$dest"
echo "fetch-deb: $(basename "$deb") unpacked into $dest" >&2
