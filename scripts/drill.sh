#!/usr/bin/env bash
# Restore drill (handbook §13): build a database of DRILL_ROWS deals (transactions), dump it
# with pg_dump, restore it into a fresh database with pg_restore, and prove the copy is exact:
# the row count and a checksum of every table match. Prints each figure with its target and
# PASS/MISS; exits non-zero on any mismatch. `make drill` runs 1,000,000 rows; CI runs a
# small set (DRILL_ROWS=20000) to keep the gate fast.
#
# Uses DATABASE_URL's server (or the private Postgres of `propertypro db url`); it creates and
# drops its own two databases there and never touches the application's database.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${DRILL_ROWS:-1000000}
TARGET_RESTORE_S=${DRILL_TARGET_RESTORE_S:-300}   # RTO of the handbook's DR plan for the database: 5 minutes locally
JOBS=${DRILL_JOBS:-2}
PP=${PROPERTYPRO:-}
if [ -z "$PP" ]; then
  PP=$(mktemp -d)/propertypro
  go build -o "$PP" ./cmd/propertypro
fi
BASE_URL=${DATABASE_URL:-$("$PP" db url)}
SRC=drill_src_$$
DST=drill_dst_$$
WORK=$(mktemp -d)

url_for() { # url_for DBNAME: BASE_URL with its database replaced
  python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$BASE_URL" "$1"
}
admin() { psql "$BASE_URL" -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
cleanup() {
  admin "DROP DATABASE IF EXISTS $SRC WITH (FORCE)" >/dev/null 2>&1 || true
  admin "DROP DATABASE IF EXISTS $DST WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

admin "CREATE DATABASE $SRC"
admin "CREATE DATABASE $DST"
SRC_URL=$(url_for $SRC)
DST_URL=$(url_for $DST)

echo "• migrating the source database"
DATABASE_URL=$SRC_URL "$PP" migrate up >/dev/null 2>&1

echo "• generating $ROWS deals"
t=$(now)
psql "$SRC_URL" -qX -v ON_ERROR_STOP=1 -v rows="$ROWS" <<'SQL'
INSERT INTO brokerages (name) VALUES ('Drill Realty');
INSERT INTO deals (brokerage_id, kind, stage, price_aed, commission_rate, commission_aed, vat_aed, payments, parties, created_at)
SELECT b.id, (ARRAY['sale','rent','off_plan'])[1 + i % 3], (ARRAY['offer','negotiation','closed_won'])[1 + i % 3],
       500000 + (i::bigint * 7919) % 20000000, 0.02, (500000 + (i::bigint * 7919) % 20000000) * 0.02, (500000 + (i::bigint * 7919) % 20000000) * 0.001,
       jsonb_build_array(jsonb_build_object('method', 'bank_transfer', 'amount_aed', i)),
       jsonb_build_object('buyer', 'Buyer ' || i), now() - make_interval(mins => i)
FROM generate_series(1, :rows) AS i, (SELECT id FROM brokerages WHERE name = 'Drill Realty') AS b;
ANALYZE;
SQL
GEN_S=$(since "$t")

echo "• pg_dump (directory format, $JOBS jobs)"
t=$(now)
pg_dump --format=directory --jobs="$JOBS" --no-owner --file="$WORK/dump" "$SRC_URL"
DUMP_S=$(since "$t")
DUMP_MB=$(du -sm "$WORK/dump" | cut -f1)

echo "• pg_restore into a fresh database"
t=$(now)
pg_restore --jobs="$JOBS" --no-owner --exit-on-error --dbname="$DST_URL" "$WORK/dump"
RESTORE_S=$(since "$t")

echo "• verifying row counts and checksums of every table"
# One line per table: name, row count, md5 over the sorted md5 of every row's text.
checksums() {
  psql "$1" -qtAX -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN CREATE TEMP TABLE drill_sums (t text, n bigint, sum text); END $$;
DO $$
DECLARE r record; n bigint; s text;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename LOOP
    EXECUTE format('SELECT count(*), md5(coalesce(string_agg(h, '''' ORDER BY h), '''')) FROM (SELECT md5(x::text) AS h FROM %I x) q', r.tablename) INTO n, s;
    INSERT INTO drill_sums VALUES (r.tablename, n, s);
  END LOOP;
END $$;
SELECT t || ' ' || n || ' ' || sum FROM drill_sums ORDER BY t;
SQL
}
checksums "$SRC_URL" > "$WORK/src.txt"
checksums "$DST_URL" > "$WORK/dst.txt"
TABLES=$(wc -l < "$WORK/src.txt")
DEALS=$(awk '$1 == "deals" {print $2}' "$WORK/dst.txt")

status=0
if diff -u "$WORK/src.txt" "$WORK/dst.txt"; then
  verdict=PASS
else
  verdict=MISS; status=1
fi
fig() { # fig NAME VALUE TARGET OK
  printf '%-38s %12s   target %-14s %s\n' "$1" "$2" "$3" "$4"
}
ok() { python3 -c "import sys; print('PASS' if float(sys.argv[1]) <= float(sys.argv[2]) else 'MISS')" "$1" "$2"; }
echo
echo "Restore drill: $ROWS transactions (deals), $TABLES tables, dump $DUMP_MB MB"
fig "generate" "${GEN_S}s" "-" "-"
fig "pg_dump" "${DUMP_S}s" "-" "-"
fig "time to restore (pg_restore)" "${RESTORE_S}s" "<= ${TARGET_RESTORE_S}s" "$(ok "$RESTORE_S" "$TARGET_RESTORE_S")"
fig "deals restored" "$DEALS" "= $ROWS" "$([ "$DEALS" = "$ROWS" ] && echo PASS || echo MISS)"
fig "tables with equal count and checksum" "$TABLES/$TABLES" "all" "$verdict"
[ "$DEALS" = "$ROWS" ] || status=1
[ "$(ok "$RESTORE_S" "$TARGET_RESTORE_S")" = PASS ] || status=1
exit $status
