#!/usr/bin/env bash
# Socket.IO fan-out of `fcb serve` side by side with the reference Node.js socket.io server
# (docs/targets.md#performance, row 14): for each size in SIZES (default "1000 5000") the Node server,
# then fcb serve --demo, each on a free loopback port with the same load client
# (bench/tools/fanout-client.js) and settings: N clients join one conversation (acked), 1 warm-up
# round + ROUNDS (default 100) fan-outs one at a time. Then one markdown table with both servers'
# figures and the fcb/Node ratios against the targets:
#   spread p99 (first → last receipt) ≤ 0.8× Node's; server CPU per round ≤ Node's;
#   RSS per connection (connected and after the rounds) ≤ Node's at ≥ 5,000 clients, ≤ 30 KiB below;
#   and, for the comparison to count, every client of both servers joined and got every round.
# A round's trigger differs by necessity: Node gets POST /emit (a bare io.to(room).emit of a body shaped
# like fcb's event); fcb gets a signed WhatsApp reaction webhook, which it verifies, stores in SQLite
# and emits as one message:new. So trigger → last receipt and CPU per round include that work for fcb;
# the spread is the fan-out alone. Clients and servers share the machine: compare within one run.
# Exit 0 when every target is met, 1 when one is missed (after printing everything), 2 on setup errors.
#   bench/realtime-peer.sh                                    (~1.5 min after building fcb in release)
#   FCB=.build/release/fcb SIZES="1000" ROUNDS=50 bench/realtime-peer.sh
#   CONCURRENCY=200 (handshakes in flight)  GAP_MS=50 (pause between rounds)
# Needs node (20) and the peer at ../shared/peers/node-socketio beside the repository. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

sizes="${SIZES:-1000 5000}"
rounds="${ROUNDS:-100}"
concurrency="${CONCURRENCY:-200}"
gap="${GAP_MS:-50}"
peer="$(cd .. && pwd)/shared/peers/node-socketio"
client=bench/tools/fanout-client.js
die() { echo "error: $*" >&2; exit 2; }

command -v node >/dev/null || die "node is not installed"
[[ -f "$peer/server.js" && -d "$peer/node_modules/ws" ]] || die "the Node peer is not at $peer (server.js, node_modules/ws)"
command -v sqlite3 >/dev/null || die "sqlite3 is not installed (it reads the contact id)"

# One descriptor per WebSocket in the server and another in the client (separate processes), plus the usual.
largest=$(printf '%s\n' $sizes | sort -n | tail -n 1)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < largest + 256 )); then
    die "the descriptor limit is $(ulimit -n), too low for $largest clients (raise it or lower SIZES)"
fi

if [[ -n "${FCB:-}" ]]; then
    fcb="$FCB"
else
    swift build -c release --product fcb >/dev/null || die "swift build failed"
    fcb="$(swift build -c release --show-bin-path)/fcb"
fi
[[ -x "$fcb" ]] || die "no fcb binary at $fcb"

tmp="$(mktemp -d)"
server=""
stop_server() {
    if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server" 2>/dev/null || true
    fi
    [[ -n "$server" ]] && wait "$server" 2>/dev/null || true
    server=""
}
trap 'stop_server; rm -rf "$tmp"' EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_healthy() {  # port log
    for _ in $(seq 100); do
        curl -fsS --max-time 1 "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0
        kill -0 "$server" 2>/dev/null || { echo "error: the server exited:" >&2; cat "$2" >&2; exit 2; }
        sleep 0.1
    done
    echo "error: the server did not answer /health in 10 s:" >&2; cat "$2" >&2; exit 2
}
# run_client name port contact trigger-args…: the figures go to $tmp/name.json (the client's last line).
run_client() {
    local name="$1" port="$2" contact="$3" size="$4"; shift 4
    local rc=0
    timeout 900 node "$client" --url "http://127.0.0.1:$port" --n "$size" --contact "$contact" --rounds "$rounds" \
        --concurrency "$concurrency" --gap "$gap" --server-pid "$server" "$@" | tee "$tmp/$name.out" || rc=$?
    tail -n 1 "$tmp/$name.out" | grep '^{' >"$tmp/$name.json" || echo '{"error": "no figures"}' >"$tmp/$name.json"
    (( rc == 0 )) || echo "($name: the client exited with $rc)"
    kill -0 "$server" 2>/dev/null || echo "($name: the server EXITED during the run)"
}

echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), fd limit $(ulimit -n), node $(node --version)"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), fcb $fcb"

for size in $sizes; do
    # The Node server: any room name works, the contact is only a label.
    port="$(free_port)"
    echo
    echo "== Node socket.io, $size clients (127.0.0.1:$port)"
    HOST=127.0.0.1 node "$peer/server.js" "$port" >"$tmp/node-$size.log" 2>&1 &
    server=$!
    wait_healthy "$port" "$tmp/node-$size.log"
    run_client "node-$size" "$port" bench "$size" --trigger emit
    stop_server

    # fcb serve --demo on a fresh SQLite database; the first webhook creates the contact everyone joins.
    # FRONTEND_URL='*' as in bench/socketio.sh (the same-origin check).
    port="$(free_port)"
    dir="$tmp/fcb-$size"; mkdir -p "$dir"
    echo
    echo "== fcb serve --demo, $size clients (127.0.0.1:$port)"
    FRONTEND_URL='*' FCB_LOG_LEVEL=warning "$fcb" serve --demo --host 127.0.0.1 --port "$port" --database-url "sqlite:$dir/fcb.sqlite" >"$dir/serve.log" 2>&1 &
    server=$!
    wait_healthy "$port" "$dir/serve.log"
    "$fcb" replay-webhook examples/webhooks/text-hola.json --secret demo-secret --url "http://127.0.0.1:$port/webhook" --timeout 10 >/dev/null \
        || die "the first webhook was not accepted"
    contact=""
    for _ in $(seq 50); do
        contact="$(sqlite3 "$dir/fcb.sqlite" 'SELECT id FROM "Contact" LIMIT 1;' 2>/dev/null || true)"
        [[ -n "$contact" ]] && break
        sleep 0.1
    done
    [[ -n "$contact" ]] || { cat "$dir/serve.log" >&2; die "no contact after the first webhook"; }
    from="$(sqlite3 "$dir/fcb.sqlite" "SELECT phone FROM \"Contact\" WHERE id = '$contact';")"
    run_client "fcb-$size" "$port" "$contact" "$size" --trigger webhook --secret demo-secret --from "$from"
    stop_server
    # The warning about JWT_SECRET is expected with --demo; anything at error or above is shown.
    if grep -qE '"level":"(error|critical)"' "$dir/serve.log"; then
        echo "fcb serve log, errors (first 10):"
        grep -E '"level":"(error|critical)"' "$dir/serve.log" | head -n 10
    fi
done

echo
python3 - "$tmp" $sizes <<'PY'
import json, os, sys
tmp, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
def load(name):
    try: return json.load(open(f"{tmp}/{name}.json"))
    except Exception: return {"error": "no figures"}
runs = [(s, load(f"node-{s}"), load(f"fcb-{s}")) for s in sizes]
def num(x): return "—" if x is None else (f"{x:,.0f}" if abs(x) >= 100 else f"{x:g}")
def pair(d, a, b): return f"{num(d.get(a))} / {num(d.get(b))}"
def ratio(f, n):
    return None if f is None or n is None or n <= 0 else f / n
def rx(r): return "—" if r is None else f"{r:.2f}×"
misses = []
def check(ok, what):
    if not ok: misses.append(what)
    return "✓" if ok else "✗"

