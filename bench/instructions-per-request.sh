#!/usr/bin/env bash
# User-space instructions per request, counted by callgrind: GET /auth/whoami and GET /health on
# gatehouse against the bare Beast responder (bench/bare_beast_hello.cpp). Unlike requests/s,
# the count does not move when the machine is busy, so it shows what a change to the hot path
# costs or saves even on a shared 2-core box. The kernel's share (loopback TCP) is not counted:
# it is the same for all three. Never part of ctest or CI.
#
# Usage: bench/instructions-per-request.sh [--build-dir DIR] [--requests N] [--log-level LEVEL]
#   --build-dir DIR  a build with the benchmarks (default build-bench, as bench/run-macro.sh makes;
#                    build it first: bench/run-macro.sh --quick, or cmake -DGATEHOUSE_BUILD_BENCH=ON)
#   --requests N     requests per measurement, on one keep-alive connection (default 500)
#   --log-level L    gatehouse --log-level (default info, the production default)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$repo/build-bench"
requests=500
log_level=info
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=$2; shift ;;
    --requests) requests=$2; shift ;;
    --log-level) log_level=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "instructions-per-request.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
gatehouse="$build_dir/gatehouse"
hello="$build_dir/bench/bare_beast_hello"
for b in "$gatehouse" "$hello"; do [ -x "$b" ] || { echo "missing $b (build first, see --help)" >&2; exit 1; }; done

work=$(mktemp -d /tmp/gatehouse-instr.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# measure NAME PATH PORT -- COMMAND...: prints instructions per request of PATH under callgrind.
measure() {
  local name=$1 path=$2 port=$3; shift 4
  valgrind --tool=callgrind --callgrind-out-file="$work/$name.%p" "$@" >"$work/$name.log" 2>&1 &
  pid=$!
  local up=0
  for _ in $(seq 1 600); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/health"; then up=1; break; fi
    sleep 0.1
  done
  [ "$up" = 1 ] || { echo "$name did not start (see $work/$name.log)" >&2; exit 1; }
  local token=""
  token=$(curl -s -X POST "http://127.0.0.1:$port/auth/anonymous" -H 'Content-Type: application/json' \
            -d '{"device_id":"bench-instructions"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  local urls=()
  for _ in $(seq 1 "$requests"); do urls+=("http://127.0.0.1:$port$path"); done
  # Warm up (first-use allocations, lazy statics), then count exactly $requests requests.
  curl -s -H "Authorization: Bearer $token" "${urls[@]:0:50}" >/dev/null
  callgrind_control -z "$pid" >/dev/null 2>&1
  curl -s -H "Authorization: Bearer $token" "${urls[@]}" >/dev/null
  callgrind_control -d "$pid" >/dev/null 2>&1
  local file=""
  for _ in $(seq 1 100); do
    file=$(ls -t "$work/$name".*.[0-9]* 2>/dev/null | head -n1 || true)
    [ -n "$file" ] && grep -q '^totals:\|^summary:' "$file" && break
    sleep 0.1
  done
  local total
  total=$(grep -m1 '^totals:\|^summary:' "$file" | awk '{print $2}')
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  echo $(( total / requests ))
}

p=$(free_port)
whoami=$(measure whoami /auth/whoami "$p" -- "$gatehouse" --dev --db "$work/w.db" --listen "127.0.0.1:$p" --threads 1 \
  --session-rate-limit off --failed-auth-rate-limit off --log-level "$log_level")
p=$(free_port)
health=$(measure health /health "$p" -- "$gatehouse" --dev --db "$work/h.db" --listen "127.0.0.1:$p" --threads 1 \
  --session-rate-limit off --failed-auth-rate-limit off --log-level "$log_level")
p=$(free_port)
bare=$(measure bare /hello "$p" -- "$hello" 127.0.0.1 "$p" 1)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "user-space instructions per request (callgrind, $requests requests on one keep-alive connection, gatehouse --log-level $log_level)"
printf '  %-34s %8s  %s\n' "GET /auth/whoami (authenticated)" "$whoami" "$(ratio "$whoami" "$bare") x bare"
printf '  %-34s %8s  %s\n' "GET /health" "$health" "$(ratio "$health" "$bare") x bare"
printf '  %-34s %8s  %s\n' "bare Beast hello" "$bare" "1.00"
