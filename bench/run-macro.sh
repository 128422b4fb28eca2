#!/usr/bin/env bash
# gatehouse macro benchmark (issue 4). Never part of ctest or CI: it times things.
#
# Builds Release with the benchmarks into its own build directory, then, on loopback only and
# bounded in time, measures side by side in one run:
#   - wrk requests/s: GET /auth/whoami (authenticated) vs GET /health (same server) vs a bare
#     Beast "hello" responder (bench/bare_beast_hello.cpp, our ceiling);
#   - POST /auth/anonymous/s (distinct device ids) and POST /auth/session/s (Clerk JWT exchange
#     with a pool of pre-minted JWTs) vs `openssl speed rsa2048` verify/s on one core;
#   - idle WebSocket and SSE streams held and server RSS per stream, connect rate, and fan-out
#     latency of one event to 10,000 subscribers (gatehouse-load).
# Prints a summary table with ratios and the targets of issue 4; keeps the raw outputs.
#
# Usage: bench/run-macro.sh [--quick] [--repeat N] [--build-dir DIR] [--no-build] [--micro]
#                           [--results DIR] [--log-level LEVEL]
#   --quick         small counts and short runs (about a minute once built): a smoke run
#   --repeat N      wrk measurements are taken N times, interleaved, best kept (default 3; quick 1)
#   --build-dir DIR build directory (default build-bench, next to this repository's CMakeLists.txt)
#   --no-build      use the binaries already in the build directory
#   --micro         also run the Google Benchmark micro-benchmarks (gatehouse_micro_bench)
#   --results DIR   where raw outputs go (default BUILD_DIR/bench-results/DATE-TIME)
#   --log-level L   gatehouse --log-level during the HTTP runs (default info, the production
#                   default: one buffered access line per request, here written to a file)
# Environment: WRK_THREADS (default 2), WRK_CONNECTIONS (default 64), SERVER_THREADS (default 2).
# Needs root only when packages are missing (wrk, libbenchmark-dev, jq, openssl, and what
# tools/install-deps installs); it installs only those.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
quick=0
repeat=""
build_dir="$repo/build-bench"
do_build=1
micro=0
results=""
log_level=info
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --repeat) repeat=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    --no-build) do_build=0 ;;
    --micro) micro=1 ;;
    --results) results=$2; shift ;;
    --log-level) log_level=$2; shift ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-macro.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$build_dir" in /*) ;; *) build_dir="$PWD/$build_dir" ;; esac

wrk_threads=${WRK_THREADS:-2}
wrk_conns=${WRK_CONNECTIONS:-64}
server_threads=${SERVER_THREADS:-2}
if [ "$quick" = 1 ]; then
  repeat=${repeat:-1}; wrk_secs=3; jwt_pool=50
  held_streams=1000; fanout_streams=1000; fanout_events=5; hold_secs=2; openssl_secs=1
else
  repeat=${repeat:-3}; wrk_secs=10; jwt_pool=500
  held_streams=100000; fanout_streams=10000; fanout_events=20; hold_secs=5; openssl_secs=3
fi

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'run-macro.sh: %s\n' "$*" >&2; exit 1; }

# --- packages (only the missing ones, like tools/install-deps) -------------------------------
missing=""
for p in wrk libbenchmark-dev jq openssl curl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ] || [ "$do_build" = 1 ]; then
  if [ "$(id -u)" = 0 ]; then
    "$repo/tools/install-deps"
    if [ -n "$missing" ]; then
      log "installing:$missing"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      # shellcheck disable=SC2086
      apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fi
  elif [ -n "$missing" ]; then
    die "missing packages:$missing (run as root to install them)"
  fi
fi

# --- build -------------------------------------------------------------------------------------
if [ "$do_build" = 1 ]; then
  log "building Release with benchmarks in $build_dir"
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEHOUSE_BUILD_BENCH=ON >/dev/null
  cmake --build "$build_dir" --target gatehouse gatehouse-dev-issuer gatehouse-load bare_beast_hello gatehouse_micro_bench
