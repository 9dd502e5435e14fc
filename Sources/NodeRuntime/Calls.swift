import Policy
import Wire

/// Why an attempt failed.
public enum FailureReason: Sendable, Hashable, CustomStringConvertible {
  /// Its wait for a reply ran out.
  case timeout
  /// It was answered with an error whose code the plan retries on (error 11, by default).
  case refused(ErrorCode)

  /// As log lines say it: `timeout`, `unavailable` (error 11), or `error_<code>`.
  public var description: String {
    switch self {
    case .timeout: return "timeout"
    case .refused(let code) where code == .temporarilyUnavailable: return "unavailable"
    case .refused(let code): return "error_\(code.rawValue)"
    }
  }
}

/// How a call ended. Every call ends exactly once, in one of these ways.
public enum CallOutcome: Sendable {
  /// A reply that is not an error.
  case reply(Message)
  /// An error reply whose code the plan does not retry on: the error and the whole reply.
  case error(RPCError, Message)
  /// Every attempt failed; the last one for this reason (one attempt that timed out included).
  case gaveUp(FailureReason)
  /// A call with no timeout of its own got no reply within `--reap-threshold-ms`.
  case reaped
}

/// What a call's completion is given: how it ended, and what it took.
public struct CallResult: Sendable {
  /// How it ended.
  public let outcome: CallOutcome
  /// The attempts sent.
  public let attempts: Int
  /// The backoff waits actually taken between attempts.
  public let waited: Interval
  /// From the first attempt to the end.
  public let elapsed: Interval
  /// The request that started the call (the one being handled then), if any: reply to it.
  public let requester: ReplyAddress?
  /// The call's id, as log lines name it (`call=3`).
  public let call: Int

  /// The reply, an error reply included; nil when the call gave up or was reaped.
  public var reply: Message? {
    switch outcome {
    case .reply(let m), .error(_, let m): return m
    case .gaveUp, .reaped: return nil
    }
  }
}

/// A call's completion: runs exactly once. An `RPCError` it throws is answered to the call's
/// requester (any other error as error 13); without a requester it is logged.
public typealias Completion = (Node, CallResult) throws -> Void

/// A call under way: its request, its plan, the attempts sent so far.
struct Call {
  let dest: String
  /// Kept for the retries; empty for a call of one attempt with no timeout.
  let body: JSONObject
  let requester: ReplyAddress?
  let completion: Completion
  let kind: String
  /// Nil: one attempt with no timeout of its own, which the reaper bounds.
  let plan: RetryPlan?
  let id: Int
  let startedAt: Instant
  let firstID: Int
  /// The ids of attempts after the first; all stay pending until the call ends.
  var laterIDs: [Int] = []
  var phase = Phase.attempting
  var waited = Interval.zero
  var lastReason = FailureReason.timeout

  /// Where a call is between its attempts.
  enum Phase {
    /// The last attempt awaits its reply.
    case attempting
    /// The backoff wait of `length` that began at `since`, before the next attempt.
    case waiting(since: Instant, length: Interval)
  }

  init(
    dest: String, body: JSONObject, requester: ReplyAddress?, completion: @escaping Completion,
    kind: String, plan: RetryPlan?, id: Int, startedAt: Instant, firstID: Int
  ) {
    self.dest = dest
    self.body = body
    self.requester = requester
    self.completion = completion
    self.kind = kind
    self.plan = plan
    self.id = id
    self.startedAt = startedAt
    self.firstID = firstID
  }

  var sent: Int { 1 + laterIDs.count }
  var lastID: Int { laterIDs.last ?? firstID }
  var allIDs: [Int] { [firstID] + laterIDs }
  var isWaiting: Bool {
    if case .waiting = phase { return true }
    return false
  }

  /// `call=3 kind=relay dest=n2`, the start of every line about the call.
  var tag: String { "call=\(id) kind=\(kind) dest=\(dest)" }
  /// `requester=c1:7`, or `requester=-`.
  var requesterField: String { "requester=\(requester?.description ?? "-")" }
}

