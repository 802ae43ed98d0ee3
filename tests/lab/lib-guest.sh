# shellcheck shell=sh
# Guest-side helpers for lab checks. boot.sh copies this file into the share, so a
# check script (run as /lab/run-in-guest.sh) loads it with:  . /lab/lib-guest.sh
#
#   check NAME CMD...   run CMD; record "PASS NAME" or "FAIL NAME: reason" in $LAB_RESULT
#                       (reason = last line of CMD's output, or its exit status)
#   skip NAME REASON    record nothing but a note in the log (a skipped check is not counted)
#   note TEXT...        progress line to /dev/kmsg (serial log) and to stdout (test.log)
#   wait_for SECS CMD...  retry CMD every 0.5 s until it succeeds or SECS pass
# The guest runner (vmnet-lab-run) appends the final "N passed, M failed" line.

LAB_RESULT=${LAB_RESULT:-/lab/out/result.txt}

note() {
    echo "lab: $*"
    echo "vmnet-lab: $*" > /dev/kmsg 2>/dev/null || true
}

check() {
    _name=$1; shift
    _out=$("$@" 2>&1); _rc=$?
    if [ -n "$_out" ]; then printf '%s\n' "$_out" | sed "s/^/  [$_name] /"; fi
    if [ "$_rc" -eq 0 ]; then
        echo "PASS $_name" >> "$LAB_RESULT"
        note "PASS $_name"
        return 0
    fi
    _why=$(printf '%s\n' "$_out" | grep -v '^[[:space:]]*$' | tail -n1 | cut -c1-200)
    [ -n "$_why" ] || _why="exit status $_rc"
    echo "FAIL $_name: $_why" >> "$LAB_RESULT"
    note "FAIL $_name: $_why"
    return 1
}

skip() {
    note "SKIP $1: $2"
}

wait_for() {
    _deadline=$(( $(date +%s) + $1 )); shift
    while :; do
        "$@" && return 0
        [ "$(date +%s)" -ge "$_deadline" ] && return 1
        sleep 0.5
    done
}
