#!/bin/sh
# automotive.sh TESSERA: scenarios/automotive.dts (Linux Dom0 in dom0 mode, Linux cluster and
# infotainment, bare-metal rt) in every launch mode, twice each: the all-ready time per mode and
# the dom0 / hyperlaunch ratio. Writes results/automotive/ (tessera compare output with the
# timeline plots) and results/automotive.md.
set -eu
tessera=${1:-build/dev/harness/tessera}
qemu=$(qemu-system-aarch64 --version | head -n 1)
commit=$("$tessera" --version | cut -d" " -f2)
out=results/automotive
rm -rf "$out"
echo "bench: automotive, 3 modes, twice each (about half a minute)" >&2
"$tessera" compare scenarios/automotive.dts --out "$out" --repeat 2 --no-trace --quiet > "$out.txt"
identical=$(grep -c 'reruns: identical' "$out.txt" || true)
find "$out" \( -name '*.dtb' -o -name '*.gp' -o -name '*.dat' \) -delete
rm -rf "$out"/*/run-2
v() { # MODE DOMAIN FIELD
    jq -r --arg d "$2" --arg f "$3" '.domains[] | select(.name == $d) | .[$f] // "-"' \
        "$out/$1/run-1/summary.json"
}
rows=""
for mode in hyperlaunch dom0 bootdomain; do
    sum=$out/$mode/run-1/summary.json
    helper="-"
    [ "$mode" = dom0 ] && helper="Linux Dom0: first instruction $(v dom0 dom0 first_instr_ns), toolstack done at $(sed -n 's/^\[\([0-9]*\)\.\([0-9]*\)\] dom0: verdict: PASS.*/\1\2/p' "$out/dom0/run-1/console.log" | sed 's/^0*//')"
    [ "$mode" = bootdomain ] && helper="boot domain: ready $(v bootdomain boot ready_ns)"
    rows="$rows| $mode | $(jq -r .hypervisor.init_done_ns "$sum") | $(v "$mode" rt ready_ns) | $(v "$mode" cluster ready_ns) | $(v "$mode" infotainment ready_ns) | **$(jq -r .all_ready_ns "$sum")** | $helper |
"
    eval "all_$mode=$(jq -r .all_ready_ns "$sum")"
done
ratio=$(awk -v a="$all_dom0" -v b="$all_hyperlaunch" 'BEGIN { printf "%.2f", a / b }')
ratio_bd=$(awk -v a="$all_bootdomain" -v b="$all_hyperlaunch" 'BEGIN { printf "%.2f", a / b }')
rm -f "$out.txt"
cat > results/automotive.md <<MD
# Automotive: Linux Dom0 against Hyperlaunch (scenarios/automotive.dts)

An instrument cluster (Debian 12's stock arm64 Linux, 1 vCPU, 192 MiB), an infotainment system
(Linux, 2 vCPUs, 256 MiB, started once the cluster is ready) and a bare-metal real-time guest,
each on its own pCPU(s). In dom0 mode a Linux Dom0 (the same kernel, 256 MiB, pCPU 4) boots
first; its /init runs tessera-toolstack, which builds the three through the control window. In
bootdomain mode a bare-metal boot domain releases the fleet the hypervisor built. QEMU \`virt\`
gic-v3, cortex-a57, 5 pCPUs, 2 GiB, \`-icount shift=0,sleep=off\`, tracing off. Times in ns of
virtual time since reset; each mode ran twice ($( [ "$identical" -gt 0 ] && echo "identical numbers" || echo "THE RERUNS DIFFERED")).

| mode | hypervisor init done | rt ready | cluster ready | infotainment ready | all ready | helper |
|---|---:|---:|---:|---:|---:|---|
$rows
**dom0 (Linux) / hyperlaunch = $ratio**; bootdomain / hyperlaunch = $ratio_bd.

The Dom0 path pays for booting a whole Linux before any guest is created, then for copying
every image through domctl (a control domain cannot map boot modules into another domain).
![automotive, hyperlaunch](automotive/timeline-hyperlaunch.png)
![automotive, dom0](automotive/timeline-dom0.png)

Provenance: commit $commit; $qemu; command \`sh bench/automotive.sh\`; date $(date -u +%Y-%m-%d).
MD
cat results/automotive.md
