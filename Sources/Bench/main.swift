// messenger-bench: in-process micro-benchmarks for `make bench` (never part of `make check`).
// Today: the cost of a reaper pass that reaps nothing, with 1,000,000 callbacks pending.
import Glibc
import Policy

/// Monotonic nanoseconds.
func nanoseconds() -> Int64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

let pendingCount = 1_000_000
let passes = 1_000_000
var table = PendingCalls<() -> Void>(limit: pendingCount)
// Callbacks registered one microsecond apart, the oldest at 10 s.
for id in 0..<pendingCount {
  table.registerCallback(id, {}, at: Instant(nanoseconds: 10_000_000_000 + Int64(id) * 1000))
}
// A pass at 11 s with a 2 s threshold: nothing is old enough. This is what the node's pass does
// with the table: reap what is past the cutoff, then look at the oldest to arm the next pass.
let cutoff = Instant(nanoseconds: 9_000_000_000)
var reaped = 0
var slowest: Int64 = 0
var samples: [Int64] = []
samples.reserveCapacity(passes / 1000)
let start = nanoseconds()
for batch in 0..<(passes / 1000) {
  let t0 = nanoseconds()
  for _ in 0..<1000 {
    reaped += table.reap(registeredBefore: cutoff) { _, _ in }
    _ = table.oldestReapable()
  }
  let t1 = nanoseconds()
  samples.append(t1 - t0)
  slowest = max(slowest, t1 - t0)
  _ = batch
}
let total = nanoseconds() - start
samples.sort()
let meanNs = Double(total) / Double(passes)
let p99Ns = Double(samples[samples.count * 99 / 100]) / 1000
precondition(reaped == 0 && table.count == pendingCount, "a pass reaped something")
print(
  "reaper-pass: {\"pending\": \(pendingCount), \"passes\": \(passes), \"reaped\": \(reaped),"
    + " \"mean_ns_per_pass\": \((meanNs * 10).rounded() / 10),"
    + " \"p99_ns_per_pass_in_batches_of_1000\": \((p99Ns * 10).rounded() / 10)}")
