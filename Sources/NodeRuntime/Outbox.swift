internal import Policy
internal import Wire

extension Node {
  /// Replies to `request` with a body of `type`, then `fields` in order, then `in_reply_to` and
  /// `msg_id`. A request without `msg_id` gets no reply.
  public func reply(
    to request: Message, _ type: String, _ fields: KeyValuePairs<String, Value> = [:]
  ) {
    guard case .raw(let m) = request.storage else {
      return reply(to: request.address, type, fields)
    }
    reply(raw: m, type) { w in for (k, v) in fields { w.field(k, v) } }
  }

  /// Replies to `request` with a body of `type` and the request's own field `key`, passed
  /// through as it came (an echo); error 12 when the request has no such field. Nothing of
  /// the field is read or copied: it is written straight from the request's bytes.
  public func reply(to request: Message, _ type: String, passing key: String) throws(RPCError) {
    guard case .raw(let m) = request.storage else {
      return reply(to: request, type, [key: try request.value(key)])
    }
    let found = passedKey.key(of: key).map { m.rawField(key, key: $0) } ?? m.rawField(key)
    guard let value = found else { throw request.missing(key) }
    reply(raw: m, type) { w in w.field(key, value) }
  }

  /// Replies to a request read from its bytes: its `msg_id` is transcoded into `in_reply_to` as
  /// it came, with no tree and no address made; `fields` writes what follows `type`.
  @inline(__always)
  private func reply(raw m: RawMessage, _ type: String, _ fields: (inout LineWriter) -> Void) {
    guard let inReplyTo = m.rawMsgID, !inReplyTo.isNull else { return }
    let id = takeMsgID()
    transmit(from: nodeID, to: .sender(of: m), type: type, id: id) { w in
      w.type(type)
      fields(&w)
      w.inReplyTo(inReplyTo)
      w.msgID(id)
    }
  }

  /// Replies to the request at `address`, as `reply(to:_:_:)` does: a completion keeps the
  /// address (`CallResult.requester`, or `Message.address`), not the whole request.
  public func reply(
    to address: ReplyAddress, _ type: String, _ fields: KeyValuePairs<String, Value> = [:]
  ) {
    guard let inReplyTo = address.rawMsgID else { return }
    // Written straight into the output: values passed through are transcoded, no body is built.
    let id = takeMsgID()
    transmit(from: nodeID, to: address.src, type: type, id: id) { w in
      w.type(type)
      for (k, v) in fields { w.field(k, v) }
      w.reply(inReplyTo: inReplyTo, msgID: id)
    }
  }

  /// Replies to `request` with an error body `{"type": "error", "code", "text", ...}`.
  public func replyError(to request: Message, _ error: RPCError) {
    replyError(to: request.address, error)
  }

  /// Replies to the request at `address` with an error body.
  public func replyError(to address: ReplyAddress, _ error: RPCError) {
    replyError(to: address, error, from: nodeID)
  }

  /// Replies with an error, from `src` (a request's `dest`, before `init`).
  func replyError(to request: Message, _ error: RPCError, from src: String) {
    replyError(to: request.address, error, from: src)
  }

  func replyError(to address: ReplyAddress, _ error: RPCError, from src: String) {
    guard let inReplyTo = address.rawMsgID else {
      log(.debug, "no reply without msg_id:", "error \(error.code) \(error.text)")
      return
    }
    let body = errorBody(error.code, error.text, inReplyTo: inReplyTo)
    emit(from: src, to: address.src, type: "error", built: body)
  }

  /// Sends a one-way message of `type` with `fields` to `dest`: no reply is awaited (one that
  /// comes anyway is dropped as late).
  public func send(_ dest: String, _ type: String, _ fields: KeyValuePairs<String, Value> = [:]) {
    emit(from: nodeID, to: dest, type: type, built: Node.body(type, fields))
  }

  /// Sends `body`, an object, to `dest` as a one-way message; its `msg_id` is set in place, or
  /// appended when it has none.
  public func send(_ dest: String, body: Value) {
    guard case .object(let o) = body.json else { preconditionFailure("a body is an object") }
    emit(from: nodeID, to: dest, forwarding: o)
  }

