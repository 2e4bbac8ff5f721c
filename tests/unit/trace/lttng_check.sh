#!/bin/sh
# lttng_check.sh EMIT BABELTRACE2: records EMIT (a hosted program whose trace writer fires the
# LTTng-UST provider generated from events.def) in a private LTTng session, and checks with
# babeltrace2 that every event EMIT --list names was recorded as tessera:NAME.
# The session daemon is the test's own, in a temporary LTTNG_HOME, and is stopped on any exit.
# A root session daemon ignores LTTNG_HOME (it uses /var/run/lttng), so as root the test runs
# itself as nobody: no collision with a system daemon, no root needed.
set -eu
emit=$1
bt=$2

if [ "$(id -u)" -eq 0 ]; then
    top=$(mktemp -d /tmp/tessera-lttng-XXXXXX)
    chown 65534:65534 "$top"
    status=0
    setpriv --reuid=65534 --regid=65534 --clear-groups \
        env LTTNG_CHECK_DIR="$top" sh "$0" "$@" || status=$?
    rm -rf "$top"
    exit $status
fi

dir=${LTTNG_CHECK_DIR:-}
if [ -z "$dir" ]; then
    dir=$(mktemp -d /tmp/tessera-lttng-XXXXXX)
fi
export LTTNG_HOME="$dir/home"
export HOME="$dir/home"
mkdir -p "$LTTNG_HOME"

cleanup() {
    lttng destroy --all >/dev/null 2>&1 || true
    pidfile="$LTTNG_HOME/.lttng/lttng-sessiond.pid"
    if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
    fi
    if [ -z "${LTTNG_CHECK_DIR:-}" ]; then
        rm -rf "$dir"
    fi
}
trap cleanup EXIT

lttng-sessiond --daemonize --no-kernel
lttng create tessera-check --output="$dir/trace" >/dev/null
lttng enable-event --userspace 'tessera:*' >/dev/null
lttng start >/dev/null
LTTNG_UST_REGISTER_TIMEOUT=10000 "$emit"
lttng stop >/dev/null
lttng destroy tessera-check >/dev/null

"$bt" "$dir/trace" >"$dir/events.txt"
total=0
missing=0
for name in $("$emit" --list); do
    total=$((total + 1))
    if ! grep -q "tessera:$name:" "$dir/events.txt"; then
        echo "lttng_check: tessera:$name was not recorded" >&2
        missing=$((missing + 1))
    fi
done
echo "lttng_check: $((total - missing)) of $total events recorded by LTTng-UST"
echo "$((total - missing)) passed, $missing failed"
[ "$missing" -eq 0 ] && [ "$total" -gt 0 ]