head = "| |" + "".join(f" Node {s:,} | fcb {s:,} |" for s in sizes)
print(head); print("|---|" + "---:|---:|" * len(sizes))
rows = [
    ("clients joined", lambda d, s: f"{num(d.get('joined'))} of {s:,}"),
    ("spread p50 / p99 (ms)", lambda d, s: pair(d, "spread_p50_ms", "spread_p99_ms")),
    ("trigger → last receipt p50 / p99 (ms)", lambda d, s: pair(d, "trigger_to_last_p50_ms", "trigger_to_last_p99_ms")),
    ("RSS per connection connected / after rounds (KiB)", lambda d, s: pair(d, "rss_per_conn_connected_kib", "rss_per_conn_after_kib")),
    ("server CPU per round (ms)", lambda d, s: num(d.get("server_cpu_per_round_ms"))),
    ("(load client CPU per round, ms)", lambda d, s: num(d.get("client_cpu_per_round_ms"))),
    ("handshakes/s", lambda d, s: num(d.get("handshakes_per_s"))),
    ("missed receipts", lambda d, s: num(d.get("missed_receipts")) if "error" not in d else d["error"]),
]
for label, cell in rows:
    print(f"| {label} |" + "".join(f" {cell(n, s)} | {cell(f, s)} |" for s, n, f in runs))

cells = {"spread": [], "cpu": [], "rss": []}   # per size: (the target, fcb's ratio and ✓/✗)
for s, n, f in runs:
    r = ratio(f.get("spread_p99_ms"), n.get("spread_p99_ms"))
    cells["spread"].append(("≤ 0.8×", f"{rx(r)} {check(r is not None and r <= 0.8, f'spread p99 at {s:,}')}"))
    r = ratio(f.get("server_cpu_per_round_ms"), n.get("server_cpu_per_round_ms"))
    cells["cpu"].append(("≤ 1×", f"{rx(r)} {check(r is not None and r <= 1.0, f'CPU per round at {s:,}')}"))
    rc = ratio(f.get("rss_per_conn_connected_kib"), n.get("rss_per_conn_connected_kib"))
    ra = ratio(f.get("rss_per_conn_after_kib"), n.get("rss_per_conn_after_kib"))
    if s >= 5000:   # against Node's own figures
        target, ok = "≤ 1×", rc is not None and ra is not None and rc <= 1.0 and ra <= 1.0
    else:           # below 5,000 the absolute limit of docs/targets.md (row 13)
        fc, fa = f.get("rss_per_conn_connected_kib"), f.get("rss_per_conn_after_kib")
        target, ok = "fcb ≤ 30 KiB", fc is not None and fa is not None and fc <= 30 and fa <= 30
    cells["rss"].append((target, f"{rx(rc)} / {rx(ra)} {check(ok, f'RSS per connection at {s:,}')}"))
    for side, d in (("Node", n), ("fcb", f)):
        check("error" not in d and d.get("joined") == s and d.get("missed_receipts") == 0 and d.get("failed_triggers") == 0,
              f"{side} at {s:,}: not every client joined and got every round")
for key, label in (("spread", "fcb/Node spread p99"), ("cpu", "fcb/Node server CPU per round"),
                   ("rss", "fcb/Node RSS per connection connected / after")):
    print(f"| {label} |" + "".join(f" target {t} | {c} |" for t, c in cells[key]))

# bench/run.sh's final table: tab-separated rows (measurement, figure, limit, ratio).
summary = os.environ.get("FCB_BENCH_SUMMARY")
if summary:
    with open(summary, "a") as out:
        for s, n, f in runs:
            for label, key, unit, limit in (("spread p99", "spread_p99_ms", "ms", 0.8), ("server CPU per round", "server_cpu_per_round_ms", "ms", 1),
                                            ("RSS per connection (connected)", "rss_per_conn_connected_kib", "KiB", 1)):
                limit_text, versus = f"≤ {limit:g}× Node", f"{rx(ratio(f.get(key), n.get(key)))} Node"
                if unit == "KiB" and s < 5000:      # the absolute limit, as in the table
                    limit_text, versus = "≤ 30 KiB", f"{rx(ratio(f.get(key), 30))} of limit"
                out.write(f"Socket.IO vs Node, {s:,} clients: {label}\tfcb {num(f.get(key))} {unit}, Node {num(n.get(key))} {unit}"
                          f"\t{limit_text}\t{versus}\n")
print()
print("targets: all met" if not misses else "targets missed: " + "; ".join(misses))
sys.exit(1 if misses else 0)
PY
