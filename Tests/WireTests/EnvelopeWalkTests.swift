import Policy
import Testing

@testable import Wire

/// The envelope walk with its index in a local (`walkEnvelope`) against the parser's own walk
/// (`skipEnvelopeObject`): whatever the first accepts, the second accepts, ending at the same
/// byte with the same parts.
struct EnvelopeWalkTests {
  /// An envelope as a tree: the parts in a random order, sometimes an `id` or another key, a
  /// body with `type`, `msg_id`, maybe `in_reply_to` and random fields.
  func envelope(_ random: inout RandomJSON, _ rng: inout SplitMix64) -> JSON {
    func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    var body: [JSONObject.Field] = [.init("type", pick(8) == 0 ? random.value() : .string("echo"))]
    if pick(6) != 0 { body.append(.init("msg_id", pick(4) == 0 ? random.value() : .int(pick(100_000)))) }
    if pick(4) == 0 { body.append(.init("in_reply_to", random.integer())) }
    for _ in 0..<pick(4) { body.append(.init(["echo", "payload", "k", "msg_idx"][pick(4)], random.value())) }
    if pick(3) == 0 {
      // A flat object, as a relay's payload: plain keys, scalar values.
      var flat: [JSONObject.Field] = []
      for _ in 0..<pick(4) {
        let scalar: [JSON] = [.string("relay \(pick(9))"), .int(pick(1000) - 500), .bool(true), .bool(false), .null, random.value(depth: 4)]
        flat.append(.init(["type", "echo", "key", "value", "a"][pick(5)], scalar[pick(scalar.count)]))
      }
      body.append(.init("inner", .object(JSONObject(flat))))
    }
    body.shuffle(using: &rng)
    var top: [JSONObject.Field] = [
      .init("src", pick(10) == 0 ? random.value() : .string("c\(pick(20))")),
      .init("dest", .string("n1")),
      .init("body", pick(12) == 0 ? random.value() : .object(JSONObject(body))),
    ]
    if pick(2) == 0 { top.append(.init("id", .int(pick(1000)))) }
    if pick(5) == 0 { top.append(.init(random.string(), random.value())) }
    top.shuffle(using: &rng)
    return .object(JSONObject(top))
  }

  @Test func whatTheWalkAcceptsTheParsersWalkAcceptsWithTheSameParts() {
    var random = RandomJSON(rng: SplitMix64(seed: 0xE17))
    var junk = RandomJSON(rng: SplitMix64(seed: 0xE18))
    var messy = MessyJSON(rng: SplitMix64(seed: 0xE19))
    var rng = SplitMix64(seed: 0xE1A)
    let bytes: [UInt8] = Array(#"{}[]",:\/u019aeE.+-ntf "#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]
    var walked = 0
    var compact = 0
    for k in 0..<6000 {
      let value = envelope(&random, &rng)
      // A third written plainly (Python's format), the rest messily; half of them mutated.
      var text = Array((k % 3 == 0 ? value.pythonText : messy.text(value, randomJunk: &junk)).utf8)
      if k % 2 == 1 {
        for _ in 0..<(1 + Int(rng.next() % 2)) where !text.isEmpty {
          let at = Int(rng.next() % UInt64(text.count))
          switch rng.next() % 3 {
          case 0: text[at] = bytes[Int(rng.next() % UInt64(bytes.count))]
          case 1: text.remove(at: at)
          default: text.insert(bytes[Int(rng.next() % UInt64(bytes.count))], at: at)
          }
        }
      }
      text.append(0x0A)
      // The walk reads 16 bytes at a time, past its end when the buffer goes on: bytes there
      // (digits, quotes, letters) change nothing.
      let tail = Array(#"0123456789"abc\"}, 99"0000000000000000000000"#.utf8)
      let padded: (Bool, Int, [Int])? = (text + tail).withUnsafeBytes { p in
        var parser = ByteParser(p, from: 0, to: text.count, maxDepth: 512, atEOF: false)
        var s = EnvelopeSpans()
        guard parser.walkEnvelope(into: &s) else { return nil }
        return (true, parser.i, [s.src, s.dest, s.body, s.type, s.msgID, s.inReplyTo].map(\.lo))
      }
      let verdict: String? = text.withUnsafeBytes { p in
        var fast = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: false)
        var spans = EnvelopeSpans()
        guard fast.walkEnvelope(into: &spans) else {
          return padded == nil ? nil : "walked only with bytes after its end"
        }
        let parts = [spans.src, spans.dest, spans.body, spans.type, spans.msgID, spans.inReplyTo]
        guard let padded, padded.1 == fast.i, padded.2 == parts.map(\.lo) else {
          return "walked otherwise with bytes after its end"
        }
        walked += 1
        if k % 3 == 0 && k % 2 == 0 { compact += 1 }
        var slow = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: false)
        var expected = EnvelopeSpans()
        do throws(ParseFailure) {
          try slow.skipEnvelopeObject(level: 1, &expected)
        } catch {
          return "the walk accepted what the parser refuses (\(error))"
        }
        guard slow.i == fast.i else { return "ends at \(fast.i), the parser at \(slow.i)" }
        guard !expected.escapedKey else { return "the walk accepted an escaped key" }
        let pairs = [
          (spans.src, expected.src), (spans.dest, expected.dest), (spans.body, expected.body),
          (spans.type, expected.type), (spans.msgID, expected.msgID),
          (spans.inReplyTo, expected.inReplyTo),
        ]
        for (n, (a, b)) in pairs.enumerated() where a.lo != b.lo || a.hi != b.hi {
          return "part \(n) at \(a.lo)..<\(a.hi), the parser's at \(b.lo)..<\(b.hi)"
        }
        // Body fields found through the fields the walk noted, as the tree has them.
        var again = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: false)
        guard let view = try? MessageView(parsing: &again), case .object(let top) = view.parsed()
        else { return "the view of a walked envelope failed" }
        if case .object(let body)? = top["body"] {
          for key in ["type", "msg_id", "in_reply_to", "echo", "payload", "k", "msg_idx", "inner", "", "x"] {
            let found = view.field(key)?.pythonText
            if found != body[key]?.pythonText {
              return "field \(key): \(found ?? "-"), the tree's \(body[key]?.pythonText ?? "-")"
            }
          }
        }
        return nil
      }
      if let verdict {
        Issue.record("text \(k): \(String(decoding: text, as: UTF8.self))\n\(verdict)")
        return
      }
    }
    // The walk is taken for most plain envelopes without a mutation (not for a repeated key, a
    // random key with an escape, or one whose signature another key shares), and for others.
    #expect(compact > 550, "\(compact) of 1000 plain envelopes walked")
    #expect(walked > 750, "\(walked) of 6000 walked")
  }

  @Test func maelstromsOwnEnvelopesAreWalked() {
    let texts = [
      #"{"id":2,"src":"c1","dest":"n1","body":{"echo":"Please echo 2","type":"echo","msg_id":2}}"#,
      #"{"src":"n2","dest":"n1","body":{"type":"read_ok","value":[1,2.5,{"a":null}],"in_reply_to":-7}}"#,
      #"{ "src" : "c1" , "dest" : "n1" , "body" : { "type" : "echo" , "msg_id" : 0 } }"#,
    ]
    for text in texts {
      let walked = Array((text + "\n").utf8).withUnsafeBytes { p in
        var parser = ByteParser(p, from: 0, to: p.count, maxDepth: 512, atEOF: false)
        var spans = EnvelopeSpans()
        return parser.walkEnvelope(into: &spans)
      }
      #expect(walked, "\(text)")
    }
  }
}
