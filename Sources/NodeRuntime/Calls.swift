public import Policy
internal import Wire

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
    let attempts = try room(for: plan)
    let hole = keepTexts(dest) { KeptBody.append(Node.body(type, fields), to: &$0) }
    return start(dest, hole, plan, attempts, kind ?? type, completion)
  }

  /// Calls `dest` with `body`, an object passed on as it is (its `msg_id` set in place, or
  /// appended), as `call(_:_:_:plan:kind:then:)` does; `kind` defaults to the body's type. A
  /// body passed through from a request is kept as its text, never parsed.
  @discardableResult
  public func call(
    _ dest: String, body: Value, plan: RetryPlan? = nil, kind: String? = nil,
    then completion: @escaping Completion
  ) throws(RPCError) -> Int {
    let attempts = try room(for: plan)
    let hole: KeptBody.Hole
    switch body.storage {
    case .raw(let r):
      precondition(r.kind == .object, "a body is an object")
      hole = keepTexts(dest) { KeptBody.append(r, to: &$0) }
    case .tree(let j):
      guard case .object(let o) = j else { preconditionFailure("a body is an object") }
      hole = keepTexts(dest) { KeptBody.append(o, to: &$0) }
    }
    let k = kind ?? keptBodyText { KeptBody.type(of: $0) } ?? "call"
    return start(dest, hole, plan, attempts, k, completion)
  }

  /// The attempts `plan` may send, when the pending table has room for them all; else error 11.
  private func room(for plan: RetryPlan?) throws(RPCError) -> Int {
    let attempts = plan?.attempts ?? 1
    guard hasRoom(for: attempts) else {
      throw RPCError(.temporarilyUnavailable, "too many pending calls (limit \(pending.limit))")
    }
    return attempts
  }

  /// Writes `dest`, the requester's `src` and `msg_id` text into `keptTexts`, then the body by
  /// `append`; returns the body's hole.
  private func keepTexts(_ dest: String, _ append: (inout [UInt8]) -> KeptBody.Hole)
    -> KeptBody.Hole
  {
    keptTexts.removeAll(keepingCapacity: true)
    var d = dest
    d.withUTF8 { keptTexts.append(contentsOf: $0) }
    keptDestCount = keptTexts.count
    keptSrcCount = nil
    keptMsgIDCount = 0
    if let requester {
      var src = requester.src
      src.withUTF8 { keptTexts.append(contentsOf: $0) }
      keptSrcCount = keptTexts.count - keptDestCount
      let idStart = keptTexts.count
      if let id = requester.rawMsgID { JSONWriter.append(id, to: &keptTexts) }
      keptMsgIDCount = keptTexts.count - idStart
    }
    keptBodyStart = keptTexts.count
    return append(&keptTexts)
  }

  /// Runs `body` on the body text just kept in `keptTexts`.
  private func keptBodyText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    let start = keptBodyStart
    return keptTexts.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start...])) }
  }

  private func start(
    _ dest: String, _ hole: KeptBody.Hole, _ plan: RetryPlan?, _ attempts: Int, _ kind: String,
    _ completion: @escaping Completion
  ) -> Int {
    lastCallID += 1
    let firstID = nextMsgID
    let bodyCount = keptTexts.count - keptBodyStart
    let record = CallRecord.make(
      texts: keptTexts, destCount: keptDestCount, srcCount: keptSrcCount,
      msgIDCount: keptMsgIDCount, body: plan == nil ? nil : (bodyCount, hole),
      attempts: attempts, waits: plan?.backoff != nil, firstID: firstID)
    let call = Call(
      completion: completion, shape: shape(kind, plan), id: lastCallID,
      startedAt: now.monotonic, record: record)
    let slot = calls.insert(call)
    reservedSlots += attempts - 1
    log(
      .debug, "rpc start",
      "\(call.tag) msg_id=\(firstID) attempts=\(attempts)"
        + " timeout_ms=\(plan.map { String($0.timeout.roundedMilliseconds) } ?? "-")"
        + " type=\(keptBodyText { KeptBody.type(of: $0) } ?? "-") \(call.requesterField)")
    let id = keptBodyText { emit(to: dest, kept: $0, hole) }
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

  /// Sends a kept body to `dest` with the next `msg_id` in its hole; returns the id, used even if
  /// a filter drops the message.
  private func emit(to dest: String, kept text: UnsafeRawBufferPointer, _ hole: KeptBody.Hole)
    -> Int
  {
    let id = takeMsgID()
    let type = sendFilter == nil ? "" : KeptBody.type(of: text, reusing: &lastKeptType) ?? ""
    transmit(from: nodeID, to: dest, type: type, id: id) { w in w.kept(text, hole, msgID: id) }
    return id
  }

  /// Sends the next attempt of the call in `slot`, the last one having failed for `reason`,
  /// after a backoff wait of `waited` if any.
  func sendAttempt(of slot: UInt32, after reason: FailureReason, waited: Interval?) {
    guard let call = calls[slot], let plan = call.plan else { return }
    let id = call.record.withBody { emit(to: call.dest, kept: $0, $1) }
    pending.registerAttempt(id, call: slot)
    call.record.appendID(id)
    if waited != nil || call.isWaiting { call.phase = .attempting }
    stats.rpcAttempts += 1
    reservedSlots -= 1
    stats.retries += 1
    log(
      .info, "rpc retry",
      "\(call.tag) attempt=\(call.sent)/\(plan.attempts) msg_id=\(id)"
        + " reason=\(reason)"
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

  func attemptFailed(_ slot: UInt32, _ reason: FailureReason) {
    guard calls[slot] != nil else { return }
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
    guard let backoff = plan.backoff else {
      return sendAttempt(of: slot, after: reason, waited: nil)
    }
    let delay = backoff.delay(attempt: call.sent - 1, using: &rng)
    call.phase = .waiting(since: now.monotonic, length: delay, after: reason)
    timers.insert(.backoffOver(slot: slot, msgID: call.lastID), at: now.monotonic + delay)
  }

  /// Ends a call: releases all its ids at once, then completes it.
  func finish(_ slot: UInt32, _ outcome: CallOutcome) {
    guard let call = calls.remove(slot) else { return }
    if let plan = call.plan {
      for k in 0..<call.sent { pending.removeAttempt(call.record.id(k)) }
      reservedSlots -= plan.attempts - call.sent
    }
    if case .waiting(let since, _, _) = call.phase {
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
    let callRequester = call.requester
    let result = CallResult(
      outcome: outcome, attempts: call.sent, waited: call.waited, elapsed: elapsed,
      requester: callRequester, call: call.id)
    let outer = requester
    requester = callRequester
    defer { requester = outer }
    do {
      try call.completion(self, result)
    } catch {
      let e = Node.rpcError(error, context: call.kind)
      if let to = callRequester {
        replyError(to: to, e)
      } else {
        log(.warn, "completion failed", "\(call.tag) code=\(e.code) text=\(e.text)")
      }
    }
  }

  /// The kind and plan of a call in a box that calls share: the last box made, when both are the
  /// same (a family calls with one plan again and again), else a new one. No table, so no limit
  /// on how many distinct plans or kinds there are; each call holds one reference.
  private func shape(_ kind: String, _ plan: RetryPlan?) -> CallShape {
    if let last = lastShape, last.kind == kind, last.plan == plan { return last }
    let s = CallShape(kind, plan)
    lastShape = s
    return s
  }
}

extension Message {
  /// The required object field `key`, kept as it came, to be passed on whole (a payload to
  /// forward): a call or a reply writes it from its text, and nothing parses it. Read through
  /// it, it is parsed on each read: `object(_:)` suits a value that is read.
  public func objectAsIs(_ key: String) throws(RPCError) -> Value {
    guard case .raw(let m) = storage else { return try object(key) }
    guard let v = m.field(key) else { throw malformed("missing field \"\(key)\"") }
    guard v.kind == .object else { throw malformed("field \"\(key)\" must be an object") }
    return Value(raw: v)
  }
}
