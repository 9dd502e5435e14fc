import Glibc
import NodeRuntime
import Policy

/// A machine for driving the loop: echoes each complete line uppercased, records every call and
/// the clock readings it was given, and fires one optional deadline.
final class FakeMachine: Machine {
  /// Calls in order: `receive`, `endOfInput`, `fire`, `stop(...)`.
  var calls: [String] = []
  /// Every reading passed in, in call order.
  var readings: [ClockReading] = []
  /// All bytes received, concatenated.
  var received: [UInt8] = []
  /// The monotonic readings `fire` was called with.
  var fireTimes: [Instant] = []
  /// The stop reasons, in order (the loop must call `stop` once).
  var stopReasons: [StopReason] = []
  /// The deadline `fire` waits for; cleared when `fire` runs at or after it.
  var deadline: Instant?
  /// A line that makes `receive` send this signal to the process (not `raise`: the test runs on
  /// a pool thread that blocks signals), to test signal handling.
  var raiseOn: (line: String, signal: Int32)?
  /// A line that moves `deadline` to `delay` after the reading it was received at.
  var moveDeadlineOn: (line: String, delay: Interval)?

  /// When set, `fire` at or after it finishes the machine, so a lost signal fails a test
  /// instead of hanging it.
  var failsafe: Instant?

  private var line: [UInt8] = []
  private var pending: [UInt8] = []
  private var inputEnded = false

  init(deadline: Instant? = nil) { self.deadline = deadline }

  func receive(_ bytes: UnsafeRawBufferPointer, at now: ClockReading) {
    record("receive", now)
    received.append(contentsOf: bytes)
    for byte in bytes {
      if byte != UInt8(ascii: "\n") {
        line.append(byte >= 97 && byte <= 122 ? byte - 32 : byte)
        continue
      }
      if let raiseOn, line == Array(raiseOn.line.utf8) { kill(getpid(), raiseOn.signal) }
      if let move = moveDeadlineOn, line == Array(move.line.utf8) {
        deadline = now.monotonic + move.delay
      }
      pending.append(contentsOf: line)
      pending.append(UInt8(ascii: "\n"))
      line.removeAll(keepingCapacity: true)
    }
  }

  func endOfInput(at now: ClockReading) {
    record("endOfInput", now)
    inputEnded = true
  }

  func fire(at now: ClockReading) {
    record("fire", now)
    fireTimes.append(now.monotonic)
    if let failsafe, now.monotonic >= failsafe { inputEnded = true }
    if let deadline, now.monotonic >= deadline {
      self.deadline = nil
      pending.append(contentsOf: "FIRED\n".utf8)
    }
  }

  var nextDeadline: Instant? { [deadline, failsafe].compactMap { $0 }.min() }

  var isFinished: Bool { inputEnded && (deadline == nil || failsafe != nil) }

  func takeOutput(_ write: (UnsafeRawBufferPointer) -> Void) {
    guard !pending.isEmpty else { return }
    pending.withUnsafeBytes { write($0) }
    pending.removeAll(keepingCapacity: true)
  }

  func stop(_ reason: StopReason, at now: ClockReading) {
    record("stop(\(reason))", now)
    stopReasons.append(reason)
    pending.append(contentsOf: "BYE\n".utf8)
  }

  /// The calls with runs of `receive` collapsed into one, for order checks.
  var callOrder: [String] {
    calls.reduce(into: []) { order, call in
      if call == "receive", order.last == "receive" { return }
      order.append(call)
    }
  }

  private func record(_ call: String, _ now: ClockReading) {
    calls.append(call)
    readings.append(now)
  }
}
