#!/bin/sh
# timeline.sh TRACE.json OUT.png [TITLE]: draws the vCPU run slices of a Perfetto JSON trace
# (from `tessera trace DUMP --perfetto FILE`) as one row per pCPU with gnuplot.
set -eu
json=$1
png=$2
title=${3:-vCPU timeline}
data=$(mktemp)
jq -r '.traceEvents[] | select(.ph == "X" and .pid < 1000 and .args.pcpu != null)
       | "\(.args.pcpu) \(.ts) \(.dur) \(.name | split(" ")[0])"' "$json" > "$data"
if [ ! -s "$data" ]; then
    echo "timeline: no vCPU run slices in $json" >&2
    rm -f "$data"
    exit 1
fi
gnuplot <<GP
set terminal pngcairo size 1000,360 font "sans,10"
set output "$png"
set title "$title"
set xlabel "virtual time since reset (µs)"
set ylabel "pCPU"
set ytics 1
set yrange [-0.6:*]
set grid xtics
unset key
set style fill solid 0.8 border -1
plot "$data" using (\$2 + \$3 / 2):1:(\$3 / 2):(0.3):1 with boxxyerror lc variable, \
     "$data" using (\$2 + \$3 / 2):(\$1 + 0.42):4 with labels font "sans,8"
GP
rm -f "$data"
echo "timeline: $png" >&2
