#!/usr/bin/env bash
# fcb serve fault-injection suite (docs/targets.md#bad-input): see faults/README.md.
#   faults/run.sh [-n 300] [--only 1,2,3,4,5,6,7,8] [--keep] [--fcb PATH] [--json FILE]
#                 [--full] [--graph-outage S] [--abuse-wait S]
#   faults/run.sh --only 9 [--short | --mixed-minutes M] [--mixed-rate R] [--mixed-contacts C] [--seed K]
# Scenarios 1-5: kill -9, PostgreSQL stop, Graph failures, disk full, two instances.
# Issue "Reliability": 6 listener abuse (faults/abuse.py), 7 PostgreSQL restart mid-load,
# 8 Graph outage (--graph-outage, default 30 s, 60 with --full), 9 mixed faults for
# --mixed-minutes (default 30, 2 with --short; only with --only 9).
# Starts a throwaway PostgreSQL (scripts/with-postgres) and runs faults/run.py inside it.
# Needs: a release build of fcb (default .build-faults/release/fcb, else set FCB or --fcb),
# python3, psql, PostgreSQL server binaries; root for the tmpfs of the disk-full scenario;
# curl (optional, times the /health probes of scenario 6); prlimit or bash (scenario 6's nofile 512).
# The whole run is bounded by FAULTS_TIMEOUT seconds: default 1500, plus the mixed run's minutes
# and 15 minutes when --only names 9, plus three times --graph-outage beyond 30 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [ -z "${FCB:-}" ]; then
    for candidate in "$root/.build-faults/release/fcb" "$root/.build/release/fcb"; do
        if [ -x "$candidate" ]; then export FCB="$candidate"; break; fi
    done
fi

default_timeout() {
    local only="" minutes="" outage=0 prev="" a
    local short=0
    for a in "$@"; do
        case "$prev" in
            --only) only="$a" ;;
            --mixed-minutes) minutes="$a" ;;
            --graph-outage) outage="$a" ;;
        esac
        case "$a" in
            --only=*) only="${a#*=}" ;;
            --mixed-minutes=*) minutes="${a#*=}" ;;
            --graph-outage=*) outage="${a#*=}" ;;
            --short) short=1 ;;
        esac
        prev="$a"
    done
    [ -n "$minutes" ] || { [ "$short" = 1 ] && minutes=2 || minutes=30; }
    local t=1500 m="${minutes%.*}" o="${outage%.*}"
    if [[ ",${only// /}," == *",9,"* ]]; then t=$(( t + (${m:-0} + 1) * 60 + 900 )); fi
    if [ "${o:-0}" -gt 30 ]; then t=$(( t + 3 * o )); fi
    echo "$t"
}

cd "$root"
# The whole suite is bounded: timeout kills it (and with-postgres' trap removes the cluster).
exec timeout --signal=TERM --kill-after=30 "${FAULTS_TIMEOUT:-$(default_timeout "$@")}" "$root/scripts/with-postgres" python3 "$here/run.py" "$@"