fi
gatehouse="$build_dir/gatehouse"
issuer="$build_dir/gatehouse-dev-issuer"
loadgen="$build_dir/gatehouse-load"
hello="$build_dir/bench/bare_beast_hello"
for b in "$gatehouse" "$issuer" "$loadgen" "$hello"; do [ -x "$b" ] || die "missing $b (build first)"; done

results=${results:-"$build_dir/bench-results/$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$results"
work=$(mktemp -d /tmp/gatehouse-bench.XXXXXX)

# --- processes: every one we start is recorded and stopped on exit ----------------------------
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
  local pid
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port: nothing answers a connect to it (bash /dev/tcp).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  die "no free port found"
}

server_pid=""
server_port=""
server_dir=""
# start_server NAME [extra flags]: a fresh gatehouse on a fresh database and a free port, with
# its fd limit raised to the hard limit; ready once GET /health answers.
start_server() {
  local name=$1; shift
  server_dir="$work/$name"
  mkdir -p "$server_dir"
  for _ in 1 2 3 4 5; do
    server_port=$(free_port)
    (ulimit -n "$(ulimit -Hn)"; exec "$gatehouse" --dev --db "$server_dir/gatehouse.db" --listen "127.0.0.1:$server_port" \
       --threads "$server_threads" --session-rate-limit off --failed-auth-rate-limit off "$@") >"$server_dir/server.log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 1 100); do
      curl -s -o /dev/null "http://127.0.0.1:$server_port/health" && kill -0 "$server_pid" 2>/dev/null && return 0
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$server_pid"  # the port was taken meanwhile, or it did not come up: try another
  done
  cat "$server_dir/server.log" >&2
  die "gatehouse did not start"
}
stop_server() {
  [ -n "$server_pid" ] && stop_pid "$server_pid"
  cp "$server_dir/server.log" "$results/$(basename "$server_dir")-server.log" 2>/dev/null || true
  server_pid=""
}

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# wrk_rps NAME PID URL [wrk options...] [-- script args...]: runs wrk against the server PID,
# keeps its output, prints "requests/s failures cpu_us": failures are non-2xx answers plus a
# line per kind of socket error; cpu_us is the server's CPU time per request in microseconds,
# which the other load on the machine disturbs much less than requests/s.
wrk_rps() {
  local name=$1 pid=$2 url=$3; shift 3
  local out="$work/wrk.out" rps bad opts=() before after
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  before=$(cpu_ticks "$pid")
  timeout $(( wrk_secs + 30 )) wrk -t"$wrk_threads" -c"$wrk_conns" -d"${wrk_secs}s" --latency "${opts[@]}" "$url" "$@" \
    >"$out" 2>&1 || true
  after=$(cpu_ticks "$pid")
  cat "$out" >>"$results/wrk-$name.txt"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ {n = $NF} /Socket errors:/ {n += 1} END {print n + 0}' "$out")
  awk -v r="${rps:-0}" -v b="${bad:-0}" -v t=$(( after - before )) -v hz="$(getconf CLK_TCK)" -v s="$wrk_secs" \
    'BEGIN { printf "%s %s %.1f\n", r, b, (r > 0 ? t / hz * 1e6 / (r * s) : 0) }'
}
median() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }'; }
lowest() { printf '%s\n' $1 | sort -g | head -n1; }
best() { # best "a b c" -> the largest
  printf '%s\n' $1 | sort -g | tail -n1
}

machine() {
  echo "cores: $(nproc)   cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "kernel: $(uname -r)   compiler: $(${CXX:-g++} --version | head -n1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)   fd limit (hard): $(ulimit -Hn)"
}

log "results in $results"
machine | tee "$results/machine.txt" >&2

# --- micro-benchmarks (optional) ------------------------------------------------------------------
if [ "$micro" = 1 ]; then
  log "micro-benchmarks"
  timeout 600 "$build_dir/bench/gatehouse_micro_bench" | tee "$results/micro.txt" >&2 || true
