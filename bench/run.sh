#!/usr/bin/env bash
# Runs fcb's benchmarks in release mode and prints each figure beside its SPEC §14 limit.
# Timings on a shared machine are noisy: compare the ratios printed in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

nodes="${NODES:-5000}"
runs="${RUNS:-25}"

swift build -c release --product fcb-bench >/dev/null
swift build -c release --product fcb >/dev/null
bin="$(swift build -c release --show-bin-path)"

echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(swift --version 2>/dev/null | head -n 1)"
echo
"$bin/fcb-bench" "$nodes" "$runs"

# The whole command, process start to exit, on the same generated flow.
flow=$(mktemp --suffix=.json)
trap 'rm -f "$flow"' EXIT
"$bin/fcb-bench" "$nodes" 1 --write >"$flow"
echo
echo "whole process: fcb validate-flow --format json on the same file ($runs runs)"
times=()
for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$bin/fcb" validate-flow --format json "$flow" >/dev/null || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "  median %d ms, min %d ms (limit 200 ms)\n", a[int((NR+1)/2)], a[1]}'

echo
echo "executor throughput (one run visits 400 nodes: assign, condition, message, delay)"
"$bin/fcb-bench" executor 100

# A 10,000-message scripted conversation through `fcb simulate` (whole process).
script=$(mktemp)
trap 'rm -f "$flow" "$script"' EXIT
python3 - "$script" <<'PY'
import sys
seq = ["soporte", "1", "1", "2", "1", "3", "1", "4", "2"]
open(sys.argv[1], "w").write("\n".join(seq[i % len(seq)] for i in range(10000)) + "\n")
PY
start=$(date +%s%N)
"$bin/fcb" simulate examples/flows/soporte-menu.json --script "$script" >/dev/null
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
echo
echo "fcb simulate: 10,000 scripted messages on examples/flows/soporte-menu.json in ${ms} ms ($(( 10000 * 1000 / (ms > 0 ? ms : 1) )) messages/s)"
