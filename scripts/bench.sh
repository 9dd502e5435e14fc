#!/usr/bin/env bash
# make bench: messenger against the C floor node (bench/floor.c), interleaved rounds through
# pipes, callgrind instruction counts, startup and memory, the idle check, then the RPC machinery.
# Busy machines make times noisy: quote the ratios and the instruction counts, not the times.
# Needs nothing outside the repository. Every knob is an environment variable (README,
# "Performance, measured"):
#   RUNS (5) rounds of N (200000) echoes each; STARTS (50) runs of init alone for startup;
#   CG_N (20000) echoes and CALLS (10000) relays under callgrind, SEED (1) of the mixed input;
#   RELAYS (100000) and CALLBACKS (1000000) for the RPC part; SYSCALL_N (200) messages per row of
#   the system call counts; NODE and LABEL to bench another node; NO_BUILD=1 to skip the builds;
#   NO_CALLGRIND=1 to skip callgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
RUNS=${RUNS:-5}
N=${N:-200000}
STARTS=${STARTS:-50}
NODE=${NODE:-$root/.build/release/messenger}
LABEL=${LABEL:-messenger}
out=$root/bench-out
floor=$root/.build/floor

# The flags of `make build` (the Makefile passes its RELEASE_FLAGS): the node measured is the
# one `make build` makes, and neither build makes the other compile everything again.
RELEASE_FLAGS=${RELEASE_FLAGS:--Xswiftc -cross-module-optimization -Xswiftc -enforce-exclusivity=unchecked \
  -Xswiftc -static-executable \
  -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors}
if [ -z "${NO_BUILD:-}" ]; then
  # shellcheck disable=SC2086
  swift build -c release --static-swift-stdlib $RELEASE_FLAGS
fi
mkdir -p "$out" "$root/.build"
cc -O2 -Wall -Wextra -o "$floor" bench/floor.c $(pkg-config --cflags --libs libevent_core)
cc -O2 -Wall -Wextra -o "$root/.build/startup" bench/startup.c
rm -f "$out/echo.jsonl"

# Interleaved, so that a noisy neighbour slows both nodes alike. A failed run is recorded (and
# shown in the ok column), not fatal.
for i in $(seq "$RUNS"); do
  echo "== round $i of $RUNS: $N echoes"
  python3 scripts/echo_bench.py --n "$N" --label floor --json "$out/echo.jsonl" -- "$floor" || true
  python3 scripts/echo_bench.py --n "$N" --label "$LABEL" --json "$out/echo.jsonl" -- "$NODE" \
    || true
done
echo "== startup: $STARTS runs of init alone each"
python3 scripts/echo_bench.py --starts "$STARTS" --label floor --json "$out/echo.jsonl" \
  -- "$floor" || true
python3 scripts/echo_bench.py --starts "$STARTS" --label "$LABEL" --json "$out/echo.jsonl" \
  -- "$NODE" || true
echo
python3 scripts/bench_table.py "$out/echo.jsonl" floor
echo
# The same starts timed in C, without Python's own millisecond per start (bench/startup.c).
echo "== startup timed in C: 5 interleaved rounds of $STARTS runs of init alone per node"
"$root/.build/startup" 5 "$STARTS" "$floor" "$NODE" || true

if [ -z "${NO_CALLGRIND:-}" ]; then
  echo
  echo "== callgrind: instructions per message (init alone subtracted; profiles in bench-out/)"
  python3 scripts/callgrind_bench.py --n "${CG_N:-20000}" --calls "${CALLS:-10000}" \
    --seed "${SEED:-1}" --floor "$floor" --out "$out" --bench "$root/.build/release/Bench" \
    -- "$NODE" || true
fi

echo
python3 scripts/idle_check.py --seconds 2 -- "$NODE"
echo "== system calls, under strace: ${SYSCALL_N:-200} messages one at a time per row"
python3 scripts/syscall_count.py --n "${SYSCALL_N:-200}" -- "$NODE" || true

echo
echo "== RPC: ${RELAYS:-100000} concurrent relays to a silent node, ${CALLBACKS:-1000000} pending callbacks"
python3 scripts/bench_rpc.py --relays "${RELAYS:-100000}" --callbacks "${CALLBACKS:-1000000}" \
  -- "$NODE" --seed 1 || true
"$root/.build/release/Bench"
