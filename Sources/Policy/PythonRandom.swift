/// A Mersenne Twister (MT19937) seeded and drawn exactly like CPython's `random.Random(seed)`.
///
/// Chaos mode drops messages on `random() < drop_rate`, and this type makes that filter match a
/// Python run draw for draw: same seeding of the 624-word state from the integer seed, same
/// tempering, same construction of a 53-bit double from two 32-bit outputs.
public struct PythonRandom: RandomNumberGenerator, Sendable {
  @usableFromInline static let stateWords = 624
  @usableFromInline static let shiftWords = 397

  /// The 624 words of generator state; copied on write, so a copy replays the same stream.
  @usableFromInline var state: [UInt32]
  /// Where the next output comes from; 624 means the state must be regenerated first.
  @usableFromInline var index: Int

  /// Seeds the generator the way CPython's `random.seed(seed)` does for an `int`.
  ///
  /// CPython splits `abs(seed)` into 32-bit words, least significant first (one zero word for
  /// seed 0), and feeds them to the reference `init_by_array`; so `seed` and `-seed` agree.
  public init(seed: Int) {
    var n = seed.magnitude
    var key: [UInt32] = []
    repeat {
      key.append(UInt32(truncatingIfNeeded: n))
      n >>= 32
    } while n != 0
    self.init(key: key)
  }

  /// Seeds the generator with the reference `init_by_array(key)` of Matsumoto and Nishimura.
  public init(key: [UInt32]) {
    precondition(!key.isEmpty, "init_by_array needs at least one key word")
    let n = Self.stateWords
    var mt = [UInt32](repeating: 0, count: n)
    // init_genrand(19650218): a fixed linear-congruential fill that the key is then mixed into.
    mt[0] = 19_650_218
    for i in 1..<n {
      mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
    }
    var i = 1
    var j = 0
    for _ in 0..<max(n, key.count) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
      i += 1
      j += 1
      if i >= n {
        mt[0] = mt[n - 1]
        i = 1
      }
      if j >= key.count { j = 0 }
    }
    for _ in 0..<(n - 1) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
      i += 1
      if i >= n {
        mt[0] = mt[n - 1]
        i = 1
      }
    }
    mt[0] = 0x8000_0000  // the most significant bit is 1, so the state is never all zeros
    self.state = mt
    self.index = n
  }

  /// Returns the next 32-bit output, CPython's `genrand_uint32` (`getrandbits(32)`).
  @inlinable public mutating func nextUInt32() -> UInt32 {
    if index >= Self.stateWords { regenerate() }
    var y = state[index]
    index += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  /// Returns a double in [0, 1) with 53 random bits, exactly like CPython's `random()`.
  @inlinable public mutating func random() -> Double {
    let a = UInt64(nextUInt32() >> 5)  // 27 bits
    let b = UInt64(nextUInt32() >> 6)  // 26 bits
    return Double(a * 67_108_864 + b) / 9_007_199_254_740_992
  }

  /// Returns 64 bits made of two 32-bit outputs, the first one in the high half.
  @inlinable public mutating func next() -> UInt64 {
    let high = UInt64(nextUInt32())
    return high << 32 | UInt64(nextUInt32())
  }

  /// Refills all 624 words at once, the reference twist; O(624) every 624 outputs.
  @usableFromInline mutating func regenerate() {
    let n = Self.stateWords
    let m = Self.shiftWords
    state.withUnsafeMutableBufferPointer { mt in
      for k in 0..<n {
        let y = (mt[k] & 0x8000_0000) | (mt[(k + 1) % n] & 0x7FFF_FFFF)
        let mag: UInt32 = (y & 1) == 0 ? 0 : 0x9908_B0DF
        mt[k] = mt[(k + m) % n] ^ (y >> 1) ^ mag
      }
    }
    index = 0
  }
}