fi

# --- openssl baseline -----------------------------------------------------------------------------
log "openssl speed -seconds $openssl_secs rsa2048 (one core)"
timeout 120 openssl speed -seconds "$openssl_secs" rsa2048 >"$results/openssl.txt" 2>&1 || true
rsa_verify=$(awk '/^rsa 2048 bits/ {print $NF}' "$results/openssl.txt" | tail -n1)
rsa_verify=${rsa_verify:-0}

# --- HTTP: whoami, health, bare hello, anonymous, session ---------------------------------------
start_server http --log-level "$log_level"
http_port=$server_port
http_pid=$server_pid
base="http://127.0.0.1:$http_port"
token=$(curl -s -X POST "$base/auth/anonymous" -H 'Content-Type: application/json' -d '{"device_id":"bench-whoami"}' \
  | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || die "could not mint a session for whoami"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/auth/whoami" -H "Authorization: Bearer $token")" = 200 ] \
  || die "whoami with the minted token did not answer 200"

log "minting $jwt_pool JWTs with gatehouse-dev-issuer"
: >"$work/jwts.txt"
for i in $(seq 1 "$jwt_pool"); do
  "$issuer" mint --key "$server_dir/gatehouse-dev-key.pem" --sub "user_bench_$i" --ttl 3600 >>"$work/jwts.txt"
done
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/auth/session" \
     -H "Authorization: Bearer $(head -n1 "$work/jwts.txt")")" = 200 ] || die "the JWT exchange did not answer 200"

hello_port=""
for _ in 1 2 3 4 5; do
  hello_port=$(free_port)
  "$hello" 127.0.0.1 "$hello_port" "$server_threads" >"$results/bare_beast_hello.log" 2>&1 &
  hello_pid=$!
  pids+=("$hello_pid")
  for _ in $(seq 1 50); do
    curl -s -o /dev/null "http://127.0.0.1:$hello_port/" && break
    kill -0 "$hello_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$hello_pid" 2>/dev/null && break
done
kill -0 "$hello_pid" 2>/dev/null || die "bare_beast_hello did not start"

whoami_all="" health_all="" hello_all="" anon_all="" session_all="" bad_all=0
round_ratios="" whoami_cpu_all="" hello_cpu_all="" health_cpu_all=""
for round in $(seq 1 "$repeat"); do
  log "wrk round $round/$repeat: ${wrk_secs}s each, $wrk_threads threads, $wrk_conns connections"
  # whoami right after the bare responder, so that each round's ratio compares like with like.
  read -r h b c < <(wrk_rps hello "$hello_pid" "http://127.0.0.1:$hello_port/"); hello_all="$hello_all $h"; hello_cpu_all="$hello_cpu_all $c"; bad_all=$((bad_all + b))
  read -r r b c < <(wrk_rps whoami "$http_pid" "$base/auth/whoami" -H "Authorization: Bearer $token"); whoami_all="$whoami_all $r"; whoami_cpu_all="$whoami_cpu_all $c"; bad_all=$((bad_all + b))
  round_ratios="$round_ratios $(awk -v a="$r" -v b="$h" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  read -r r b c < <(wrk_rps health "$http_pid" "$base/health"); health_all="$health_all $r"; health_cpu_all="$health_cpu_all $c"; bad_all=$((bad_all + b))
  read -r r b c < <(wrk_rps anonymous "$http_pid" "$base" -s "$repo/bench/wrk/anonymous.lua" -- "r$round-$$"); anon_all="$anon_all $r"; bad_all=$((bad_all + b))
  read -r r b c < <(wrk_rps session "$http_pid" "$base" -s "$repo/bench/wrk/session.lua" -- "$work/jwts.txt"); session_all="$session_all $r"; bad_all=$((bad_all + b))
done
stop_pid "$hello_pid"
stop_server
whoami=$(best "$whoami_all"); health=$(best "$health_all"); hello_rps=$(best "$hello_all")
anon=$(best "$anon_all"); session=$(best "$session_all")

