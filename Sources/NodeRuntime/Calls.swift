public import Policy
internal import Wire

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
  func sendAttempt(of slot: UInt32, waited: Interval?) {
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
        let code = reply.envelope.body["code"]?.intValue,
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

  func attemptFailed(_ slot: UInt32, _ reason: FailureReason) {
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
  func finish(_ slot: UInt32, _ outcome: CallOutcome) {
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

}
