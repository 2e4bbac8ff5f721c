#!/bin/sh
# first-instruction.sh TESSERA: virtual time from reset to the guest's first instruction for the
# minimal scenario, with 1 and 4 pCPUs, and with 1 pCPU booted through U-Boot (qemu-virt-uboot).
# Writes results/first-instruction/{smp1,smp4,uboot-smp1}/ (each run's summary.json and console.log) and results/first-instruction/README.md with provenance.
set -eu
tessera=${1:-build/dev/harness/tessera}
out=results/first-instruction
mkdir -p "$out"
table=""
for run in smp1 smp4 uboot-smp1; do
    smp=${run#*smp}
    board=qemu-virt
    case $run in uboot-*) board=qemu-virt-uboot ;; esac
    dir=$out/$run
    rm -rf "$dir"
    echo "bench: minimal scenario, -smp $smp, board $board" >&2
    "$tessera" run scenarios/minimal.dts --mode hyperlaunch --smp "$smp" --board "$board" \
        --out "$dir" --quiet --no-trace
    # first_instr_ns of the only domain, entry and init-done of the hypervisor
    first=$(jq -r '.domains[0].first_instr_ns' "$dir/summary.json")
    entry=$(jq -r '.hypervisor.entry_ns' "$dir/summary.json")
    firmware=$(jq -r '.hypervisor.firmware_ns' "$dir/summary.json")
    init=$(jq -r '.hypervisor.init_done_ns' "$dir/summary.json")
    ready=$(jq -r '.domains[0].ready_ns' "$dir/summary.json")
    table="$table| $smp | $board | $firmware | $entry | $init | $first | $ready |
"
    rm -f "$dir"/*.dtb "$dir"/uboot-env.bin # inputs every run rebuilds; the summary and console log are the result
    rm -f "$dir"/board/*.bin "$dir"/board/*.dtb "$dir"/board/*.scr # keep the U-Boot script text and board.txt
done
qemu=$(qemu-system-aarch64 --version | head -n 1)
commit=$("$tessera" --version | cut -d" " -f2) # the commit the harness was built from
cat > "$out/README.md" <<MD
# Reset to the guest's first instruction

Scenario \`scenarios/minimal.dts\` (one bare-metal domain, 2 MiB), hyperlaunch mode, QEMU \`virt\`
gic-v3, cortex-a57, 1 GiB, \`-icount shift=0,sleep=off\` (1 instruction = 1 ns of virtual time;
deterministic). All times in ns since reset.

| pCPUs | board | firmware | hypervisor entry | init done | guest first instruction | guest ready |
|---|---|---|---|---|---|---|
$table
On \`qemu-virt\` QEMU starts the hypervisor itself (firmware 0); on \`qemu-virt-uboot\` Debian's
U-Boot 2023.01 (\`u-boot-qemu\`) runs first and starts it with \`booti\`, as on a board: its time
is the firmware column, and the hypervisor's own share is the difference from it.

Target: first instruction at most 400000 ns with either CPU count (direct boot).

Provenance: commit $commit; $qemu; command \`sh bench/first-instruction.sh\`; date $(date -u +%Y-%m-%d).
MD
cat "$out/README.md"