/// What a timer is for. Attempts are named by their `msg_id`, and user timers by an id, neither
/// ever reused, so a timer whose work is gone cannot be mistaken for a later one in the slot.
enum TimerEvent {
  /// The attempt `msg_id` of the call in `slot` waited its full timeout.
  case attemptTimeout(slot: UInt32, msgID: Int)
  /// The backoff wait after the attempt `msg_id` of the call in `slot` is over.
  case backoffOver(slot: UInt32, msgID: Int)
  /// A reaper pass.
  case reap
  /// The user timer `id` in `slot` is due.
  case user(slot: UInt32, id: Int)
  /// Lines were suppressed in a window that is over: say how many.
  case logReport
}

extension Node {
  /// True when `n` more calls can be pending without passing `--max-pending`.
  public func hasRoom(for n: Int) -> Bool { pending.hasRoom(for: n, reserved: reservedSlots) }

  /// Calls `dest` with a body of `type` and `fields`, following `plan` (nil: one attempt with no
  /// timeout of its own, which the reaper expires after `--reap-threshold-ms`); `completion`
  /// runs exactly once. `kind` names the call in log lines (default: `type`). Every attempt's
  /// `msg_id` stays pending until the call ends. Returns the call id; throws error 11 when the
  /// pending table lacks room.
  @discardableResult
  public func call(
    _ dest: String, _ type: String, _ fields: KeyValuePairs<String, Value> = [:],
    plan: RetryPlan? = nil, kind: String? = nil, then completion: @escaping Completion
  ) throws(RPCError) -> Int {
    try start(dest, Node.body(type, fields), plan, kind ?? type, completion)
  }

  /// Calls `dest` with `body`, an object passed on as it is (its `msg_id` set in place, or
  /// appended), as `call(_:_:_:plan:kind:then:)` does; `kind` defaults to the body's type.
  @discardableResult
  public func call(
    _ dest: String, body: Value, plan: RetryPlan? = nil, kind: String? = nil,
    then completion: @escaping Completion
  ) throws(RPCError) -> Int {
    guard case .object(let o) = body.json else { preconditionFailure("a body is an object") }
    return try start(dest, o, plan, kind ?? o["type"]?.stringValue ?? "call", completion)
  }

  private func start(
    _ dest: String, _ body: JSONObject, _ plan: RetryPlan?, _ kind: String,
    _ completion: @escaping Completion
  ) throws(RPCError) -> Int {
    let attempts = plan?.attempts ?? 1
    guard hasRoom(for: attempts) else {
      throw RPCError(.temporarilyUnavailable, "too many pending calls (limit \(pending.limit))")
    }
    lastCallID += 1
    let call = Call(
      dest: dest, body: plan == nil ? JSONObject() : body.compacted(), requester: requester,
      completion: completion, kind: kind, plan: plan, id: lastCallID, startedAt: now.monotonic,
      firstID: nextMsgID)
    let slot = calls.insert(call)
    reservedSlots += attempts - 1
    log(
      .debug, "rpc start",
      "\(call.tag) msg_id=\(call.firstID) attempts=\(attempts)"
        + " timeout_ms=\(plan.map { String($0.timeout.roundedMilliseconds) } ?? "-")"
        + " type=\(body["type"]?.stringValue ?? "-") \(call.requesterField)")
    let id = emit(from: nodeID, to: dest, forwarding: body)
    stats.rpcAttempts += 1
    if let plan {
      pending.registerAttempt(id, call: slot)
      timers.insert(.attemptTimeout(slot: slot, msgID: id), at: now.monotonic + plan.timeout)
    } else {
      pending.registerCallback(id, slot, at: now.monotonic)
      if pending.reapableCount == 1 { armReaper(fresh: true) }
    }
    return call.id
  }

