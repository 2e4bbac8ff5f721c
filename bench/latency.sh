#!/bin/sh
# latency.sh TESSERA: latency and isolation figures with their statistics and histograms.
#  - event-channel round trip between two domains on their own pCPUs (1000 samples measured by
#    the guest on its virtual counter), plus the hypercall latency the trace gives per domain;
#  - isolation probes of the faults and passthrough scenarios.
# Writes results/latency/ (compare.md/json, latency-*.png/svg, each run's folder) and
# results/latency.md.
set -eu
tessera=${1:-build/dev/harness/tessera}
qemu=$(qemu-system-aarch64 --version | head -n 1)
commit=$("$tessera" --version | cut -d" " -f2)
out=results/latency
rm -rf "$out"
echo "bench: pingpong, 1000 round trips, twice" >&2
"$tessera" compare bench/scenarios/pingpong-1000.dts --out "$out" --repeat 2 --trace-kib 2048 --quiet > "$out.txt"
for s in faults passthrough; do
    echo "bench: isolation probes of $s" >&2
    "$tessera" run "scenarios/$s.dts" --mode hyperlaunch --out "$out/$s" --quiet --no-trace >/dev/null
done
rm -f "$out"/*.dtb "$out"/*/*.dtb "$out"/*/*/*.dtb "$out"/*.gp "$out"/*.dat
rm -rf "$out"/*/run-*/trace.ctf "$out"/*/run-*/trace.dump "$out"/*/run-*/trace.json "$out"/*/run-2
sum=$out/hyperlaunch/run-1/summary.json
row() { # DOMAIN SERIES
    jq -r --arg d "$1" --arg s "$2" '.latency[] | select(.domain == $d and .series == $s) |
        "| \(.domain) | \(.series) | \(.source) | \(.count) | \(.min) | \(.mean * 10 | round / 10) | \(.p50) | \(.p90) | \(.p99 // "-") | \(.["p99_9"] // "-") | \(.max) |"' "$sum"
}
iso() {
    jq -r '.isolation | "\(.probes) probes: \(.blocked) blocked, \(.leaked) leaked; guest actions the hypervisor refused: \(.faults) (" + ([.by_probe[] | "\(.domain) \(.probe) \(if .leaked == 0 then "blocked" else "LEAKED" end)"] | join(", ")) + ")"' "$1"
}
# The two slowest rounds of run 1, by their place in the sequence.
slow() {
    sed -n 's/.*] ping: lat evtchn_rtt //p' "$out/hyperlaunch/run-1/console.log" | tr ' ' '\n' |
        awk '{ print NR, $1 }' | sort -k2,2nr | head -n 2 |
        awk '{ printf "%sround %d took %d ns", (NR > 1 ? ", " : ""), $1, $2 }'
}
identical=$(grep -c 'reruns: identical' "$out.txt" || true)
rm -f "$out.txt"
cat > results/latency.md <<MD
# Latency and isolation

QEMU \`virt\` gic-v3, cortex-a57, 2 pCPUs, \`-icount shift=0,sleep=off\`: every figure is ns of
virtual time, and the run was repeated to check that it repeats exactly
($( [ "$identical" -gt 0 ] && echo "it did" || echo "IT DID NOT")). Percentiles are nearest-rank and
refused (\`-\`) when the sample count cannot support them (p99 needs 100 samples, p99.9 1000).

## Event-channel round trip (bench/scenarios/pingpong-1000.dts)

ping sends on its event channel and spins (WFE) until pong's answer is pending; the guest
times each of 1000 rounds with its virtual counter. The trace rows are the hypervisor's side:
hc_entry to hc_exit of every hypercall of the domain.

| domain | series | source | n | min | mean | p50 | p90 | p99 | p99.9 | max |
|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|
$(row ping evtchn_rtt)
$(row ping hypercall)
$(row pong hypercall)

The two slowest: $(slow). The first round runs cold (the first send and wait of each side);
the last one overlaps pong printing its verdict and powering off, which icount counts too, as
it counts every instruction of the machine (DESIGN.md 4.4).

![histogram](latency/latency-ping-evtchn_rtt.png)

## Isolation probes

- faults (scenarios/faults.dts): $(iso "$out/faults/summary.json")
- passthrough (scenarios/passthrough.dts): $(iso "$out/passthrough/summary.json")

Provenance: commit $commit; $qemu; command \`sh bench/latency.sh\`; date $(date -u +%Y-%m-%d).
MD
cat results/latency.md
