internal import Policy
internal import Wire

extension Node {
  /// Handles one event of the input stream: a value, or input that could not be parsed.
  func handle(_ event: ParseEvent) {
    switch event {
    case .value(let value):
      handle(value)
    case .malformed(let problem):
      stats.malformed += 1
      log(.warn, "malformed input:", problem.description)
    }
  }

  private func handle(_ value: JSON) {
    let envelope: Envelope
    do {
      envelope = try Envelope(value)
    } catch {
      stats.malformed += 1
      log(.warn, "invalid envelope:", error.reason)
      guard let src = error.src, let id = error.msgID else { return }
      // Before init, answer as whoever it was addressed to, as for any request then; with no
      // usable `dest` either, answer nothing rather than write a message from `""`.
      guard let from = sender(dest: error.dest) else {
        return log(.warn, "no reply", "to \(src): no node id yet and no usable dest to answer from")
      }
      let body = errorBody(.malformedRequest, "invalid envelope: \(error.reason)", inReplyTo: id)
      emit(from: from, to: src, type: "error", built: body)
      return
    }
    if logger.enabled(.trace) { log(.trace, "recv", value.pythonText) }
    if envelopeLog.isKeeping {
      envelopeLog.record(
        now.unixMilliseconds, .received, envelope.src, envelope.dest, envelope.type)
    }
    received(Message(envelope, receivedAt: now), inReplyTo: envelope.inReplyTo)
  }

  /// Takes a complete message read lazily from its bytes, with no tree: the fast path. Returns
  /// false, so that it goes the tree's way, unless it is a plain envelope (anything else needs
  /// the tree's error replies). Its bytes are copied into `incoming`, which is reused unless a
  /// handler kept the last message or one of its values.
  func take(_ view: MessageView) -> Bool {
    guard view.isPlainEnvelope else { return false }
    if !isKnownUniquelyReferenced(&incoming) || !incoming.isModest {
      incoming = RawMessage(capacity: view.whole.byteCount)
    }
    // One reference for the rest: each use of the property would retain it again.
    let m = incoming
    m.load(view)
    if envelopeLog.isKeeping { note(m, in: envelopeLog) }
    let message = Message(raw: m, receivedAt: now)
    if logger.enabled(.trace) { log(.trace, "recv", message.rawText ?? "") }
    received(message, inReplyTo: message.rawInReplyTo)
    return true
  }

  /// Counts a valid message (kept in the envelope log by the caller), shows it to the receive
  /// tap, then hands a reply (a body with a non-null `in_reply_to`) to its call and a request to
  /// its handler.
  private func received(_ message: Message, inReplyTo: JSON?) {
    stats.received += 1
    if let receiveTap { receiveTap(self, message) }
    if let inReplyTo {
      deliverReply(message, inReplyTo: inReplyTo)
    } else {
      dispatch(message)
    }
  }

  private func dispatch(_ message: Message) {
    // `init` has no handler (`handle` refuses it), so the lookup comes first: the hot path
    // makes no extra comparison.
    guard isInitialized, let handler = handler(for: message) else {
      // Every reply before init goes out from `dest`: an empty one would be `"src": ""`.
      guard isInitialized || !message.dest.isEmpty else {
        return log(.warn, "ignored", "\(message.type) from \(message.src): empty dest before init")
      }
      if message.type == "init" { return initialize(message) }
      guard isInitialized else {
        return replyError(
          to: message, RPCError(.temporarilyUnavailable, "node not initialized"),
          from: message.dest)
      }
      return replyError(
        to: message, RPCError(.notSupported, "unsupported message type: \"\(message.type)\""))
    }
    withUnsafePointer(to: message) { request in
      self.request = request
      defer { requester = nil }
      do {
        try handler(self, message)
      } catch {
        replyError(to: message.address, Node.rpcError(error, context: message.type))
      }
    }
  }

  /// Who answers a message addressed to `dest`: this node once it has an id, before that the
  /// `dest` itself when it is a non-empty string; nil means nobody (the node never writes a
  /// message whose `src` is empty).
  func sender(dest: String?) -> String? {
    if isInitialized { return nodeID }
    guard let dest, !dest.isEmpty else { return nil }
    return dest
  }

  /// The handler for `message`'s type: the last one found is kept, since a stream of requests
  /// is mostly of one type; a message read from its bytes is compared with it by those bytes,
  /// with no string made (comparing costs less than hashing).
  private func handler(for message: Message) -> Handler? {
    if let last = lastHandler {
      if case .raw(let m) = message.storage, let key = last.key {
        if m.typeKey == key { return last.handler }
      } else if last.type == message.type {
        return last.handler
      }
    }
    let type = message.type
    guard let entry = handlers[type] else { return nil }
    lastHandler = entry
    return entry.handler
  }

  /// Keeps a message read from its bytes in the envelope log: its names' keys, or strings.
  private func note(_ m: RawMessage, in log: EnvelopeLog) {
    if !log.record(now.unixMilliseconds, .received, m.srcKey, m.destKey, m.typeKey) {
      log.nameLast(m.srcText, m.destText, m.typeText)
    }
  }

  /// `init`: stores the node's id and its peers', logs them, answers `init_ok`, then runs the
  /// init hooks. A second `init` is answered the same way.
  private func initialize(_ message: Message) {
    let id: String
    let ids: [String]
    do throws(RPCError) {
      id = try message.string("node_id")
      ids = try message.strings("node_ids")
      // A node with an empty name would write messages whose `src` is empty.
      if id.isEmpty { throw message.malformed("field \"node_id\" must not be empty") }
    } catch {
      return replyError(to: message, error, from: isInitialized ? nodeID : message.dest)
    }
    nodeID = id
    nodeIDs = ids
    isInitialized = true
    // Not `ids.joined(separator: ",")`: its first call looks up an associated type by name in
    // the runtime, about 78,000 instructions (a tenth of the node's startup).
    var list = ids.first ?? ""
    for other in ids.dropFirst() { list += "," + other }
    log(.info, "init", "node_id=\(id) node_ids=\(list)")
    reply(to: message, "init_ok")
    requester = message.address
    defer { requester = nil }
    for hook in initHooks {
      do {
        try hook(self)
      } catch {
        log(.warn, "init hook failed", Node.rpcError(error, context: "init").text)
      }
    }
  }

  /// The error a handler, completion or timer threw, as it is answered: an `RPCError` as is,
  /// anything else as error 13 (crash) naming it.
  static func rpcError(_ error: any Error, context: String) -> RPCError {
    if let e = error as? RPCError { return e }
    return RPCError(.crash, "\(context): \(error)")
  }
}
