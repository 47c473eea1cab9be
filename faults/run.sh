#!/usr/bin/env bash
# fcb serve fault-injection suite (docs/targets.md#bad-input): see faults/README.md.
#   faults/run.sh [-n 300] [--only 1,2,3,4,5] [--keep] [--fcb PATH]
# Starts a throwaway PostgreSQL (scripts/with-postgres) and runs faults/run.py inside it.
# Needs: a release build of fcb (default .build-faults/release/fcb, else set FCB or --fcb),
# python3, psql, PostgreSQL server binaries; root for the tmpfs of the disk-full scenario.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [ -z "${FCB:-}" ]; then
    for candidate in "$root/.build-faults/release/fcb" "$root/.build/release/fcb"; do
        if [ -x "$candidate" ]; then export FCB="$candidate"; break; fi
    done
fi
cd "$root"
# The whole suite is bounded: timeout kills it (and with-postgres' trap removes the cluster).
exec timeout --signal=TERM --kill-after=30 "${FAULTS_TIMEOUT:-900}" "$root/scripts/with-postgres" python3 "$here/run.py" "$@"
