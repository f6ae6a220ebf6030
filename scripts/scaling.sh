#!/usr/bin/env bash
# Issue 17's scaling curve: 帮助 on SQLite with the bot, and the crypto-only
# floor it is compared with, pinned to 1, 2, 4 and 8 CPUs in turn (CPUs
# 0..k-1) and the load generator pinned to others (LOAD_CPU), three rounds
# each, floor and bot alternating (loadgen -rounds 3). Prints each run and
# then one line per core count: the medians, the ratio to the floor and the
# bot's speed-up over one core (the bar: 2 cores ≥ 1.8×, 8 cores ≥ 3.5×).
#   bash scripts/scaling.sh                            # builds with go first
#   BIN=dir bash scripts/scaling.sh                    # unionbot, fakewecom and loadgen already built in dir
#   CORES="1 2 4 8" LOAD_CPU=8-15 N=30000 bash scripts/scaling.sh   # the defaults: a machine with 16 CPUs
# Concurrency grows with the cores (32 in flight a core), so that k cores
# have enough work.
set -euo pipefail
cd "$(dirname "$0")/.."

CORES="${CORES:-1 2 4 8}"
LOAD_CPU="${LOAD_CPU:-8-15}"
N="${N:-30000}"
command -v taskset >/dev/null || { echo "scaling.sh needs taskset (util-linux)" >&2; exit 1; }
work=$(mktemp -d -t unionbot-scaling.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true' EXIT
if [ -z "${BIN:-}" ]; then
  BIN="$work"
  echo "== building into $BIN"
  go build -o "$BIN/unionbot" ./cmd/unionbot
  go build -o "$BIN/fakewecom" ./cmd/fakewecom
  go build -o "$BIN/loadgen" ./cmd/loadgen
fi
for b in unionbot fakewecom loadgen; do [ -x "$BIN/$b" ] || { echo "$BIN/$b is missing" >&2; exit 1; }; done
echo "== $(nproc) CPUs; load generator on $LOAD_CPU; $N messages a round"

taskset -c "$LOAD_CPU" "$BIN/fakewecom" -addr 127.0.0.1:18081 -quiet 2>/dev/null &
export WECOM_CORP_ID=wx5823bf96d3bd56c7 WECOM_AGENT_ID=1000002 WECOM_SECRET=test-secret WECOM_TOKEN=QDG6eK
export WECOM_ENCODING_AES_KEY=jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C WECOM_API_BASE=http://127.0.0.1:18081
export UNIONBOT_ADDR=127.0.0.1:18080 UNIONBOT_ADMIN_TOKEN=bench UNIONBOT_RATE_LIMIT=0 UNIONBOT_LOG_LEVEL=error
URL=http://127.0.0.1:18080

summary=()
for k in $CORES; do
  cpus="0-$((k - 1))"
  [ "$k" = 1 ] && cpus=0
  echo; echo "== bot and floor on CPUs $cpus ($k), SQLite"
  if curl -fs "$URL/healthz" >/dev/null 2>&1; then echo "port 18080 is taken: another bot is running" >&2; exit 1; fi
  UNIONBOT_DB="sqlite://$work/scaling-$k.db" taskset -c "$cpus" "$BIN/unionbot" serve >"$work/bot-$k.log" 2>&1 &
  bot=$!
  for _ in $(seq 1 100); do curl -fs "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "$URL/healthz" >/dev/null || { cat "$work/bot-$k.log"; exit 1; }
  sleep 1
  out=$(taskset -c "$LOAD_CPU" "$BIN/loadgen" -url "$URL/wecom/callback" -mix help -n "$N" -c $((32 * k)) -floor -floor-cpu "$cpus" -rounds 3 | tee /dev/stderr)
  kill "$bot"; wait "$bot" 2>/dev/null || true
  floor=$(echo "$out" | awk '/^floor / {print $4}')
  unionbot=$(echo "$out" | awk '/^unionbot / {print $4}')
  ratio=$(echo "$out" | awk '/^ratio unionbot / {print $5}')
  summary+=("$k $floor $unionbot $ratio")
done 2>&1

echo; echo "== medians of three rounds"
printf '%-6s %-12s %-12s %-16s %s\n' cores "floor msg/s" "bot msg/s" "bot/floor" "bot vs 1 core"
one=""
for line in "${summary[@]}"; do
  read -r k floor unionbot ratio <<<"$line"
  [ -z "$one" ] && one=$unionbot
  printf '%-6s %-12s %-12s %-16s %s\n' "$k" "$floor" "$unionbot" "$ratio" "$(awk -v a="$unionbot" -v b="$one" 'BEGIN {printf "%.2f×", a / b}')"
done
