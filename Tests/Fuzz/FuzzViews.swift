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
        return true
      }, { seen.note($0) })
  }
  plain.finish { expected.note($0) }
  viewed.finish { seen.note($0) }
  precondition(
    seen.items == expected.items, "views and trees disagree: \(seen.items) vs \(expected.items)")
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
