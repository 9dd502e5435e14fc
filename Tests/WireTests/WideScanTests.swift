import Policy
import Testing

@testable import Wire

/// The scans that look at many bytes in one step, against the byte-at-a-time rules they stand
/// for: every byte value in every lane, and random bytes.
struct WideScanTests {
  /// Runs `check` on 16 bytes: each value 0...255 in each lane among plain bytes, then random
  /// ones weighted towards `near`.
  func lanes(near: [UInt8], _ check: ([UInt8]) -> Void) {
    for lane in 0..<16 {
      for b in 0...255 {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 16)
        bytes[lane] = UInt8(b)
        check(bytes)
      }
    }
    var rng = SplitMix64(seed: 0x16)
    for _ in 0..<20_000 {
      check(
        (0..<16).map { _ in
          rng.next() % 3 == 0 ? UInt8(rng.next() & 0xFF) : near[Int(rng.next() % UInt64(near.count))]
        })
    }
  }

  @Test func theFirstSpecialDigitAndNewlineAreFoundSixteenBytesAtATime() {
    lanes(near: Array("09az\"\\\n /:".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xFF]) { bytes in
      bytes.withUnsafeBufferPointer { b in
        let p = b.baseAddress!
        let special = bytes.firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 || $0 >= 0x80 }
        #expect(Bytes16.firstSpecial(p) == special ?? 16, "\(bytes)")
        #expect(Bytes16.firstNonDigit(p) == bytes.firstIndex { $0 < 0x30 || $0 > 0x39 } ?? 16)
        #expect(Bytes16.firstNewline(p) == bytes.firstIndex(of: 0x0A) ?? 16)
      }
    }
  }

  @Test func fourHexDigitsAreReadAsOneWord() {
    func reference(_ bytes: [UInt8]) -> UInt32? {
      var v: UInt32 = 0
      for b in bytes {
        guard let d = Int(String(UnicodeScalar(b)), radix: 16), b < 0x80 else { return nil }
        v = v << 4 | UInt32(d)
      }
      return v
    }
    func word(_ bytes: [UInt8]) -> UInt32 {
      bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }
    let near = Array("0189aAfFgG/:@`".utf8) + [0x00, 0x7F, 0x80, 0xB0, 0xC6, 0xE6, 0xFF]
    for lane in 0..<4 {
      for b in 0...255 {
        for other in [UInt8(ascii: "0"), UInt8(ascii: "f"), UInt8(ascii: "A")] {
          var bytes = [UInt8](repeating: other, count: 4)
          bytes[lane] = UInt8(b)
          #expect(ByteParser.hexWord(word(bytes)) == reference(bytes), "\(bytes)")
        }
      }
    }
    var rng = SplitMix64(seed: 0x4E)
    for _ in 0..<100_000 {
      let bytes = (0..<4).map { _ in
        rng.next() % 4 == 0 ? UInt8(rng.next() & 0xFF) : near[Int(rng.next() % UInt64(near.count))]
      }
      #expect(ByteParser.hexWord(word(bytes)) == reference(bytes), "\(bytes)")
    }
  }
}
