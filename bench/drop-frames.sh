#!/bin/sh
# drop-frames.sh DIR...: removes the hypervisor's framed trace dump (its "hyp: @TTRACE" lines)
# from every console.log below DIR. The dump is the run's trace.dump in base64, thousands of
# lines per run; what the results keep of it is in summary.json and trace-stats.txt, and a rerun
# of the benchmark brings it back.
set -eu
for dir in "$@"; do
    find "$dir" -name console.log -exec sed -i '/^\[[0-9.]*\] hyp: @TTRACE /d' {} +
done
