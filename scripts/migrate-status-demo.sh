#!/usr/bin/env bash
# Walks fcb migrate-status through every state of docs/migrations.md#fcb-migrate-status on a
# throwaway PostgreSQL and prints the session (docs/migrate-status-session.txt is this script's
# output).
# Usage: scripts/with-postgres scripts/migrate-status-demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${FCB_TEST_POSTGRES_URL:?run me under scripts/with-postgres}"
FCB="${FCB:-$(swift build --show-bin-path)/fcb}"
base="${FCB_TEST_POSTGRES_URL%%\?*}"; base="${base%/*}"
db="fcb_demo_$$"
psql -q "$FCB_TEST_POSTGRES_URL" -c "CREATE DATABASE $db"
export DATABASE_URL="$base/$db?sslmode=disable"
work="$(mktemp -d)"; trap 'rm -rf "$work"; psql -q "$FCB_TEST_POSTGRES_URL" -c "DROP DATABASE $db WITH (FORCE)"' EXIT
run() { echo "\$ $*" | sed "s|$work|/tmp/demo|g; s|$FCB|fcb|"; "$@" 2>&1 | sed "s|$work|/tmp/demo|g; s|$DATABASE_URL|\$DATABASE_URL|g" || echo "(exit $?)"; echo; }
sql() { psql -q "$DATABASE_URL" -c "$1"; echo "\$ psql -c \"$1\""; echo; }

echo "## 1. A fresh database (not managed by Prisma, empty)"; run "$FCB" migrate-status
echo "## 2. Deploy, then in sync"; run "$FCB" migrate-deploy; run "$FCB" migrate-status
echo "## 3. One pending"
cp -r prisma/migrations "$work/pending"; mkdir "$work/pending/20260201000000_add_contact_locale"
printf 'ALTER TABLE "Contact" ADD COLUMN "locale" TEXT;\n' > "$work/pending/20260201000000_add_contact_locale/migration.sql"
run "$FCB" migrate-status --migrations "$work/pending"
echo "## 4. One edited after it was applied"
cp -r prisma/migrations "$work/edited"; printf '\n-- a comment added later\n' >> "$work/edited/20251201000000_complete_shared_schema/migration.sql"
run "$FCB" migrate-status --migrations "$work/edited"
echo "## 5. One failed"
cp -r prisma/migrations "$work/failed"; mkdir "$work/failed/20260201000000_broken"
printf 'ALTER TABLE "Nope" ADD COLUMN "x" TEXT;\n' > "$work/failed/20260201000000_broken/migration.sql"
run "$FCB" migrate-deploy --migrations "$work/failed"
run "$FCB" migrate-status --migrations "$work/failed"
echo "## 6. The failed one marked rolled back (prisma migrate resolve --rolled-back)"
sql "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '20260201000000_broken'"
run "$FCB" migrate-status --migrations "$work/failed"
echo "## 7. Diverged: the database has a migration this folder lacks, and the folder one the database lacks"
rm -rf "$work/pending/20260201000000_add_contact_locale"; rm -rf "$work/diverged"; cp -r prisma/migrations "$work/diverged"
rm -rf "$work/diverged/20251201000000_complete_shared_schema"; mkdir "$work/diverged/20251202000000_other_branch"
printf 'SELECT 1;\n' > "$work/diverged/20251202000000_other_branch/migration.sql"
run "$FCB" migrate-status --migrations "$work/diverged"
echo "## 8. --json (in sync)"; run "$FCB" migrate-status --json
