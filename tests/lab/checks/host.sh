#!/bin/sh
# The host-side checks in a boot of their own (meson test lab-host; boot.sh --igb-count 1
# --build BUILD_DIR), so that no lab test grows past 15 minutes:
#   1. smoke.sh: the lab itself
#   2. race.sh: concurrent vmnet clients while vmnetd moves the PF's two VFs
#   3. boot-numvfs.sh: NumVFs given back after a simulated reboot by vmnet-sriov.service
# Every script records its own PASS/FAIL lines. Runs inside the lab guest as /lab/run-in-guest.sh.
. /lab/lib-guest.sh

part() { # NAME SCRIPT [VAR=VALUE...]
    _t0=$(date +%s); _n=$1 _s=$2; shift 2
    env "$@" sh "/lab/checks/$_s"
    note "timing: $_n $(( $(date +%s) - _t0 )) s"
}

part smoke smoke.sh
part race race.sh
part boot-numvfs boot-numvfs.sh
