import Policy
import Wire

/// How a call or callback ended.
public struct CallResult: Sendable {
  /// The reply's body, or nil when the call timed out, gave up or was reaped.
  public var reply: JSONObject?
  /// The number of attempts sent.
  public var attempts: Int
  /// The backoff waits actually taken between attempts.
  public var totalDelay: Duration
}

/// A reapable callback's completion: called exactly once, with the reply or with nil.
public typealias Completion = (Node, CallResult) -> Void

/// A call's completion: called exactly once, with the address of the request that started it.
/// It should capture nothing: a million calls in flight should not mean a million closure
/// contexts.
public typealias CallCompletion = (Node, CallResult, ReplyAddress) -> Void

/// A call under way: its request, its plan, the attempts sent so far. Kept small: 100,000 calls
/// in flight should cost well under 512 bytes each, payload and bookkeeping included.
struct Call {
  let dest: String
  let body: JSONObject
  let requester: ReplyAddress
  let completion: CallCompletion
  /// Every attempt's `msg_id`; all stay pending until the call ends.
  var ids: [Int]
  var totalDelay = Duration.zero
  /// The backoff wait under way before the next attempt, when `waitLength` is not negative.
  var waitStart = Instant.zero
  var waitLength = Duration(nanoseconds: -1)
  /// The call's plan, as an index into the node's few distinct plans.
  let plan: UInt8

  /// True while a backoff wait is under way.
  var isWaiting: Bool { waitLength >= .zero }
}

/// What a timer is for. Attempts are named by their `msg_id`, which is never reused, so a timer
/// of an ended call cannot be mistaken for one of a later call in the same slot.
enum TimerEvent {
  /// The attempt `msg_id` of the call in `slot` waited its full timeout.
  case attemptTimeout(slot: UInt32, msgID: Int)
  /// The backoff wait after the attempt `msg_id` of the call in `slot` is over.
  case backoffOver(slot: UInt32, msgID: Int)
  /// A reaper pass.
  case reap
}

extension Node {
  /// True when `n` more calls can be pending without passing `--max-pending`.
  public func hasRoom(for n: Int) -> Bool { pending.hasRoom(for: n, reserved: reservedSlots) }

  /// Starts a call to `dest` that follows `plan` (timeouts, retries, backoff) on behalf of
  /// `requester`, and completes once: with the first reply that is not error 11, or with nil after
  /// the last attempt failed. Every attempt's id stays pending until then. Throws error 11 when
  /// the pending table lacks room.
  public func call(
    _ dest: String, _ body: JSONObject, plan: RetryPlan, for requester: ReplyAddress,
    then completion: @escaping CallCompletion
  ) throws(RPCError) {
    guard hasRoom(for: plan.attempts) else { throw tooManyPending() }
    var ids: [Int] = []
    ids.reserveCapacity(plan.attempts)
    let slot = calls.insert(
      Call(
        dest: dest, body: body.compacted(), requester: requester, completion: completion, ids: ids,
        plan: intern(plan)))
    reservedSlots += plan.attempts - 1
    sendAttempt(of: slot)
  }

  /// Sends `body` to `dest` as an async RPC with no timeout of its own: `completion` gets the
  /// reply, or nil when the reaper expires it. Returns the message's id. Throws error 11 when
  /// the pending table is full.
  @discardableResult
  public func send(
    _ dest: String, _ body: JSONObject, then completion: @escaping Completion
  ) throws(RPCError) -> Int {
    guard hasRoom(for: 1) else { throw tooManyPending() }
    let id = emit(from: nodeID ?? "", to: dest, forwarding: body)
    stats.rpcAttempts += 1
    pending.registerCallback(id, completion, at: now.monotonic)
    if pending.reapableCount == 1 { armReaper(fresh: true) }
    return id
  }

  /// The index of `plan` among the node's plans, adding it if new. Handlers build their plans
  /// from the settings, so there are a handful; a call keeps one byte instead of the plan.
  private func intern(_ plan: RetryPlan) -> UInt8 {
    if let i = plans.firstIndex(of: plan) { return UInt8(i) }
    precondition(plans.count < Int(UInt8.max), "more than 255 distinct retry plans")
    plans.append(plan)
    return UInt8(plans.count - 1)
  }

  private func tooManyPending() -> RPCError {
    RPCError(.temporarilyUnavailable, "too many pending calls (limit \(pending.limit))")
  }

  private func sendAttempt(of slot: UInt32) {
    guard let call = calls[slot] else { return }
    let plan = plans[Int(call.plan)]
    let id = emit(from: nodeID ?? "", to: call.dest, forwarding: call.body)
    pending.registerAttempt(id, call: slot)
    calls[slot]!.ids.append(id)
    calls[slot]!.waitLength = Duration(nanoseconds: -1)
    stats.rpcAttempts += 1
    let n = call.ids.count + 1
    if n > 1 {
      reservedSlots -= 1
      stats.retries += 1
      log(
        .info,
        "rpc retry dest=\(call.dest) attempt=\(n)/\(plan.attempts) msg_id=\(id)"
          + " timeout_ms=\(plan.timeout.roundedMilliseconds)")
    }
    timers.insert(.attemptTimeout(slot: slot, msgID: id), at: now.monotonic + plan.timeout)
  }

