#!/bin/sh
# modes.sh TESSERA: fleet4 in every launch mode (hyperlaunch, dom0 with the bare-metal
# toolstack, bootdomain), run twice each to show the numbers repeat exactly. Writes
# results/fleet4/MODE/ (summary.json, console.log, report.md) and results/modes.md.
set -eu
tessera=${1:-build/dev/harness/tessera}
qemu=$(qemu-system-aarch64 --version | head -n 1)
commit=$("$tessera" --version | cut -d" " -f2) # the commit the harness was built from
rows=""
for mode in hyperlaunch dom0 bootdomain; do
    dir=results/fleet4/$mode
    rm -rf "$dir" "$dir.again"
    echo "bench: fleet4 ($mode), twice" >&2
    "$tessera" run scenarios/fleet4.dts --mode "$mode" --out "$dir" --quiet --no-trace >/dev/null
    "$tessera" run scenarios/fleet4.dts --mode "$mode" --out "$dir.again" --quiet --no-trace >/dev/null
    if jq -e --slurpfile b "$dir.again/summary.json" '.domains == $b[0].domains and .all_ready_ns == $b[0].all_ready_ns' "$dir/summary.json" >/dev/null; then
        same=identical
    else
        same=DIFFERENT
    fi
    rm -rf "$dir.again"
    rm -f "$dir"/*.dtb
    helper=$(jq -r '[.domains[] | select((.role // "fleet") != "fleet" and .created_ns != null) | "\(.name) (\(.role)), its own pCPU: first instruction \(.first_instr_ns) ns"] | join("; ")' "$dir/summary.json")
    all=$(jq -r '.all_ready_ns' "$dir/summary.json")
    init=$(jq -r '.hypervisor.init_done_ns' "$dir/summary.json")
    first=$(jq -r '[.domains[] | select((.role // "fleet") == "fleet") | .first_instr_ns] | min' "$dir/summary.json")
    rows="$rows| $mode | $init | $first | $all | $same | ${helper:-none} |
"
    eval "all_$mode=$all"
done
ratio=$(awk -v a="$all_dom0" -v b="$all_hyperlaunch" 'BEGIN { printf "%.2f", a / b }')
ratio_bd=$(awk -v a="$all_bootdomain" -v b="$all_hyperlaunch" 'BEGIN { printf "%.2f", a / b }')
cat > results/modes.md <<MD
# Launch modes: fleet4 (four bare-metal domains, one pCPU each, plus pCPU 4 for the helper)

QEMU \`virt\` gic-v3, cortex-a57, 5 pCPUs, 1 GiB, \`-icount shift=0,sleep=off\`, tracing off.
Times in ns of virtual time since reset; each mode was run twice.

| mode | hypervisor init done | first fleet instruction | all four ready | rerun | helper domain |
|---|---|---|---|---|---|
$rows
**dom0 / hyperlaunch = $ratio**; bootdomain / hyperlaunch = $ratio_bd.

The same domains get the same pCPUs, memory sizes and images in every mode. In dom0 mode the
bare-metal toolstack (guests/toolstack) parses the fleet with the hypervisor's own manifest
library and builds each domain through domctl, copying every image (a control domain cannot
map boot modules into another domain); in bootdomain mode the hypervisor builds the fleet
(mapping images in place) and the boot domain only orders and unpauses it, then is
reclaimed. With a Linux Dom0 (booting Linux alone takes about 0.8 s of virtual time on this
machine) the dom0 path would be far slower; that flavour needs the Linux-guest work.

Provenance: commit $commit; $qemu; command \`sh bench/modes.sh\`; date $(date -u +%Y-%m-%d).
MD
cat results/modes.md