  /// Sends the next attempt of the call in `slot`, after a backoff wait of `waited` if any.
  private func sendAttempt(of slot: UInt32, waited: Interval?) {
    guard let call = calls[slot], let plan = call.plan else { return }
    let id = emit(from: nodeID, to: call.dest, forwarding: call.body)
    pending.registerAttempt(id, call: slot)
    calls[slot]!.laterIDs.append(id)
    calls[slot]!.phase = .attempting
    stats.rpcAttempts += 1
    reservedSlots -= 1
    stats.retries += 1
    log(
      .info, "rpc retry",
      "\(call.tag) attempt=\(call.sent + 1)/\(plan.attempts) msg_id=\(id)"
        + " reason=\(call.lastReason)"
        + (waited.map { " waited_ms=\($0.roundedMilliseconds)" } ?? "")
        + " timeout_ms=\(plan.timeout.roundedMilliseconds) \(call.requesterField)")
    timers.insert(.attemptTimeout(slot: slot, msgID: id), at: now.monotonic + plan.timeout)
  }

  /// Routes `reply` to whoever waits for `inReplyTo`; a reply nobody waits for is dropped.
  func deliverReply(_ reply: Message, inReplyTo: JSON) {
    guard case .int(let id) = inReplyTo, let owner = pending.owner(of: id) else {
      stats.lateReplies += 1
      log(
        .debug, "late reply",
        "from=\(reply.src) in_reply_to=\(inReplyTo.pythonText) type=\(reply.type)")
      return
    }
    switch owner {
    case .callback(let slot):
      _ = pending.removeCallback(id)
      finish(slot, Node.outcome(of: reply))
    case .call(let slot):
      guard let call = calls[slot] else { return }
      if reply.type == "error", let plan = call.plan,
        let code = reply["code"]?.intValue,
        plan.retryOn.contains(ErrorCode(code))
      {
        guard id == call.lastID && !call.isWaiting else {
          return log(
            .debug, "rpc ignored",
            "\(call.tag) msg_id=\(id) reason=\(FailureReason.refused(ErrorCode(code)))"
              + " (an earlier attempt) \(call.requesterField)")
        }
        return attemptFailed(slot, .refused(ErrorCode(code)))
      }
      finish(slot, Node.outcome(of: reply))
    }
  }

  private static func outcome(of reply: Message) -> CallOutcome {
    guard let error = reply.error else { return .reply(reply) }
    return .error(error, reply)
  }

  private func attemptFailed(_ slot: UInt32, _ reason: FailureReason) {
    guard calls[slot] != nil else { return }
    calls[slot]!.lastReason = reason
    let call = calls[slot]!
    let plan = call.plan!
    guard plan.mayRetry(after: call.sent) else {
      log(
        .info, "rpc gave up",
        "\(call.tag) attempts=\(call.sent)/\(plan.attempts)"
          + " msg_ids=\(call.allIDs.map(String.init).joined(separator: ","))"
          + " reason=\(reason) elapsed_ms=\((now.monotonic - call.startedAt).roundedMilliseconds)"
          + " \(call.requesterField)")
      return finish(slot, .gaveUp(reason))
    }
    guard let backoff = plan.backoff else { return sendAttempt(of: slot, waited: nil) }
    let delay = backoff.delay(attempt: call.sent - 1, using: &rng)
    calls[slot]!.phase = .waiting(since: now.monotonic, length: delay)
    timers.insert(.backoffOver(slot: slot, msgID: call.lastID), at: now.monotonic + delay)
  }

