#!/usr/bin/env bash
# Every measurement of docs/targets.md#performance in one run, each figure beside its limit, then
# one summary table.
# Timings on a shared 2-core machine are noisy: compare the ratios printed in one run.
#   bench/run.sh                                   everything (~12 min; needs wrk, PostgreSQL and node)
#   PARTS="flows executor" bench/run.sh            some parts: flows executor simulate pipeline socketio
#                                                  realtime-peer store
#   NODES=5000 RUNS=25 CLIENTS=5000 ROUNDS=20 ACK_RATE=1000 E2E_RATE=500 BURST=5000 bench/run.sh
# The pipeline part starts a throwaway PostgreSQL (scripts/with-postgres) and `fcb serve`
# against it with the fake Graph API; socketio runs bench/socketio.sh; realtime-peer runs
# bench/realtime-peer.sh (fcb beside the Node.js socket.io peer in ../shared/peers/node-socketio,
# PEER_SIZES="1000 5000" PEER_ROUNDS=100 by default, ~1.5 min). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

parts=" ${PARTS:-flows executor simulate pipeline socketio realtime-peer} "
nodes="${NODES:-5000}"
runs="${RUNS:-25}"
has() { [[ "$parts" == *" $1 "* ]]; }
section() { printf '\n== %s\n' "$1"; }

swift build -c release --product fcb-bench >/dev/null
swift build -c release --product fcb >/dev/null
bin="$(swift build -c release --show-bin-path)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export FCB_BENCH_SUMMARY="$tmp/summary.tsv"
: >"$FCB_BENCH_SUMMARY"
summary() { printf '%s\t%s\t%s\t%s\n' "$@" >>"$FCB_BENCH_SUMMARY"; }

echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(swift --version 2>/dev/null | head -n 1)"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

if has flows; then
    section "validate-flow (target: a 5,000-node flow in ≤ 200 ms, ≤ 3× parse)"
    "$bin/fcb-bench" "$nodes" "$runs"
    # The whole command, process start to exit, on the same generated flow.
    "$bin/fcb-bench" "$nodes" 1 --write >"$tmp/flow.json"
    times=()
    for _ in $(seq "$runs"); do
        start=$(date +%s%N)
        "$bin/fcb" validate-flow --format json "$tmp/flow.json" >/dev/null || true
        times+=($(( ($(date +%s%N) - start) / 1000000 )))
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "whole process: fcb validate-flow --format json on the same file ($runs runs): median $median ms (limit 200 ms)"
    summary "validate-flow, $nodes nodes (whole process)" "$median ms" "≤ 200 ms" "$(awk -v m="$median" 'BEGIN {printf "%.2f× of limit", m / 200}')"
fi

if has executor; then
    section "executor (target: ≥ 200,000 node steps/s in memory; one run visits 400 nodes: assign, condition, message, delay)"
    "$bin/fcb-bench" executor 100
fi

if has simulate; then
    section "fcb simulate (10,000 scripted messages, whole process)"
    python3 - "$tmp/script.txt" <<'PY'
import sys
seq = ["soporte", "1", "1", "2", "1", "3", "1", "4", "2"]
open(sys.argv[1], "w").write("\n".join(seq[i % len(seq)] for i in range(10000)) + "\n")
PY
    start=$(date +%s%N)
    "$bin/fcb" simulate examples/flows/soporte-menu.json --script "$tmp/script.txt" >/dev/null
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    rate=$(( 10000 * 1000 / (ms > 0 ? ms : 1) ))
    echo "10,000 messages on examples/flows/soporte-menu.json in $ms ms ($rate messages/s)"
    summary "fcb simulate, scripted transcript" "$rate messages/s" "(no limit)" "—"
fi

if has store; then
    section "inbox store (durable enqueue beside pgbench)"
    bench/store.sh "${ITEMS:-2000}"
fi

if has pipeline; then
    section "fcb serve on PostgreSQL: webhook ack, end to end, RSS"
    # pg_stat_statements for the census of statements per message (docs/serve.md#units-of-work).
    FCB_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements" FCB="$bin/fcb" BENCH="$bin/fcb-bench" scripts/with-postgres bash -c '
        set -euo pipefail
        base="${FCB_TEST_POSTGRES_URL%%\?*}"; base="${base%/*}"
        psql -q "$FCB_TEST_POSTGRES_URL" -c "CREATE DATABASE fcb_pipeline"
        "$FCB" migrate-deploy --database-url "$base/fcb_pipeline?sslmode=disable" >/dev/null   # the dashboard'"'"'s tables
        timeout 1200 "$BENCH" pipeline --fcb "$FCB" --database-url "$base/fcb_pipeline?sslmode=disable" \
            --ack-rate "${ACK_RATE:-1000}" --e2e-rate "${E2E_RATE:-500}" --burst "${BURST:-5000}" \
            --workers "${WORKERS:-32}" --sqlite-burst "${SQLITE_BURST:-2000}"' \
        || echo "(fcb-bench pipeline: a phase did not complete, see above)"
fi

if has socketio; then
    section "Socket.IO (target: 5,000 connections, fan-out p99 ≤ 20 ms, ≤ 30 KiB RSS per connection)"
    # socketio.sh exits 1 when a limit is missed: the summary below still shows every figure.
    bench/socketio.sh | tee "$tmp/socketio.txt" || echo "(bench/socketio.sh: a limit missed or the run failed, see above)"
    awk -F '  +' '/^(connections held|server RSS per connection \(connected\)|webhook → message:new, p99)/ {
        printf "Socket.IO: %s\t%s\t%s\t%s\n", $1, $2, $3, $4 }' "$tmp/socketio.txt" >>"$FCB_BENCH_SUMMARY"
fi

if has realtime-peer; then
    section "Socket.IO beside Node.js socket.io (targets: spread p99 ≤ 0.8× Node's; CPU per round and RSS per connection ≤ Node's)"
    # Exits 1 when a target is missed; its rows for the summary are written either way.
    FCB="$bin/fcb" SIZES="${PEER_SIZES:-1000 5000}" ROUNDS="${PEER_ROUNDS:-100}" bench/realtime-peer.sh || echo "(bench/realtime-peer.sh: a target missed or the run failed, see above)"
fi

section "summary against docs/targets.md (this run)"
{ printf 'measurement\tfigure\tlimit\tratio\n'; cat "$FCB_BENCH_SUMMARY"; } | column -t -s $'\t'
