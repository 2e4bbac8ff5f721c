#!/bin/sh
# reference-xen.sh TESSERA: the same work on Tessera and on Xen 4.17 (Debian's
# xen-hypervisor-4.17-arm64, dom0less), side by side: scenarios/linux-one.dts (one 1-vCPU,
# 256 MiB Debian Linux domU, busybox initramfs, one pCPU, icount), `tessera compare --backend
# tessera,xen --repeat 2 --no-trace`, run twice to show the numbers reproduce. Writes
# results/reference-xen/ (compare.md, compare.json, plots, each run's summary.json and console,
# README.md with the provenance). docs/reference-xen.md says which Xen line gives which field.
set -eu
tessera=${1:-build/dev/harness/tessera}
scenario=scenarios/linux-one.dts
out=results/reference-xen
qemu=$(qemu-system-aarch64 --version | head -n 1)
commit=$("$tessera" --version | cut -d" " -f2)
cmd="$tessera compare $scenario --backend tessera,xen --repeat 2 --no-trace --quiet"
rm -rf "$out"
mkdir -p "$out"
echo "bench: linux-one on Tessera and Xen, twice each, twice over (about a minute)" >&2
$cmd --out "$out" > "$out/compare.txt"
$cmd --out "$out.again" > "$out.again.txt"
# The second compare must print the same table, ratios and reruns line (only the results folder
# in its last line differs).
if diff "$(printf '%s' "$out/compare.txt")" "$out.again.txt" | grep '^[<>]' | grep -v 'results: ' >/dev/null; then
    same="THE TWO COMPARES DIFFERED"
else
    same="identical: every number of the two compares equal"
fi
rm -rf "$out.again" "$out.again.txt"
find "$out" \( -name '*.dtb' -o -name '*.gp' -o -name '*.dat' \) -delete
rm -rf "$out"/*/*/run-2
work=$(grep '^work: ' "$out/compare.txt")
reruns=$(grep '^reruns: ' "$out/compare.txt")
{
    echo "# Tessera and Xen 4.17 on the same work"
    echo
    echo "$work"
    echo
    echo "Written by \`sh bench/reference-xen.sh\`. Virtual time (\`-icount shift=0,sleep=off\`), ms since"
    echo "reset; Xen's fields come from its console (\`console_timestamps=raw\`, docs/reference-xen.md):"
    echo "it prints no line at a vCPU's first instruction, and its first line comes after its own"
    echo "start. Xen gets \`bootscrub=0\`; neither hypervisor scrubs RAM at boot."
    echo
    echo '```'
    sed -n '/^ *tessera-hyperlaunch/,/^all ready/p' "$out/compare.txt"
    echo '```'
    echo
    grep '^ratio ' "$out/compare.txt"
    echo
    echo "- $reruns (within each compare: run 1 and run 2 of each backend)"
    echo "- a second \`tessera compare\` of the same build: $same"
    echo
    echo "Provenance: commit $commit; $qemu; Xen $(strings ~/.cache/tessera/xen/boot/xen-4.17-arm64 2>/dev/null | grep -m1 -o '4\.17\.[0-9][^ ]*' || echo 4.17) (Debian xen-hypervisor-4.17-arm64);"
    echo "command \`$cmd --out $out\`; date $(date -u +%Y-%m-%dT%H:%M:%SZ)."
} > "$out/README.md"
cat "$out/README.md"
