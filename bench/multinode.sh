#!/usr/bin/env bash
# The scale-out benchmark (issue 17). Never part of ctest or CI: it times things.
#
# The same four measurements in one run, for three deployments on this machine:
#   sqlite  one node on its SQLite file (the default);
#   pg1     one node on PostgreSQL;
#   pg3     three nodes on one PostgreSQL (wrk runs against all three at once, the figures are
#           their sum; gatehouse-load spreads its streams over the three).
# Measurements: GET /auth/whoami/s (authenticated), POST /auth/anonymous/s (a new principal and
# session each), POST /auth/session/s (Clerk JWT exchange, a pool of pre-minted JWTs), and the
# fan-out of one event to 10,000 WebSocket subscribers (p50/p99 until the last subscriber has it).
# Everything runs on loopback, bounded in time; every process it starts is stopped on exit.
# PostgreSQL is a throwaway cluster (tests/postgres/cluster) with fsync ON, as in production.
#
# Usage: bench/multinode.sh [--build-dir DIR] [--quick] [--results DIR]
#   --build-dir DIR  a Release build with gatehouse, gatehouse-dev-issuer and gatehouse-load
#                    (default build-bench: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
#                    -DGATEHOUSE_BUILD_BENCH=ON && cmake --build build-bench)
#   --quick          1,000 subscribers and 3-second wrk runs: a smoke run
#   --results DIR    raw outputs (default BUILD_DIR/bench-results/multinode-DATE-TIME)
#   --only SETUP     one of sqlite, pg1, pg3 (repeat for several; default all three)
# Environment: WRK_CONNECTIONS (64 in all, split over the targets), SERVER_THREADS (2),
#   DB_CONNECTIONS (--db-connections of each node on PostgreSQL; default the server's, 2),
#   WRK_SECONDS (each wrk run's length; 10, or 3 with --quick).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$repo/build-bench"
quick=0
results=""
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=$2; shift ;;
    --quick) quick=1 ;;
    --results) results=$2; shift ;;
    --only) case "$2" in sqlite|pg1|pg3) only+=("$2") ;; *) echo "multinode.sh: --only takes sqlite, pg1 or pg3" >&2; exit 2 ;; esac; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "multinode.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$build_dir" in /*) ;; *) build_dir="$PWD/$build_dir" ;; esac
gatehouse="$build_dir/gatehouse"
issuer="$build_dir/gatehouse-dev-issuer"
loadgen="$build_dir/gatehouse-load"
for b in "$gatehouse" "$issuer" "$loadgen"; do [ -x "$b" ] || { echo "missing $b (build first, see --help)" >&2; exit 1; }; done
for t in wrk jq curl psql; do command -v "$t" >/dev/null || { echo "needs $t (apt-get install wrk jq curl postgresql-client)" >&2; exit 1; }; done

conns=${WRK_CONNECTIONS:-64}
server_threads=${SERVER_THREADS:-2}
db_connections=${DB_CONNECTIONS:-2}
if [ "$quick" = 1 ]; then wrk_secs=3; subscribers=1000; events=5; jwt_pool=50; else wrk_secs=10; subscribers=10000; events=20; jwt_pool=500; fi
wrk_secs=${WRK_SECONDS:-$wrk_secs}
results=${results:-"$build_dir/bench-results/multinode-$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$results"
work=$(mktemp -d /tmp/gatehouse-multinode.XXXXXX)
chmod 755 "$work"
log() { printf '== %s\n' "$*" >&2; }

pids=()
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  if [ "$status" != 0 ]; then  # keep what the servers said
    for f in "$work"/*/server.log; do [ -f "$f" ] && cp "$f" "$results/$(basename "$(dirname "$f")").log"; done
    echo "multinode.sh failed (exit $status); server logs in $results" >&2
  fi
  "$repo/tests/postgres/cluster" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port" >&2; exit 1
}

log "PostgreSQL (throwaway cluster, fsync on)"
GATEHOUSE_CLUSTER_FSYNC=on "$repo/tests/postgres/cluster" start "$work/pg" >&2
pg_server=$(cat "$work/pg/uri")
"$issuer" keygen --key "$work/key.pem" --jwks "$work/jwks.json" >/dev/null
for i in $(seq 1 "$jwt_pool"); do
  "$issuer" mint --key "$work/key.pem" --sub "user_bench_$i" --ttl 3600
done >"$work/jwts.txt"

ports=()
node_pids=()
# start_nodes NAME N DB: N nodes on DB (a file path, or a database name on the cluster).
start_nodes() {
  local name=$1 n=$2 db=$3 i port dir
  ports=(); node_pids=()
  for i in $(seq 0 $(( n - 1 ))); do
    dir="$work/$name-n$i"; mkdir -p "$dir"
    port=$(free_port)
    (cd "$dir" && ulimit -n "$(ulimit -Hn)" && exec "$gatehouse" --db "$db" --listen "127.0.0.1:$port" --node-id "n$i" \
      --jwks-url "file://$work/jwks.json" --secrets-key "$work/secrets.key" --threads "$server_threads" \
      --db-connections "$db_connections" --session-rate-limit off --failed-auth-rate-limit off --log-level warn) >"$dir/server.log" 2>&1 &
    node_pids+=("$!"); pids+=("$!"); ports+=("$port")
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
  done
}
stop_nodes() { for pid in "${node_pids[@]}"; do stop_pid "$pid"; done; }