  /// Routes a reply to whoever waits for `inReplyTo`; a reply nobody waits for is dropped.
  func deliverReply(_ body: JSONObject, inReplyTo: JSON, from src: String) {
    guard case .int(let id) = inReplyTo, let owner = pending.owner(of: id) else {
      stats.lateReplies += 1
      log(.debug, "late or unknown reply from \(src) in_reply_to=\(inReplyTo.pythonText) dropped")
      return
    }
    switch owner {
    case .callback:
      let completion = pending.removeCallback(id)!
      completion(self, CallResult(reply: body, attempts: 1, totalDelay: .zero))
    case .call(let slot):
      guard let call = calls[slot] else { return }
      let isUnavailable =
        plans[Int(call.plan)].unavailableIsFailure && body["type"] == .string("error")
        && body["code"] == .int(ErrorCode.temporarilyUnavailable.rawValue)
      guard isUnavailable else { return finish(slot, reply: body) }
      if id == call.ids.last && !call.isWaiting {
        attemptFailed(slot, why: "temporarily unavailable")
      } else {
        log(.debug, "ignored error 11 from \(src) to an earlier attempt msg_id=\(id)")
      }
    }
  }

  private func attemptFailed(_ slot: UInt32, why: String) {
    guard let call = calls[slot] else { return }
    let plan = plans[Int(call.plan)]
    let sent = call.ids.count
    guard plan.mayRetry(after: sent) else {
      log(
        .info,
        "rpc gave up dest=\(call.dest) attempts=\(sent)/\(plan.attempts) last=\"\(why)\""
          + " msg_ids=\(call.ids.map(String.init).joined(separator: ","))")
      return finish(slot, reply: nil)
    }
    guard let backoff = plan.backoff else { return sendAttempt(of: slot) }
    let delay = backoff.delay(attempt: sent - 1, using: &rng)
    calls[slot]!.waitStart = now.monotonic
    calls[slot]!.waitLength = delay
    timers.insert(.backoffOver(slot: slot, msgID: call.ids[sent - 1]), at: now.monotonic + delay)
  }

  /// Ends a call: releases all its ids at once, then completes it.
  private func finish(_ slot: UInt32, reply: JSONObject?) {
    guard var call = calls.remove(slot) else { return }
    for id in call.ids { pending.removeAttempt(id) }
    reservedSlots -= plans[Int(call.plan)].attempts - call.ids.count
    if call.isWaiting {
      // A reply arrived during a backoff wait: only the part already waited was taken.
      call.totalDelay = call.totalDelay + (now.monotonic - call.waitStart)
    }
    let result = CallResult(reply: reply, attempts: call.ids.count, totalDelay: call.totalDelay)
    call.completion(self, result, call.requester)
  }

  /// Runs the timer `event`, which was due at `due`.
  func run(_ event: TimerEvent, due: Instant) {
    guard isLive(event, deadline: due) else { return }
    switch event {
    case .attemptTimeout(let slot, _):
      stats.timeouts += 1
      attemptFailed(slot, why: "timed out")
    case .backoffOver(let slot, _):
      // isLive checked the call is waiting: the whole wait was taken.
      calls[slot]!.totalDelay = calls[slot]!.totalDelay + calls[slot]!.waitLength
      sendAttempt(of: slot)
    case .reap:
      reap()
    }
  }

  /// True when the timer `event` due at `deadline` still has work: its call is still at that
  /// step, or it is the reaper's current pass.
  func isLive(_ event: TimerEvent, deadline: Instant) -> Bool {
    switch event {
    case .attemptTimeout(let slot, let id):
      guard let call = calls[slot] else { return false }
      return call.ids.last == id && !call.isWaiting
    case .backoffOver(let slot, let id):
      guard let call = calls[slot] else { return false }
      return call.ids.last == id && call.isWaiting
    case .reap:
      return reaperDeadline == deadline && pending.reapableCount > 0
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
    let deadline = origin + Duration(nanoseconds: ticks * interval)
    reaperDeadline = deadline
    timers.insert(.reap, at: deadline)
  }

  /// A reaper pass: expires every callback registered more than the threshold ago.
  private func reap() {
    reaperDeadline = nil
    var expired: [Completion] = []
    let cutoff = now.monotonic - config.reapThreshold
    let reaped = pending.reap(registeredBefore: cutoff) { _, completion in
      expired.append(completion)
    }
    if reaped > 0 {
      stats.reaped += reaped
      log(.info, "reaper reaped \(reaped) callbacks, \(pending.count) still pending")
    }
    for completion in expired {
      completion(self, CallResult(reply: nil, attempts: 1, totalDelay: .zero))
    }
    if pending.reapableCount > 0 && reaperDeadline == nil { armReaper(fresh: false) }
  }
}
