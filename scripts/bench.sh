#!/usr/bin/env bash
# make bench: messenger against the C floor node (echo_libevent.c), interleaved, then an idle
# check. Shared machines are noisy: read the ratio, not the absolute figures.
#
# Environment: RUNS (3), N (200000 echoes per run), SHARED (../shared from the repo root),
# NODE (the release binary; set it, and LABEL, to bench another node), RELAYS (100000) and
# CALLBACKS (1000000) for the RPC part, NO_BUILD=1 to skip the
# swift build.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
SHARED=${SHARED:-$root/../shared}
RUNS=${RUNS:-3}
N=${N:-200000}
NODE=${NODE:-$root/.build/release/messenger}
LABEL=${LABEL:-messenger}
out=$root/bench-out

if [ ! -f "$SHARED/bench/echo_bench.py" ]; then
  echo "bench: no $SHARED/bench/echo_bench.py (set SHARED to the shared directory)" >&2
  exit 1
fi
if [ -z "${NO_BUILD:-}" ]; then
  swift build -c release --static-swift-stdlib
fi
mkdir -p "$out"
OUT=$out sh "$SHARED/bench/build-anchors.sh" >/dev/null
floor=$out/echo-libevent-raw
rm -f "$out/echo.jsonl"

# Interleaved, so that a noisy neighbour slows both nodes alike. A failed run is recorded (and
# shown in the ok column), not fatal.
for i in $(seq "$RUNS"); do
  echo "== round $i of $RUNS"
  python3 "$SHARED/bench/echo_bench.py" --n "$N" --label floor --json "$out/echo.jsonl" \
    -- "$floor" || true
  python3 "$SHARED/bench/echo_bench.py" --n "$N" --label "$LABEL" --json "$out/echo.jsonl" \
    -- "$NODE" || true
done

echo
python3 scripts/bench_table.py "$out/echo.jsonl" floor
echo
python3 scripts/idle_check.py --seconds 2 -- "$NODE"

echo
echo "== RPC: ${RELAYS:-100000} concurrent relays to a silent node, ${CALLBACKS:-1000000} pending callbacks"
python3 scripts/bench_rpc.py --relays "${RELAYS:-100000}" --callbacks "${CALLBACKS:-1000000}" \
  -- "$NODE" --seed 1 || true
if [ -z "${NO_BUILD:-}" ]; then
  swift build -c release --product Bench >/dev/null
fi
"$root/.build/release/Bench"
