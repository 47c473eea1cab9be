#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/Package.swift) with -sanitize=fuzzer,address and runs each
# for a bounded time, seeded from fuzz/corpus/<target>/. Prints, per target, executions,
# exec/s, coverage (libFuzzer's `cov:`), corpus size and findings; exits 1 on any finding.
#
# Usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, all targets)
# Environment: FUZZ_SCRATCH (build dir, default .build-fuzz), FUZZ_JOBS (build jobs),
#              FUZZ_ARGS (extra libFuzzer flags), FUZZ_NO_BUILD=1 (reuse the last build).
# Nothing listens on the network; new corpus entries go under $FUZZ_SCRATCH/work, crash
# inputs under $FUZZ_SCRATCH/artifacts/<target>/ (commit minimised ones to fuzz/crashes/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_TARGET="${1:-60}"
shift || true
ALL_TARGETS=(FuzzWebhook FuzzSignature FuzzFlow FuzzExpression FuzzEngineIO FuzzSocketIO FuzzDashboardToken FuzzJSON)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi
SCRATCH="${FUZZ_SCRATCH:-$ROOT/.build-fuzz}"
case "$SCRATCH" in /*) ;; *) SCRATCH="$ROOT/$SCRATCH" ;; esac

if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
    echo "==> building fuzz targets (release, -sanitize=fuzzer,address) into $SCRATCH"
    swift build -c release --package-path "$ROOT/fuzz" --scratch-path "$SCRATCH" ${FUZZ_JOBS:+-j "$FUZZ_JOBS"} \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing
fi
BIN="$(swift build -c release --package-path "$ROOT/fuzz" --scratch-path "$SCRATCH" --show-bin-path)"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}"
status=0
results=()
for target in "${TARGETS[@]}"; do
    seeds="$ROOT/fuzz/corpus/$target"
    work="$SCRATCH/work/$target"
    artifacts="$SCRATCH/artifacts/$target"
    log="$SCRATCH/logs/$target.log"
    mkdir -p "$work" "$artifacts" "$(dirname "$log")"
    rm -f "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*

    # Committed crash inputs first: each must now run cleanly (regression check).
    crashes="$ROOT/fuzz/crashes/$target"
    if [ -d "$crashes" ] && [ -n "$(ls -A "$crashes" 2>/dev/null)" ]; then
        if ! "$BIN/$target" -runs=1 "$crashes"/* >"$SCRATCH/logs/$target.regress.log" 2>&1; then
            echo "!! $target: a committed crash input in fuzz/crashes/$target fails again (see $SCRATCH/logs/$target.regress.log)"
            status=1
        fi
    fi

    echo "==> $target: ${SECONDS_PER_TARGET}s"
    # -timeout: one input taking 10 s is a finding; -rss_limit_mb bounds memory per process.
    set +e
    "$BIN/$target" "$work" "$seeds" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} >"$log" 2>&1
    rc=$?
    set -e
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')"
    corp="$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | awk '{print $2}')"
    findings="$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l | tr -d ' ')"
    if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
        status=1
        echo "!! $target: libFuzzer exit $rc, $findings finding(s) in $artifacts — log: $log"
        grep -E '^==[0-9]+==ERROR|Fatal error|SUMMARY|Test unit written' "$log" | head -5 || true
    fi
    results+=("$(printf '%-20s %12s %8s %6s %6s %8s' "$target" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${corp:-?}" "$findings")")
done

echo
printf '%-20s %12s %8s %6s %6s %8s\n' target executions exec/s cov corp findings
for line in "${results[@]}"; do echo "$line"; done
exit "$status"