# wrk_all NAME PATH [wrk options...] [-- script args]: one wrk per node at once, the connections
# split between them; prints the sum of their requests/s. A script gets the target's index after
# its own arguments, so that the nodes are not sent the same devices or users in the same order
# at the same moment (a race no real client mix makes, and one that deadlocks their commits).
wrk_all() {
  local name=$1 path=$2; shift 2
  local per=$(( conns / ${#ports[@]} )) wrk_pids=() k=0 port opts=() script_args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift && script_args=("$@")
  for port in "${ports[@]}"; do
    timeout $(( wrk_secs + 30 )) wrk -t1 -c"$per" -d"${wrk_secs}s" "${opts[@]}" "http://127.0.0.1:$port$path" \
      ${script_args[@]+"${script_args[@]}" "$k"} >"$results/$name-$k.txt" 2>&1 &
    wrk_pids+=("$!"); k=$(( k + 1 ))
  done
  for pid in "${wrk_pids[@]}"; do wait "$pid" || true; done
  cat "$results/$name"-*.txt | awk '/^Requests\/sec:/ {s += $2} END {printf "%.0f", s}'
}

measure() { # NAME N DB
  local name=$1 n=$2 db=$3 token targets=() port
  log "$name: $n node(s) on $db"
  start_nodes "$name" "$n" "$db"
  token=$(curl -s -X POST "http://127.0.0.1:${ports[0]}/auth/anonymous" -d '{"device_id":"bench-whoami"}' | jq -r .token)
  local whoami anon exchange
  whoami=$(wrk_all "$name-whoami" /auth/whoami -H "Authorization: Bearer $token")
  anon=$(wrk_all "$name-anonymous" "" -s "$repo/bench/wrk/anonymous.lua" -- "$name-$RANDOM")
  # The exchange measured is a returning user's: each user of the pool signs in once first. Three
  # nodes sent the same new users at the same moment insert the same principals in different
  # orders from their group commits, and PostgreSQL resolves each such deadlock only after its
  # deadlock_timeout (1 s): a start-up race of the benchmark, not the steady state it measures.
  xargs -P4 -I{} curl -s -o /dev/null -X POST -H "Authorization: Bearer {}" "http://127.0.0.1:${ports[0]}/auth/session" \
    <"$work/jwts.txt"
  exchange=$(wrk_all "$name-exchange" "" -s "$repo/bench/wrk/session.lua" -- "$work/jwts.txt")
  for port in "${ports[@]}"; do targets+=(--target "127.0.0.1:$port"); done
  timeout 700 "$loadgen" "${targets[@]}" --fanout --kind ws --streams "$subscribers" --events "$events" \
    --connect-rate 0 --fanout-timeout 10 --duration 300 --json-report "$results/$name-fanout.json" \
    >"$results/$name-fanout.txt" 2>"$results/$name-fanout.progress" || true
  stop_nodes
  local p50 p99 missing
  p50=$(jq -r '.fanout.complete_latency.p50_ms // "n/a"' "$results/$name-fanout.json" 2>/dev/null || echo n/a)
  p99=$(jq -r '.fanout.complete_latency.p99_ms // "n/a"' "$results/$name-fanout.json" 2>/dev/null || echo n/a)
  missing=$(jq -r '.fanout.missing_deliveries // "n/a"' "$results/$name-fanout.json" 2>/dev/null || echo n/a)
  echo "$name $whoami $anon $exchange $p50 $p99 $missing" >>"$results/summary.txt"
}

: >"$results/summary.txt"
selected() { [ ${#only[@]} = 0 ] || [[ " ${only[*]} " == *" $1 "* ]]; }
if selected sqlite; then
  mkdir -p "$work/sqlite"
  measure sqlite 1 "$work/sqlite/gatehouse.db"
fi
if selected pg1; then
  psql "$pg_server" -qc "CREATE DATABASE bench_one" >/dev/null
  measure pg1 1 "${pg_server/\/postgres?/\/bench_one?}"
fi
if selected pg3; then
  psql "$pg_server" -qc "CREATE DATABASE bench_three" >/dev/null
  measure pg3 3 "${pg_server/\/postgres?/\/bench_three?}"
fi

{
  echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), load at end $(cut -d' ' -f1-3 /proc/loadavg); $server_threads network threads and $db_connections database connections per PostgreSQL node"
  printf '%-8s %12s %14s %14s %12s %12s %8s\n' setup "whoami/s" "anonymous/s" "exchange/s" "fanout p50" "fanout p99" missing
  base_w=""; base_a=""; base_e=""
  while read -r name w a e p50 p99 miss; do
    printf '%-8s %12s %14s %14s %10s ms %9s ms %8s\n' "$name" "$w" "$a" "$e" "$(printf '%.1f' "$p50" 2>/dev/null || echo "$p50")" \
      "$(printf '%.1f' "$p99" 2>/dev/null || echo "$p99")" "$miss"
    if [ -z "$base_w" ]; then base_w=$w; base_a=$a; base_e=$e; fi
  done <"$results/summary.txt"
  echo "ratios to the first row (whoami / anonymous / exchange):"
  while read -r name w a e _; do
    awk -v n="$name" -v w="$w" -v a="$a" -v e="$e" -v bw="$base_w" -v ba="$base_a" -v be="$base_e" \
      'BEGIN { printf "  %-8s %.2f / %.2f / %.2f\n", n, w / bw, a / ba, e / be }'
  done <"$results/summary.txt"
} | tee "$results/table.txt"
