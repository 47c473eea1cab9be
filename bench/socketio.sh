#!/usr/bin/env bash
# The realtime figures of docs/targets.md#performance: CLIENTS Socket.IO clients (default 5000)
# joined to one conversation of `fcb serve --demo`, ROUNDS webhooks (default 20) fanned out to
# all of them.
# Loopback only; the server gets a temporary SQLite database and a free port and is stopped
# at the end. Clients and server share the machine: compare ratios within one run.
#   CLIENTS=1000 ROUNDS=20 bench/socketio.sh
#   SCRATCH_PATH=.build-x bench/socketio.sh      (a separate build directory)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

clients="${CLIENTS:-5000}"
rounds="${ROUNDS:-20}"
concurrency="${CONCURRENCY:-200}"
scratch=()
if [[ -n "${SCRATCH_PATH:-}" ]]; then scratch=(--scratch-path "$SCRATCH_PATH"); fi

# One descriptor per WebSocket on each side, plus the usual.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < clients + 256 )); then
    echo "error: the descriptor limit is $(ulimit -n), too low for $clients clients (raise it or lower CLIENTS)" >&2
    exit 2
fi

swift build -c release "${scratch[@]}" --product fcb-bench >/dev/null
swift build -c release "${scratch[@]}" --product fcb >/dev/null
bin="$(swift build -c release "${scratch[@]}" --show-bin-path)"

tmp="$(mktemp -d)"
server=""
cleanup() {
    if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# FRONTEND_URL='*': the WebSocket client sends "Origin: ws://127.0.0.1" (no port), which the
# same-origin check refuses otherwise; browsers send the dashboard's origin, Node clients none.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
FRONTEND_URL='*' FCB_LOG_LEVEL=warning "$bin/fcb" serve --demo --host 127.0.0.1 --port "$port" --database-url "sqlite:$tmp/fcb.sqlite" >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do
    curl -fsS --max-time 1 "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { echo "error: fcb serve exited:" >&2; cat "$tmp/serve.log" >&2; exit 1; }
    sleep 0.1
done

# The first delivery creates the contact whose room every client joins.
"$bin/fcb" replay-webhook examples/webhooks/text-hola.json --secret demo-secret --url "http://127.0.0.1:$port/webhook" --timeout 10 >/dev/null
contact=""
for _ in $(seq 50); do
    contact="$(sqlite3 "$tmp/fcb.sqlite" 'SELECT id FROM "Contact" LIMIT 1;' 2>/dev/null || true)"
    [[ -n "$contact" ]] && break
    sleep 0.1
done
[[ -n "$contact" ]] || { echo "error: no contact after the first webhook" >&2; cat "$tmp/serve.log" >&2; exit 1; }

echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), fd limit $(ulimit -n)"
echo "# server: fcb serve --demo on 127.0.0.1:$port (pid $server, SQLite in $tmp), contact $contact"
status=0
timeout 900 "$bin/fcb-bench" socketio --server "http://127.0.0.1:$port" --contact "$contact" --server-pid "$server" \
    --clients "$clients" --rounds "$rounds" --concurrency "$concurrency" || status=$?

if ! kill -0 "$server" 2>/dev/null; then echo "server: EXITED during the run"; status=1; fi
if grep -qiE 'error|critical' "$tmp/serve.log"; then
    echo "server log (warnings and errors, first 20 lines):"
    head -n 20 "$tmp/serve.log"
fi
exit "$status"
