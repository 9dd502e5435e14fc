import Policy
import Testing

@testable import Wire

struct ChunkingFuzzTests {
  @Test func newlinesAreFoundAndCountedEightBytesAtATime() {
    var random = SplitMix64(seed: 7)
    for n in 0..<200 {
      let bytes = (0..<n).map { _ in random.next() % 4 == 0 ? UInt8(0x0A) : UInt8(random.next() & 0xFF) }
      bytes.withUnsafeBytes { p in
        for from in [0, 1, 7, 8, 9] where from <= n {
          let want = bytes[from...].count { $0 == 0x0A }
          let last = bytes[from...].lastIndex(of: 0x0A) ?? -1
          #expect(Newlines.count(p, from: from, to: n) == (want, last))
          #expect(Newlines.first(p, from: from, to: n) == bytes[from...].firstIndex(of: 0x0A) ?? n)
        }
      }
    }
  }

  @Test func corruptedStreamsGiveTheSameEventsWhateverTheChunks() {
    var random = RandomJSON(rng: SplitMix64(seed: 42))
    let junk: [[UInt8]] = [
      Array("{".utf8), Array("]".utf8), Array("\"".utf8), Array("\n".utf8), Array(",".utf8),
      Array(":".utf8), Array("1e".utf8), Array("\\u".utf8), [0xC3], [0xFF], Array("  ".utf8),
      Array("[[[[".utf8), Array("\"\\ud800\"".utf8),
      // The resync rules: a first-column brace, a whole line, an indented one, a cut value.
      Array("\n{".utf8), Array("\n{\"k\": [1, {}]}\n".utf8), Array("\n  {}".utf8), Array(": [\n".utf8),
    ]
    for _ in 0..<1000 {
      var bytes: [UInt8] = []
      for _ in 0..<(1 + random.int(4)) {
        JSONWriter.append(random.value(), to: &bytes)
        bytes.append(random.int(3) == 0 ? 0x20 : 0x0A)
      }
      for _ in 0..<random.int(3) where !bytes.isEmpty {
        let at = random.int(bytes.count)
        switch random.int(3) {
        case 0: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.int(8)))
        case 1: bytes.insert(contentsOf: junk[random.int(junk.count)], at: at)
        default: bytes[at] = junk[random.int(junk.count)][0]
        }
      }
      let parser = StreamParser(maxValueBytes: 300, maxDepth: 6)
      let whole = summary(events(bytes, parser: parser))
      var cuts: [Int] = []
      var at = 0
      while at < bytes.count {
        at += 1 + random.int(40)
        cuts.append(min(at, bytes.count))
      }
      let chunked = summary(events(bytes, cuts: cuts, parser: parser))
      for m in problems(events(bytes, cuts: cuts, parser: parser)) {
        let before = bytes[..<min(m.offset, bytes.count)]
        let lineStart = (before.lastIndex(of: 0x0A) ?? -1) + 1
        #expect(m.line == 1 + before.count { $0 == 0x0A } && m.column == m.offset - lineStart + 1)
        // The excerpt starts at the line's start, even when that start came in an earlier chunk.
        if m.column <= 81 {
          var start: [UInt8] = []
          MalformedInput.escape(bytes[lineStart..<min(m.offset, bytes.count)], into: &start)
          #expect(m.excerpt.utf8.starts(with: start), "\(m) in \(cuts)")
        }
      }
      #expect(chunked == whole, "\(String(decoding: bytes, as: UTF8.self))")
      if chunked != whole { return }
    }
  }
}
