import Policy
import Testing

@testable import Wire

struct ChunkingFuzzTests {
  @Test func corruptedStreamsGiveTheSameEventsWhateverTheChunks() {
    var random = RandomJSON(rng: SplitMix64(seed: 42))
    let junk: [[UInt8]] = [
      Array("{".utf8), Array("]".utf8), Array("\"".utf8), Array("\n".utf8), Array(",".utf8),
      Array(":".utf8), Array("1e".utf8), Array("\\u".utf8), [0xC3], [0xFF], Array("  ".utf8),
      Array("[[[[".utf8), Array("\"\\ud800\"".utf8),
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
      #expect(chunked == whole, "\(String(decoding: bytes, as: UTF8.self))")
      if chunked != whole { return }
    }
  }
}
