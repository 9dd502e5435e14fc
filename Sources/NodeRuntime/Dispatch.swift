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
      // Before init, answer as whoever it was addressed to, as for any request then.
      if let src = error.src, let id = error.msgID, let from = isInitialized ? nodeID : error.dest {
        let body = errorBody(.malformedRequest, "invalid envelope: \(error.reason)", inReplyTo: id)
        emit(from: from, to: src, type: "error", built: body)
      }
      return
    }
    stats.received += 1
    let message = Message(envelope, receivedAt: now)
    if let receiveTap { receiveTap(self, message) }
    if logger.enabled(.trace) { log(.trace, "recv", value.pythonText) }
    if let inReplyTo = envelope.inReplyTo {
      deliverReply(message, inReplyTo: inReplyTo)
    } else {
      dispatch(message)
    }
  }

  private func dispatch(_ message: Message) {
    if message.type == "init" { return initialize(message) }
    guard isInitialized else {
      return replyError(
        to: message, RPCError(.temporarilyUnavailable, "node not initialized"),
        from: message.dest)
    }
    guard let handler = handlers[message.type] else {
      return replyError(
        to: message, RPCError(.notSupported, "unsupported message type: \"\(message.type)\""))
    }
    requester = message.address
    defer { requester = nil }
    do {
      try handler(self, message)
    } catch {
      replyError(to: message.address, Node.rpcError(error, context: message.type))
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
    log(.info, "init", "node_id=\(id) node_ids=\(ids.joined(separator: ","))")
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
