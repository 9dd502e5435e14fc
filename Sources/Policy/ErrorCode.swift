/// A Maelstrom error code, as sent in the `code` field of an `error` body: the codes Maelstrom
/// defines are named below; any other integer (Maelstrom leaves 1000 and up to applications) is
/// a code too.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The number sent on the wire.
  public var rawValue: Int

  /// The code `rawValue`.
  @inlinable public init(rawValue: Int) { self.rawValue = rawValue }

  /// The code `rawValue`.
  @inlinable public init(_ rawValue: Int) { self.rawValue = rawValue }

  /// The operation timed out; it may or may not have taken effect.
  public static let timeout = ErrorCode(0)
  /// The destination node does not exist.
  public static let nodeNotFound = ErrorCode(1)
  /// The request's type is not supported by this node.
  public static let notSupported = ErrorCode(10)
  /// The node cannot serve the request right now; it definitely did not take effect.
  public static let temporarilyUnavailable = ErrorCode(11)
  /// The request is malformed: a field is missing or of the wrong type.
  public static let malformedRequest = ErrorCode(12)
  /// The node crashed while handling the request.
  public static let crash = ErrorCode(13)
  /// The operation was aborted.
  public static let abort = ErrorCode(14)
  /// The key does not exist.
  public static let keyDoesNotExist = ErrorCode(20)
  /// The key already exists.
  public static let keyAlreadyExists = ErrorCode(21)
  /// A precondition (such as a compare-and-set's expected value) did not hold.
  public static let preconditionFailed = ErrorCode(22)
  /// A transaction conflicted with another and was aborted.
  public static let txnConflict = ErrorCode(30)

  /// The number, as it is written in log lines.
  public var description: String { String(rawValue) }
}

/// A set of error codes from 0 to 63 (every code Maelstrom defines), as a bit mask: a retry
/// plan's codes that fail an attempt, copied into each call at no cost.
public struct ErrorCodes: Hashable, Sendable, ExpressibleByArrayLiteral {
  /// Bit `c` is set when code `c` is in the set.
  public var bits: UInt64

  /// No code.
  public static let none = ErrorCodes(bits: 0)

  /// The set of `bits`.
  @inlinable public init(bits: UInt64) { self.bits = bits }

  /// The set of `codes`, each from 0 to 63.
  public init(arrayLiteral codes: ErrorCode...) {
    bits = 0
    for c in codes { insert(c) }
  }

  /// Adds `code`, which must be from 0 to 63.
  public mutating func insert(_ code: ErrorCode) {
    precondition((0..<64).contains(code.rawValue), "a retry plan's codes are 0...63")
    bits |= 1 << UInt64(code.rawValue)
  }

  /// True when `code` is in the set.
  @inlinable public func contains(_ code: ErrorCode) -> Bool {
    (0..<64).contains(code.rawValue) && bits & (1 << UInt64(code.rawValue)) != 0
  }
}
