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
      if let src = error.src, let id = error.msgID {
        let body = errorBody(.malformedRequest, "invalid envelope: \(error.reason)", inReplyTo: id)
        // Before init, answer as whoever it was addressed to, as for any request then.
        emit(from: nodeID ?? error.dest ?? "", to: src, type: "error", built: body)
      }
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
    if nodeID == nil && message.type != "init" {
      replyError(
        to: message, RPCError(.temporarilyUnavailable, "node not initialized"), from: message.dest)
      return
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

  /// Registers this node's identity, from `init`.
  public func initialize(nodeID: String, nodeIDs: [String]) {
    self.nodeID = nodeID
    self.nodeIDs = nodeIDs
  }
}
