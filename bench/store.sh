#!/usr/bin/env bash
# The inbox's durable write rate on SQLite and PostgreSQL (the webhook ack path), with
# PostgreSQL's own raw INSERT+COMMIT rate from pgbench beside it, in one run.
# Usage: bench/store.sh [ITEMS]   (starts a throwaway PostgreSQL through scripts/with-postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
items="${1:-2000}"
swift build -c release --product fcb-bench >/dev/null
bin="$(swift build -c release --show-bin-path)"
scripts/with-postgres bash -c '
    set -euo pipefail
    base="${FCB_TEST_POSTGRES_URL%%\?*}"; base="${base%/*}"
    psql -q "$FCB_TEST_POSTGRES_URL" -c "CREATE DATABASE fcb_bench"
    FCB_BENCH_POSTGRES_URL="$base/fcb_bench?sslmode=disable" "'"$bin"'/fcb-bench" store '"$items"'
    psql -q "$base/fcb_bench" -c "CREATE TABLE raw_inbox (id bigserial primary key, payload jsonb not null)"
    echo "INSERT INTO raw_inbox (payload) VALUES ('"'"'{\"text\": \"hola\", \"n\": 1}'"'"');" > /tmp/fcb-pgbench.sql
    for clients in 1 16; do
        tps=$(pgbench -n -c $clients -j 2 -t $(( '"$items"' / clients )) -f /tmp/fcb-pgbench.sql "$base/fcb_bench" 2>/dev/null | awk "/^tps/ {print int(\$3)}")
        echo "  pgbench raw INSERT+COMMIT, $clients client(s): $tps/s"
    done
'
