import Glibc

/// A failed call into libevent or the system while setting up or running the loop.
public struct LoopError: Error, CustomStringConvertible {
  /// The failing call and what it acted on, such as `event_add(stdin)`.
  public let call: String
  /// The errno the call left, when it sets one.
  public let code: Int32?

  /// Records a failure of `call`, with `code` when the call reports one through errno.
  public init(_ call: String, code: Int32? = nil) {
    self.call = call
    self.code = code
  }

  /// One line such as `event_add(stdin) failed: Operation not permitted`.
  public var description: String {
    guard let code, code != 0 else { return "\(call) failed" }
    return "\(call) failed: \(errnoText(code))"
  }
}