# --- streams: held idle (RSS per stream, connect rate), then fan-out -----------------------------
hard=$(ulimit -Hn)
# Each stream is one descriptor in the server and one in the load tool (separate processes, so
# each has its own limit); leave room for the database, listeners and the minting clients.
held=$held_streams
if [ "$hard" != unlimited ] && [ $(( hard - 1000 )) -lt "$held" ]; then held=$(( hard - 1000 )); fi

load_run() { # NAME [gatehouse-load flags...]: against the current server, JSON report kept
  local name=$1; shift
  timeout 700 "$loadgen" --target "127.0.0.1:$server_port" --server-pid "$server_pid" \
    --json-report "$results/load-$name.json" "$@" >"$results/load-$name.txt" 2>"$results/load-$name.progress" || true
  [ -s "$results/load-$name.json" ] || echo '{}' >"$results/load-$name.json"
}
j() { jq -r "($2) // \"n/a\"" "$results/load-$1.json"; }

for kind in ws sse; do
  log "$held idle $kind streams (connect rate 0: as fast as possible), held ${hold_secs}s"
  start_server "held-$kind" --log-level warn
  load_run "held-$kind" --kind "$kind" --streams "$held" --connect-rate 0 --hold "$hold_secs" --duration 300
  stop_server
done

log "fan-out: 1 event to $fanout_streams WebSocket subscribers, $fanout_events events"
start_server fanout --log-level warn
load_run fanout --fanout --kind ws --streams "$fanout_streams" --events "$fanout_events" --connect-rate 0 \
  --fanout-timeout 10 --duration 300
stop_server

# --- summary ----------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN {
  if (v == "n/a" || v == "") { print "n/a"; exit }
  if ((dir == "ge" && v + 0 >= t + 0) || (dir == "le" && v + 0 <= t + 0)) print "met"; else print "MISSED" }'; }
fmt() { awk -v v="$1" 'BEGIN { if (v == "n/a" || v == "") print "n/a"; else printf "%.0f", v }'; }
fmt1() { awk -v v="$1" 'BEGIN { if (v == "n/a" || v == "") print "n/a"; else printf "%.1f", v }'; }

ws_open=$(j held-ws .streams.open_at_end); sse_open=$(j held-sse .streams.open_at_end)
ws_kib=$(j held-ws .memory.server_rss_per_stream_after_hold_kib); sse_kib=$(j held-sse .memory.server_rss_per_stream_after_hold_kib)
ws_rate=$(j held-ws .streams.connect_rate_per_s); sse_rate=$(j held-sse .streams.connect_rate_per_s)
ws_failed=$(j held-ws .streams.failed); sse_failed=$(j held-sse .streams.failed)
fan_subs=$(j fanout .fanout.subscribers); fan_events=$(j fanout .fanout.events)
fan_p50=$(j fanout .events.delivery_latency.p50_ms); fan_p99=$(j fanout .events.delivery_latency.p99_ms)
fan_max=$(j fanout .events.delivery_latency.max_ms); fan_missing=$(j fanout .fanout.missing_deliveries)
health_ratio=$(ratio "$health" "$hello_rps")
if [ "$ws_open" != n/a ] && [ "$ws_open" -ge 100000 ]; then held_verdict=met
elif [ "$quick" = 1 ]; then held_verdict="not tried (--quick)"
else held_verdict="MISSED (fd limit $hard)"; fi
# whoami against bare: the median of the per-round ratios (runs next to each other in time),
# which is steadier on a busy machine than the ratio of the two best runs.
whoami_ratio=$(median "$round_ratios")
whoami_cpu=$(lowest "$whoami_cpu_all"); hello_cpu=$(lowest "$hello_cpu_all"); health_cpu=$(lowest "$health_cpu_all")
anon_ratio=$(ratio "$anon" 20000); exchange_ratio=$(ratio "$session" "$rsa_verify")