  /// Ends a call: releases all its ids at once, then completes it.
  private func finish(_ slot: UInt32, _ outcome: CallOutcome) {
    guard var call = calls.remove(slot) else { return }
    if let plan = call.plan {
      pending.removeAttempt(call.firstID)
      for id in call.laterIDs { pending.removeAttempt(id) }
      reservedSlots -= plan.attempts - call.sent
    }
    if case .waiting(let since, _) = call.phase {
      // A reply arrived during a backoff wait: only the part already waited was taken.
      call.waited = call.waited + (now.monotonic - since)
    }
    let elapsed = now.monotonic - call.startedAt
    switch outcome {
    case .reply(let m), .error(_, let m):
      log(
        .debug, "rpc done",
        "\(call.tag) attempts=\(call.sent) elapsed_ms=\(elapsed.roundedMilliseconds)"
          + " reply=\(m.type)\(m.error.map { " code=\($0.code)" } ?? "") \(call.requesterField)")
    case .gaveUp, .reaped:
      break
    }
    let result = CallResult(
      outcome: outcome, attempts: call.sent, waited: call.waited, elapsed: elapsed,
      requester: call.requester, call: call.id)
    let outer = requester
    requester = call.requester
    defer { requester = outer }
    do {
      try call.completion(self, result)
    } catch {
      let e = Node.rpcError(error, context: call.kind)
      if let to = call.requester {
        replyError(to: to, e)
      } else {
        log(.warn, "completion failed", "\(call.tag) code=\(e.code) text=\(e.text)")
      }
    }
  }

  /// Runs the timer `event`, which was due at `due`.
  func run(_ event: TimerEvent, due: Instant) {
    guard isLive(event, deadline: due) else { return }
    switch event {
    case .attemptTimeout(let slot, _):
      stats.timeouts += 1
      attemptFailed(slot, .timeout)
    case .backoffOver(let slot, _):
      // isLive checked the call is waiting: the whole wait was taken.
      guard case .waiting(_, let length) = calls[slot]!.phase else { return }
      calls[slot]!.waited = calls[slot]!.waited + length
      sendAttempt(of: slot, waited: length)
    case .reap:
      reap()
    case .user(let slot, _):
      runUserTimer(slot, due: due)
    case .logReport:
      flushReports(all: false)
    }
  }

  /// True when the timer `event` due at `deadline` still has work: its call is still at that
  /// step, it is the reaper's current pass, its user timer is still armed for then.
  func isLive(_ event: TimerEvent, deadline: Instant) -> Bool {
    switch event {
    case .attemptTimeout(let slot, let id):
      guard let call = calls[slot] else { return false }
      return call.lastID == id && !call.isWaiting
    case .backoffOver(let slot, let id):
      guard let call = calls[slot] else { return false }
      return call.lastID == id && call.isWaiting
    case .reap:
      return reaperDeadline == deadline && pending.reapableCount > 0
    case .user(let slot, let id):
      guard let t = userTimers[slot] else { return false }
      return t.id == id && t.deadline == deadline
    case .logReport:
      return reportDeadline == deadline
    }
  }

  /// Arms the reaper's next pass: the first tick of its grid (every `--reap-interval-ms`) at
  /// which the oldest reapable callback is past the threshold, so no pass runs for nothing.
  /// `fresh` starts a new grid, when the first reapable callback of a busy spell arrives.
  private func armReaper(fresh: Bool) {
    if fresh { reaperGridOrigin = now.monotonic }
    guard let origin = reaperGridOrigin, let oldest = pending.oldestReapable() else {
      reaperDeadline = nil
      return
    }
    let interval = config.reapInterval.nanoseconds
    let expiry = (oldest + config.reapThreshold).nanoseconds - origin.nanoseconds
    let ticks = expiry < 0 ? 1 : expiry / interval + 1
    let deadline = origin + Interval(nanoseconds: ticks * interval)
    reaperDeadline = deadline
    timers.insert(.reap, at: deadline)
  }

  /// A reaper pass: expires every callback registered more than the threshold ago.
  private func reap() {
    reaperDeadline = nil
    var expired: [UInt32] = []
    let cutoff = now.monotonic - config.reapThreshold
    let reaped = pending.reap(registeredBefore: cutoff) { _, slot in expired.append(slot) }
    if reaped > 0 {
      stats.reaped += reaped
      log(
        .info, "reaper reaped",
        "count=\(reaped) pending=\(pending.count) calls="
          + expired.prefix(10).map { String(calls[$0]!.id) }.joined(separator: ",")
          + (reaped > 10 ? ",..." : ""))
    }
    for slot in expired { finish(slot, .reaped) }
    if pending.reapableCount > 0 && reaperDeadline == nil { armReaper(fresh: false) }
  }
}
