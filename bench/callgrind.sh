#!/usr/bin/env bash
# Instructions per request under valgrind --tool=callgrind (BENCHMARKS.md,
# "Issue 14"): stable to a few per cent run to run, so two builds can be
# compared on a shared machine.
#
#   bench/callgrind.sh prepare BIN   once: $CG/small.db (demo --scale small,
#                                    reevaluate twice), a token and password
#                                    for practitioner.00001, WAL checkpointed
#   bench/callgrind.sh BIN REQUEST RUN
#       REQUEST = queue | casepage | note | casepage50 (needs CASE50=<case id>)
#
# Each run copies small.db, starts BIN under callgrind (kept caseload rows
# off, so every queue read goes to the database), warms up, zeroes the
# counters, sends N (50) requests on one keep-alive connection, dumps, then
# measures an idle window as long as the requests took and subtracts it.
# Prints: bin request run total idle n secs per_req raw_per_req case.
set -euo pipefail
CG=${CG:-target/callgrind}
mkdir -p "$CG"; CG=$(cd "$CG" && pwd)
if [ "$1" = prepare ]; then
  BIN=$(realpath "$2"); cd "$CG"; export CASELOAD_LOG=warn
  DB=sqlite:$CG/small.db WHO=practitioner.00001@demo.caseload.invalid
  rm -f small.db small.db-wal small.db-shm small.db-audit
  "$BIN" --database "$DB" demo --scale small
  "$BIN" --database "$DB" reevaluate
  "$BIN" --database "$DB" reevaluate
  # The password first: since issue 15, setting one revokes the user's tokens.
  echo 'bench-password-not-secret-2026' > password.txt
  "$BIN" --database "$DB" user passwd --email $WHO --password-stdin < password.txt
  # (builds before API token names took no --name)
  "$BIN" --database "$DB" token create --email $WHO --name callgrind > token.txt \
    || "$BIN" --database "$DB" token create --email $WHO > token.txt
  # Debian 12's sqlite3 (3.40) cannot parse one trigger of the schema;
  # writable_schema lets it checkpoint all the same.
  sqlite3 small.db 'pragma writable_schema=ON; pragma wal_checkpoint(TRUNCATE);'
  exit 0
fi
BIN=$(realpath "$1") REQ=$2 RUN=$3
BUILD=$(basename "$BIN")
N=${N:-50} WARM=${WARM:-5} PORT=${PORT:-18181}
WHO=practitioner.00001@demo.caseload.invalid
TOKEN=$(cat $CG/token.txt)
PASSWORD=$(cat $CG/password.txt)
RUNDIR=$CG/runs/$BUILD-$REQ-$RUN
rm -rf "$RUNDIR"; mkdir -p "$RUNDIR"
DB=$RUNDIR/db.sqlite
cp $CG/small.db "$DB"          # fresh copy of the checkpointed master (no -wal/-shm)
BASE=http://127.0.0.1:$PORT
export CASELOAD_LOG=warn       # as the bench does: no per-request log lines
cd "$RUNDIR"                   # no caseload.toml here (the after build would read one)

valgrind --tool=callgrind --callgrind-out-file=$RUNDIR/out.%p \
  $BIN --database sqlite:$DB serve --listen 127.0.0.1:$PORT \
  --reevaluate-every-minutes 0 --kept-caseload-rows 0 \
  >"$RUNDIR/server.out" 2>"$RUNDIR/server.err" &
VPID=$!
trap 'kill $VPID 2>/dev/null || true' EXIT
for i in $(seq 1 600); do
  curl -sf -o /dev/null $BASE/api/v1/health && break
  sleep 0.5
done
curl -sf -o /dev/null $BASE/api/v1/health

# The practitioner's first queued case (the API's queue order).
CASE=$(curl -sf -H "authorization: Bearer $TOKEN" $BASE/api/v1/caseload |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["case"]["id"])')
# Extra (casepage50): the bench's case page, the practitioner's case with 50 notes
# (SELECT ... HAVING COUNT(*) >= 50 ORDER BY COUNT(*), case_id LIMIT 1, as crates/bench does).
CASE50=${CASE50:-}
# A session cookie (the page route needs one).
COOKIE=$(curl -s -o /dev/null -D - -X POST \
  -H 'content-type: application/x-www-form-urlencoded' \
  --data-urlencode "email=$WHO" --data-urlencode "password=$PASSWORD" \
  $BASE/sign-in | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/p' | head -1)
[ -n "$COOKIE" ] || { echo "no session cookie" >&2; exit 1; }

# One curl process per batch, one keep-alive connection, the same for both builds.
OCC=$(date -u -d '5 minutes ago' +%Y-%m-%dT%H:%M:%SZ)
BODY=$RUNDIR/note.json
cat >"$BODY" <<EOF
{"kind":"phone","occurred_at":"$OCC","sections":{"situation":"Benchmark call: client rang about the letter from the council.","action":"Explained the letter and agreed to write back on the client's behalf.","result":"Client is reassured; follow-up set for next week."}}
EOF
batch() { # batch COUNT -> prints the status codes, one a line
  local cfg=$RUNDIR/curl.cfg
  case $REQ in
    queue)    printf 'header = "authorization: Bearer %s"\n' "$TOKEN" >"$cfg"; URL=$BASE/api/v1/caseload ;;
    casepage) printf 'header = "cookie: %s"\n' "$COOKIE" >"$cfg"; URL=$BASE/cases/$CASE ;;
    casepage50) printf 'header = "cookie: %s"\n' "$COOKIE" >"$cfg"; URL=$BASE/cases/$CASE50 ;;
    note)     printf 'header = "authorization: Bearer %s"\nheader = "content-type: application/json"\ndata-binary = "@%s"\n' "$TOKEN" "$BODY" >"$cfg"; URL=$BASE/api/v1/cases/$CASE/notes ;;
  esac
  for i in $(seq 1 "$1"); do printf 'url = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' "$URL" >>"$cfg"; done
  curl -s -K "$cfg"
}
want=200; [ $REQ = note ] && want=201
check() { local bad; bad=$(grep -vc "^$want\$" || true); [ "$bad" = 0 ] || { echo "$bad requests not $want" >&2; exit 1; }; }

batch $WARM | check
sleep 1
dumps() { ls $RUNDIR/out.$VPID.* 2>/dev/null | wc -l; }
callgrind_control --zero $VPID >/dev/null 2>&1
t0=$(date +%s.%N)
batch $N | check
t1=$(date +%s.%N)
sleep 1                       # let anything the requests set off finish
callgrind_control --dump=measured $VPID >/dev/null 2>&1
MEASURED=$(ls -t $RUNDIR/out.$VPID.* | head -1)
# Control: zero, no requests for as long as the measurement took (+1 s), dump.
callgrind_control --zero $VPID >/dev/null 2>&1
sleep $(python3 -c "print(round($t1-$t0+1,2))")
callgrind_control --dump=idle $VPID >/dev/null 2>&1
IDLE=$(ls -t $RUNDIR/out.$VPID.* | head -1)
[ "$MEASURED" != "$IDLE" ]
tot() { grep -m1 -E '^(totals|summary):' "$1" | awk '{print $2}'; }
T=$(tot "$MEASURED"); I=$(tot "$IDLE")
kill $VPID; wait $VPID 2>/dev/null || true
trap - EXIT
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-audit"
echo "$BUILD $REQ $RUN total=$T idle=$I n=$N secs=$(python3 -c "print(round($t1-$t0,1))") per_req=$(( (T - I) / N )) raw_per_req=$(( T / N )) case=$( [ $REQ = casepage50 ] && echo $CASE50 || echo $CASE )"