  /// A body of `type` then `fields`, for a message the node builds.
  static func body(_ type: String, _ fields: KeyValuePairs<String, Value>) -> JSONObject {
    var body = JSONObject()
    body.fields.reserveCapacity(fields.count + 2)
    body.append("type", .string(type))
    for (k, v) in fields { body[k] = v.json }
    return body
  }

  func errorBody(_ code: ErrorCode, _ text: String, inReplyTo: JSON) -> JSONObject {
    JSONObject([
      .init("type", .string("error")), .init("code", .int(code.rawValue)),
      .init("text", .string(text)), .init("in_reply_to", inReplyTo),
    ])
  }

  /// Sends a body the node built (a reply or an error, of `type`): it holds no `msg_id` yet, so
  /// the next one is appended without looking. Returns the id, used even if a filter drops it.
  @discardableResult
  func emit(from src: String, to dest: String, type: String, built body: consuming JSONObject)
    -> Int
  {
    let id = takeMsgID()
    transmit(from: src, to: dest, type: type, id: id) { w in
      for f in body.fields { w.field(f.key, f.value) }
      w.msgID(id)
    }
    return id
  }

  /// The next outgoing `msg_id`, used up.
  @inline(__always) func takeMsgID() -> Int {
    let id = nextMsgID
    nextMsgID += 1
    return id
  }

  /// Sends a body the node forwards (a payload): the next `msg_id` replaces the payload's own in
  /// place, or is appended when it has none. Returns the id, used even if a filter drops it.
  @discardableResult
  func emit(from src: String, to dest: String, forwarding body: consuming JSONObject) -> Int {
    let id = takeMsgID()
    body["msg_id"] = .int(id)
    transmit(from: src, to: dest, type: body["type"]?.stringValue ?? "", id: id) { w in
      for f in body.fields { w.field(f.key, f.value) }
    }
    return id
  }

  /// Writes one message line to `dest`, unless the send filter drops it.
  func transmit(
    from src: String, to dest: String, type: String, id: Int,
    _ body: (inout LineWriter) -> Void
  ) {
    transmit(from: src, to: .name(dest), type: type, id: id, body)
  }

  /// Writes one message line, unless the send filter drops it.
  func transmit(
    from src: String, to dest: Recipient, type: String, id: Int,
    _ body: (inout LineWriter) -> Void
  ) {
    if let sendFilter,
      !sendFilter(self, Outgoing(src: src, dest: dest.text, type: type, msgID: id))
    {
      return
    }
    guard !src.isEmpty else {
      // Only before `init` (a timer armed too early): a message must name its sender.
      return log(
        .warn, "not sent:", "no node id yet, dest=\(dest.text) type=\(type) msg_id=\(id)")
    }
    if lineHead.src != src { (lineHead, lineHeadKey) = (LineHead(src: src), NameKey(src)) }
    let head = lineHead
    let start = output.count
    output.appendLine { w in
      switch dest {
      case .name(let d): w.open(head, dest: d)
      case .sender(let m): w.open(head, dest: m)
      }
      body(&w)
    }
    stats.sent += 1
    if envelopeLog.isKeeping { note(dest, type, in: envelopeLog) }
    if logger.enabled(.trace) {
      log(.trace, "sent", output.lineText(from: start))
    }
  }
}

extension Node {
  /// Keeps the line just written in the envelope log: the keys of its sender (kept with the
  /// line head) and of the last type sent are kept, and a request's sender's is read from its
  /// bytes.
  private func note(_ dest: Recipient, _ type: String, in log: EnvelopeLog) {
    let destKey: NameKey?
    switch dest {
    case .name(let d): destKey = NameKey(d)
    case .sender(let m): destKey = m.srcKey
    }
    if !log.record(now.unixMilliseconds, .sent, lineHeadKey, destKey, sentType.key(of: type)) {
      log.nameLast(lineHead.src, dest.text, type)
    }
  }
}

/// Whom a line goes to: a name, or the sender of a request read from its bytes, whose `src` is
/// then written straight from them (no string is made for it).
enum Recipient {
  case name(String)
  case sender(of: RawMessage)

  /// The name, as a string.
  var text: String {
    switch self {
    case .name(let name): return name
    case .sender(let m): return m.srcText
    }
  }
}
