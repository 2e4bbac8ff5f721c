#!/bin/sh
# scenarios.sh TESSERA: `tessera compare` on every shipped scenario (fleet4 is bench/modes.sh's),
# into results/SCENARIO/ (compare.md/json, plots, MODE/ with summary.json, console.log,
# report.md), and one table of them in results/scenarios.md.
set -eu
tessera=${1:-build/dev/harness/tessera}
qemu=$(qemu-system-aarch64 --version | head -n 1)
commit=$("$tessera" --version | cut -d" " -f2)
rows=""
for src in scenarios/*.dts; do
    name=$(basename "$src" .dts)
    case $name in fleet4 | linux-pair | automotive) continue ;; esac # their own benches
    [ "$name" = uart-input ] && continue # waits for typed input (tessera run --input)
    out=results/$name
    rm -rf "$out"
    echo "bench: $name" >&2
    status=0
    "$tessera" compare "$src" --out "$out" --quiet >/dev/null || status=$?
    # The runs' inputs and bulky trace outputs are rebuilt by every run: keep the results.
    find "$out" \( -name '*.dtb' -o -name '*.gp' -o -name '*.dat' -o -name 'trace.dump' \
        -o -name 'trace.json' -o -name 'uboot-env.bin' \) -delete
    find "$out" -name trace.ctf -type d -exec rm -rf {} +
    verdicts=$(jq -r '[.modes | to_entries[] | "\(.key) \(.value.passed)/\(.value.runs)"] | join(", ")' "$out/compare.json")
    ready=$(jq -r '[.modes | to_entries[] | "\(.key) \(.value.summary.all_ready_ns // "-")"] | join(", ")' "$out/compare.json")
    iso=$(jq -r '[.modes[] | .isolation | "\(.blocked)/\(.probes)"] | .[0]' "$out/compare.json")
    lat=$(jq -r '[.modes[] | .latency | length] | .[0]' "$out/compare.json")
    note=""
    [ "$status" -ne 0 ] && note=" (exit $status)"
    rows="$rows| [$name]($name/compare.md) | $verdicts$note | $ready | $iso | $lat |
"
done
cat > results/scenarios.md <<MD
# Every shipped scenario

\`tessera compare\` on each scenario of \`scenarios/\` (fleet4: [modes.md](modes.md)), QEMU
\`virt\`, \`-icount shift=0,sleep=off\`, tracing on (the milestone times come from the trace).
Times in ns since reset. Isolation: probes blocked / probes reported by the guests. Latency:
series in summary.json (guest samples and trace pairs).

| scenario | verdict (passed/runs per mode) | all ready (ns, per mode) | isolation | latency series |
|---|---|---|---|---|
$rows
crash.dts fails by design: two of its domains crash on purpose and never become ready (their
on-crash policies restart, then halt, or destroy them) while the third runs to completion;
qemu.crash checks exactly that.

Provenance: commit $commit; $qemu; command \`sh bench/scenarios.sh\`; date $(date -u +%Y-%m-%d).
MD
cat results/scenarios.md
