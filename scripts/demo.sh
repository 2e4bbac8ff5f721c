#!/bin/sh
# demo.sh TESSERA [SCENARIO]: boots the scenario in every launch mode it lists and prints the
# comparison (until `tessera compare` lands, issue 7). Results in build/demo/SCENARIO/MODE/.
set -eu
tessera=${1:-build/dev/harness/tessera}
scenario=${2:-scenarios/fleet4.dts}
name=$(basename "$scenario" .dts)
modes=$(dtc -q -I dts -O dtb "$scenario" | fdtget -t s - /experiment modes 2>/dev/null || echo hyperlaunch)
status=0
printf '\n%-12s %14s %18s %16s  %s\n' mode "init done ns" "first fleet instr" "all ready ns" verdict
for mode in $modes; do
    out=build/demo/$name/$mode
    if "$tessera" run "$scenario" --mode "$mode" --out "$out" --quiet >"$out.log" 2>&1; then
        verdict=pass
    else
        verdict="FAIL (see $out.log)"
        status=1
    fi
    if [ -f "$out/summary.json" ]; then
        jq -r --arg m "$mode" --arg v "$verdict" '
            [.domains[] | select((.role // "fleet") == "fleet" and .first_instr_ns != null)
             | .first_instr_ns] as $f |
            "\($m) \(.hypervisor.init_done_ns) \($f | min) \(.all_ready_ns) \($v)"' "$out/summary.json" |
            awk '{ v = $5; for (i = 6; i <= NF; i++) v = v " " $i;
                   printf "%-12s %14s %18s %16s  %s\n", $1, $2, $3, $4, v }'
    else
        printf '%-12s %s\n' "$mode" "$verdict"
    fi
done
echo
echo "Times are ns of virtual time (QEMU -icount shift=0): identical on every run."
echo "Per-mode details: build/demo/$name/MODE/report.md, summary.json, console.log, trace files."
exit $status