{
  echo
  echo "gatehouse macro benchmark  ($( [ "$quick" = 1 ] && echo quick || echo full ); wrk: best of $repeat, ${wrk_secs}s, -t$wrk_threads -c$wrk_conns; server --threads $server_threads)"
  machine
  echo "client and server share the same cores (loopback): each gets roughly half of what it would alone"
  echo
  printf '%-44s %14s %-30s %s\n' "measure" "value" "ratio" "target"
  printf '%-44s %14s %-30s %s\n' "GET /auth/whoami (authenticated), req/s" "$(fmt "$whoami")" "$whoami_ratio x bare (median/round)" "≥ 0.9x bare: $(verdict "$whoami_ratio" 0.9 ge)"
  printf '%-44s %14s %-30s %s\n' "GET /health, req/s" "$(fmt "$health")" "$health_ratio x bare (best/best)" ""
  printf '%-44s %14s %-30s %s\n' "bare Beast hello, req/s" "$(fmt "$hello_rps")" "1.00" ""
  printf '%-44s %14s %-30s %s\n' "server CPU per request, µs: whoami" "$whoami_cpu" "$(ratio "$whoami_cpu" "$hello_cpu") x bare's CPU/request" ""
  printf '%-44s %14s %-30s %s\n' "  health / bare Beast hello" "$health_cpu / $hello_cpu" "" ""
  printf '%-44s %14s %-30s %s\n' "POST /auth/anonymous (durable), /s" "$(fmt "$anon")" "$anon_ratio x 20,000/s" "≥ 20,000/s: $(verdict "$anon" 20000 ge)"
  printf '%-44s %14s %-30s %s\n' "POST /auth/session (JWT exchange), /s" "$(fmt "$session")" "$exchange_ratio x rsa2048 verify" "≥ 0.5x verify: $(verdict "$exchange_ratio" 0.5 ge)"
  printf '%-44s %14s %-30s %s\n' "openssl rsa2048 verify/s (one core)" "$(fmt "$rsa_verify")" "" ""
  printf '%-44s %14s %-30s %s\n' "idle WS streams held (requested $held)" "$ws_open" "failed $ws_failed" "100,000: $held_verdict"
  printf '%-44s %14s %-30s %s\n' "  server RSS per idle WS stream, KiB" "$(fmt1 "$ws_kib")" "" "≤ 10 KiB: $(verdict "$ws_kib" 10 le)"
  printf '%-44s %14s %-30s %s\n' "idle SSE streams held (requested $held)" "$sse_open" "failed $sse_failed" ""
  printf '%-44s %14s %-30s %s\n' "  server RSS per idle SSE stream, KiB" "$(fmt1 "$sse_kib")" "" "≤ 10 KiB: $(verdict "$sse_kib" 10 le)"
  printf '%-44s %14s %-30s %s\n' "WS connects/s (--connect-rate 0)" "$(fmt "$ws_rate")" "" "≥ 10,000/s: $(verdict "$ws_rate" 10000 ge)"
  printf '%-44s %14s %-30s %s\n' "SSE connects/s (--connect-rate 0)" "$(fmt "$sse_rate")" "" ""
  printf '%-44s %14s %-30s %s\n' "fan-out to $fan_subs WS subscribers, p50 ms" "$(fmt1 "$fan_p50")" "$fan_events events" ""
  printf '%-44s %14s %-30s %s\n' "fan-out p99 ms (max $(fmt1 "$fan_max"))" "$(fmt1 "$fan_p99")" "missing $fan_missing" "≤ 100 ms: $(verdict "$fan_p99" 100 le)"
  [ "$bad_all" = 0 ] || echo "warning: $bad_all non-2xx answers during the wrk runs (see $results/wrk-*.txt)"
  echo
  echo "all wrk runs (req/s): whoami$whoami_all | health$health_all | hello$hello_all | anonymous$anon_all | session$session_all"
  echo "whoami/bare per round:$round_ratios; server CPU µs/request: whoami$whoami_cpu_all | health$health_cpu_all | hello$hello_cpu_all"
  echo "raw outputs: $results"
} | tee "$results/summary.txt"
