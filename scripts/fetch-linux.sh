#!/bin/sh
# fetch-linux.sh [--download-only | DESTDIR]
# Debian's stock arm64 kernel package (whatever linux-image-arm64 depends on today), downloaded
# once into ~/.cache/tessera/debs and unpacked into DESTDIR (default ~/.cache/tessera/linux):
# the kernel is DESTDIR/boot/vmlinuz-*, the board device trees DESTDIR/usr/lib/linux-image-*/.
# Prints DESTDIR/usr/lib/linux-image-VERSION on stdout. --download-only: only into the cache.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${TESSERA_CACHE:-$HOME/.cache/tessera}
dest=${1:-$cache/linux}
only=false
[ "$dest" = --download-only ] && only=true
pkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
      sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-arm64\).*/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
    # Without the arm64 package lists, use the newest one already in the cache.
    pkg=$(ls "$cache"/debs/linux-image-[0-9]*-arm64_*_arm64.deb 2>/dev/null | sort | tail -n 1 |
          sed 's|.*/\(linux-image-[^_]*\)_.*|\1|')
fi
if [ -z "$pkg" ]; then
    echo "fetch-linux: cannot tell which kernel linux-image-arm64 depends on; as root run:" >&2
    echo "  dpkg --add-architecture arm64 && apt-get update" >&2
    exit 1
fi
version=${pkg#linux-image-}
if $only; then
    exec "$here/fetch-deb.sh" "$pkg:arm64"
fi
if [ ! -d "$dest/usr/lib/linux-image-$version" ]; then
    "$here/fetch-deb.sh" "$pkg:arm64" "$dest"
fi
echo "$dest/usr/lib/linux-image-$version"
