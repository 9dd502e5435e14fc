// messenger-bench: in-process micro-benchmarks for `make bench` (never part of `make check`).
//   Bench                    the cost of a reaper pass that reaps nothing, 1,000,000 pending
//   Bench timeouts N [B]     N calls, each with an attempt timeout armed and answered, as the
//                            node does it; `Bench calls N [B]` is the same without the timers.
//                            Under callgrind, (timeouts N - calls N) / N is what one answered
//                            timeout costs (scripts/callgrind_bench.py prints it)
import Glibc
import Policy

let arguments = CommandLine.arguments.dropFirst()
if let mode = arguments.first, mode == "timeouts" || mode == "calls" {
  let calls = arguments.dropFirst().first.flatMap { Int($0) } ?? 10_000
  let batch = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 1
  answeredTimeouts(calls: calls, batch: max(1, batch), armed: mode == "timeouts")
  exit(0)
}

/// What the node's timer queue holds for an attempt (the shape of `NodeRuntime.TimerEvent`).
enum Event {
  case attemptTimeout(slot: UInt32, msgID: Int)
  case backoffOver(slot: UInt32, msgID: Int)
  case reap
}

/// The runtime's path for `calls` calls, each answered before its timeout: start a call (a slot
/// in a slab holding its last attempt's id, as `Node.calls` does; its timeout queued a fixed
/// 500 ms after a clock that moves on), answer it (the slot freed, the queue untouched), and after
/// every `batch` calls (the calls of one read of stdin) drop the dead timers at the front, as
/// `Runtime.nextDeadline` does. One reaper pass stays queued far away, as a live entry would.
/// With `armed` false, the same calls without their timers.
@inline(never)
func answeredTimeouts(calls: Int, batch: Int, armed: Bool) {
  var timers = DeadlineQueue<Event>()
  var live = Slab<Int>()
  timers.insert(.reap, at: Instant(nanoseconds: 3_600_000_000_000))
  var now = Instant(nanoseconds: 1_000_000_000)
  var next: Instant? = nil
  for id in 0..<calls {
    now = now + .milliseconds(1)
    let slot = live.insert(id)
    if armed { timers.insert(.attemptTimeout(slot: slot, msgID: id), at: now + .milliseconds(500)) }
    live.remove(slot)  // Answered.
    if (id + 1) % batch == 0 {
      next = timers.dropEarliest { _, event in
        switch event {
        case .attemptTimeout(let slot, let msgID), .backoffOver(let slot, let msgID):
          return live[slot] != msgID
        case .reap: return false
        }
      }
    }
  }
  precondition(calls == 0 || next != nil, "the reaper pass stays queued")
  print(
    "\(armed ? "timeouts" : "calls"): {\"calls\": \(calls), \"batch\": \(batch),"
      + " \"queued\": \(timers.count)}")
}

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
