import Wire

/// The fast path against the tree path on one input: the stream read as `MessageView`s (each
/// value transcoded from its bytes) reports what the plain stream reports, the same problems in
/// the same order and each value printed the same. A difference traps, so libFuzzer saves it.
func checkViewsAgreeWithTrees(_ input: UnsafeRawBufferPointer) {
  let n = input.count
  let cuts = [0, n / 3, n - n / 5, n]
  var plain = StreamParser(maxValueBytes: 2048, maxDepth: 512)
  var viewed = StreamParser(maxValueBytes: 2048, maxDepth: 512)
  let expected = Lines()
  let seen = Lines()
  for (from, to) in zip(cuts, cuts.dropFirst()) {
    let chunk = UnsafeRawBufferPointer(rebasing: input[from..<to])
    plain.feed(chunk) { expected.note($0) }
    viewed.feed(
      chunk,
      views: { view in
        seen.items.append("value " + view.whole.pythonText)
        checkParts(view)
        return true
      }, { seen.note($0) })
  }
  plain.finish { expected.note($0) }
  viewed.finish { seen.note($0) }
  precondition(
    seen.items == expected.items, "views and trees disagree: \(seen.items) vs \(expected.items)")
}

/// The envelope's parts as the view found them (by the envelope walk or the parser's) against
/// the same parts of the tree: `src`, `dest` and `body`, then the body's `type`, `msg_id` and
/// `in_reply_to`, each its last occurrence. Checked on the envelopes the runtime reads by their
/// parts (`isPlainEnvelope`); the others go through the tree.
func checkParts(_ view: MessageView) {
  guard view.isPlainEnvelope, case .object(let top) = view.parsed() else { return }
  func same(_ part: RawJSON?, _ tree: JSON?, _ name: String) {
    precondition(
      part?.pythonText == tree?.pythonText,
      "part \(name): view \(part?.pythonText ?? "-"), tree \(tree?.pythonText ?? "-")")
  }
  same(view.src, top["src"], "src")
  same(view.dest, top["dest"], "dest")
  same(view.body, top["body"], "body")
  guard case .object(let body)? = top["body"] else { return }
  same(view.type, body["type"], "type")
  same(view.msgID, body["msg_id"], "msg_id")
  same(view.inReplyTo, body["in_reply_to"], "in_reply_to")
}

/// What a stream reported, one line per event.
final class Lines {
  var items: [String] = []

  func note(_ event: ParseEvent) {
    switch event {
    case .value(let v): items.append("value " + v.pythonText)
    case .malformed(let m): items.append("malformed " + m.description)
    }
  }
}
