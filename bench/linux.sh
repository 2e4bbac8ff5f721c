#!/bin/sh
# linux.sh TESSERA: unmodified Debian arm64 Linux domains (scenarios/linux-pair.dts) in every
# launch mode, twice each: reset to each Linux domain's /init, in ns of virtual time. Writes
# results/linux-pair/ (tessera compare output) and results/linux.md.
set -eu
tessera=${1:-build/dev/harness/tessera}
qemu=$(qemu-system-aarch64 --version | head -n 1)
commit=$("$tessera" --version | cut -d" " -f2)
out=results/linux-pair
rm -rf "$out"
echo "bench: linux-pair, 3 modes, twice each (about a minute)" >&2
"$tessera" compare scenarios/linux-pair.dts --out "$out" --repeat 2 --no-trace --quiet > "$out.txt"
identical=$(grep -c 'reruns: identical' "$out.txt" || true)
find "$out" \( -name '*.dtb' -o -name '*.gp' -o -name '*.dat' \) -delete
rm -rf "$out"/*/run-2
# /init's own line ("tessera-linux: init uptime=U cpus=N ...") of a domain in a run's console.
init_ns() { # MODE DOMAIN
    sed -n "s/^\[\([0-9]*\)\.\([0-9]*\)\] $2: tessera-linux: init .*/\1\2/p" \
        "$out/$1/run-1/console.log" | head -n 1 | sed 's/^0*//'
}
uptime() { # MODE DOMAIN
    sed -n "s/.*] $2: tessera-linux: init uptime=\([0-9.]*\) cpus=\([0-9]*\).*/\1 s, \2 CPUs/p" \
        "$out/$1/run-1/console.log" | head -n 1
}
rows=""
for mode in hyperlaunch dom0 bootdomain; do
    sum=$out/$mode/run-1/summary.json
    for d in linux1 linux2; do
        created=$(jq -r --arg d "$d" '.domains[] | select(.name == $d) | .created_ns' "$sum")
        first=$(jq -r --arg d "$d" '.domains[] | select(.name == $d) | .first_instr_ns' "$sum")
        ready=$(jq -r --arg d "$d" '.domains[] | select(.name == $d) | .ready_ns' "$sum")
        rows="$rows| $mode | $d | $created | $first | $(init_ns "$mode" "$d") | $ready | $(uptime "$mode" "$d") |
"
    done
    all=$(jq -r '.all_ready_ns' "$sum")
    rows="$rows| $mode | **all ready** | | | | **$all** | |
"
done
rm -f "$out.txt"
cat > results/linux.md <<MD
# Linux domUs: reset to /init, per launch mode

scenarios/linux-pair.dts: two unmodified Debian 12 arm64 kernels ($(ls build/dev/image/linux/ 2>/dev/null | grep -q Image && strings -n 12 build/dev/image/linux/Image | grep -m1 -o 'Linux version [^ ]*' || echo "Debian's linux-image-arm64")),
2 vCPUs and 256 MiB each, busybox initramfs (guests/linux/init), plus a bare-metal RT guest; one
pCPU per vCPU (null scheduler) and pCPU 5 for the control domain (dom0 mode: the bare-metal
toolstack builds the domains through domctl) or the boot domain (bootdomain mode). QEMU \`virt\`
gic-v3, cortex-a57, 6 pCPUs, 1 GiB, \`-icount shift=0,sleep=off\`, tracing off. Times in ns of
virtual time since reset; each mode ran twice ($( [ "$identical" -gt 0 ] && echo "identical numbers" || echo "THE RERUNS DIFFERED")).

| mode | domain | created | first instruction | /init line | ready (console marker) | uptime at /init (kernel's clock), CPUs |
|---|---|---:|---:|---:|---:|---|
$rows
Under icount the machine runs one instruction per ns summed over every pCPU (DESIGN.md 4.4), so
the two kernels booting side by side slow each other down; a kernel alone reaches /init sooner.
The kernel's own uptime counts from its domain's creation (each domain's virtual counter
starts then).

Provenance: commit $commit; $qemu; command \`sh bench/linux.sh\`; date $(date -u +%Y-%m-%d).
MD
cat results/linux.md
