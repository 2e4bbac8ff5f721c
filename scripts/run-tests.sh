#!/bin/sh
# run-tests.sh JOBS: every test of `make test`, by group, each group's results as JUnit XML in
# build/test-results/, then one summary line per group and a total: how many tests ran, passed,
# failed and were skipped, and the five slowest. Exit status 1 if any test failed or was skipped
# (a test that cannot run is a failure here, never a silent skip), 0 otherwise. SUMMARY_ONLY=1
# prints the summary of the last run again without running anything.
set -u
jobs=${1:-2}
top=$(pwd)
out=$top/build/test-results
mkdir -p "$out"
[ -n "${SUMMARY_ONLY-}" ] || rm -f "$out"/*.xml

status=0
# group PRESET LABEL NAME
group() {
    echo "==> $3: ctest --preset $1 -L $2" >&2
    ctest --preset "$1" -j "$jobs" -L "^$2\$" --output-junit "$out/$3.xml" || status=1
}
[ -n "${SUMMARY_ONLY-}" ] || group asan unit asan
[ -n "${SUMMARY_ONLY-}" ] || group dev unit unit
[ -n "${SUMMARY_ONLY-}" ] || group dev lttng lttng
[ -n "${SUMMARY_ONLY-}" ] || group dev qemu qemu

# attr FILE NAME: the attribute NAME of the <testsuite> element.
attr() {
    tr "\n\t" "  " <"$1" | sed -n "s/.*<testsuite [^>]* $2=\"\([0-9]*\)\".*/\1/p"| head -n 1
}

echo
echo "test summary:"
t_ran=0 t_pass=0 t_fail=0 t_skip=0
for name in asan unit lttng qemu; do
    f=$out/$name.xml
    if [ ! -f "$f" ]; then
        echo "  $name: no results (the group did not run)"
        status=1
        continue
    fi
    ran=$(attr "$f" tests)
    fail=$(attr "$f" failures)
    skip=$(($(attr "$f" skipped) + $(attr "$f" disabled)))
    pass=$((ran - fail - skip))
    [ "$ran" -gt 0 ] || status=1
    [ "$skip" -eq 0 ] || status=1
    printf '  %-6s %3d ran, %3d passed, %d failed, %d skipped\n' "$name:" "$ran" "$pass" "$fail" "$skip"
    t_ran=$((t_ran + ran)) t_pass=$((t_pass + pass)) t_fail=$((t_fail + fail)) t_skip=$((t_skip + skip))
done
echo "slowest:"
cat "$out"/*.xml | tr '>' '\n' | sed -n 's/.*<testcase name="\([^"]*\)".* time="\([0-9.]*\)".*/\2 \1/p' |
    sort -rn | head -n 5 | while read -r t n; do printf '  %8.2f s  %s\n' "$t" "$n"; done
echo "make test: $t_ran tests ran, $t_pass passed, $t_fail failed, $t_skip skipped" \
    "($(if [ $status -eq 0 ]; then echo PASS; else echo FAIL; fi))"
exit $status
