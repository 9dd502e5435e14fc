import Policy
import Wire

extension Node {
  /// Handles one event of the input stream: a value, or input that could not be parsed.
  func handle(_ event: ParseEvent) {
    switch event {
    case .value(let value):
      handle(value)
    case .malformed(let problem):
      stats.malformed += 1
      log(.warn, "malformed input: \(problem.description)")
    }
  }

  private func handle(_ value: JSON) {
    let envelope: Envelope
    do {
      envelope = try Envelope(value)
    } catch {
      stats.malformed += 1
      log(.warn, "invalid envelope: \(error.reason)")
      guard let src = error.src, let id = error.msgID else { return }
      // Before init, answer as whoever it was addressed to, as for any request then; with no
      // usable `dest` either, answer nothing rather than write a message from `""`.
      guard let from = sender(dest: error.dest) else {
        return log(.warn, "no reply to \(src): no node id yet and no usable dest to answer from")
      }
      let body = errorBody(.malformedRequest, "invalid envelope: \(error.reason)", inReplyTo: id)
      emit(from: from, to: src, type: "error", built: body)
      return
    }
    stats.received += 1
    if firstMessageAt == nil { firstMessageAt = now.monotonic }
    record(.received, src: envelope.src, dest: envelope.dest, type: envelope.type)
    if logger.enabled(.trace) { log(.trace, "recv \(value.pythonText)") }
    if let inReplyTo = envelope.inReplyTo {
      deliverReply(envelope.body, inReplyTo: inReplyTo, from: envelope.src)
    } else {
      dispatch(Message(envelope, receivedAt: now))
    }
  }

  private func dispatch(_ message: Message) {
    if nodeID == nil {
      // Every reply before init goes out from `dest`: an empty one would be `"src": ""`.
      guard !message.dest.isEmpty else {
        return log(.warn, "ignored \(message.type) from \(message.src): empty dest before init")
      }
      if message.type != "init" {
        let error = RPCError(.temporarilyUnavailable, "node not initialized")
        return replyError(to: message, error, from: message.dest)
      }
    }
    guard let handler = handlers[message.type] else {
      replyError(
        to: message, RPCError(.notSupported, "unsupported message type: \"\(message.type)\""))
      return
    }
    do {
      try handler(self, message)
    } catch {
      replyError(to: message, error)
    }
  }

  /// Who answers a message addressed to `dest`: this node once it has an id, before that the
  /// `dest` itself when it is a non-empty string; nil means nobody (the node never writes a
  /// message whose `src` is empty).
  func sender(dest: String?) -> String? {
    if let nodeID { return nodeID }
    guard let dest, !dest.isEmpty else { return nil }
    return dest
  }

  /// Registers this node's identity, from `init`.
  public func initialize(nodeID: String, nodeIDs: [String]) {
    self.nodeID = nodeID
    self.nodeIDs = nodeIDs
  }
}
