import Testing

@testable import Wire

/// Lines written in place into the output buffer, short and long, as `JSONWriter.appendLine`
/// writes them into an array.
struct LineBufferTests {
  @Test func linesOfAnyLengthAreWrittenAsAppendLineWritesThem() {
    let buffer = LineBuffer(capacity: 512)
    var expected: [UInt8] = []
    // Short lines, then one far longer than the room left (written on the heap, copied in),
    // then short ones again after the buffer grew.
    for (k, size) in [10, 20, 400, 5_000, 30, 0, 70_000, 5].enumerated() {
      let text = String(repeating: "x\u{e9}\"", count: size)
      let line: (inout LineWriter) -> Void = { w in
        w.open(src: "n1", dest: "c\(k)")
        w.field("text", string: text)
        w.field("k", int: k)
      }
      buffer.appendLine(line)
      JSONWriter.appendLine(to: &expected, line)
    }
    // Compared as a Bool: a failure's description of two arrays of 700 KB takes minutes.
    let same = buffer.withUnsafeBytes { Array($0) } == expected
    #expect(same, "the buffer's bytes differ from appendLine's")
    #expect(buffer.count == expected.count)
    // The text of the last line, without its newline, for the trace log.
    let lastStart = expected.dropLast().lastIndex(of: 0x0A)! + 1
    #expect(buffer.lineText(from: lastStart) == String(decoding: expected[lastStart..<(expected.count - 1)], as: UTF8.self))
    buffer.removeAll()
    #expect(buffer.isEmpty)
    buffer.appendLine { w in w.open(src: "n1", dest: "c1") }
    #expect(buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == #"{"src": "n1", "dest": "c1", "body": {}}"# + "\n")
  }

  /// The texts a line buffer keeps from line to line (types, keys by place, dests, the last
  /// msg_id counted up) write what a line written anew writes, as they change and come back.
  @Test func keptTextsWriteWhatFreshLinesWrite() {
    let buffer = LineBuffer()
    var expected: [UInt8] = []
    let head = LineHead(src: "n1")
    let types = ["echo_ok", "read_ok", "a \"quoted\" type that is longer than the room", "\u{e9}"]
    let keys = ["echo", "value", "k\n", "x", "y", "z"]
    // Ids one by one, with gaps (forwarded bodies), across carries, and back down.
    var ids = Array(0..<130) + [198, 199, 200, 205, 999, 1_000, 1_008, 1_017, 7, -3, -2, 0]
    ids += [Int.max - 1, Int.max, 999_999_999_999_999_999]
    for (k, id) in ids.enumerated() {
      let dest = k % 7 == 0 ? "client-\(k % 40)-with-a-long-name" : "c\(k % 23)"
      let type = types[k % 3 == 0 ? (k / 3) % types.count : 0]
      let fields = k % 5
      buffer.appendLine { w in
        w.open(head, dest: dest)
        w.type(type)
        for f in 0..<fields { w.field(keys[(f + k / 11) % keys.count], int: f) }
        w.msgID(id)
      }
      JSONWriter.appendLine(to: &expected) { w in
        w.open(src: "n1", dest: dest)
        w.type(type)
        for f in 0..<fields { w.field(keys[(f + k / 11) % keys.count], int: f) }
        w.msgID(id)
      }
    }
    let written = buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    #expect(written == String(decoding: expected, as: UTF8.self))
  }
}
