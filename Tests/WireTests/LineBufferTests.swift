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
}
