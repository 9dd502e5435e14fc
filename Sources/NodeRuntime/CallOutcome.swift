public import Policy

/// Why an attempt failed.
public enum FailureReason: Sendable, Hashable, CustomStringConvertible {
  /// Its wait for a reply ran out.
  case timeout
  /// It was answered with an error whose code the plan retries on (error 11, by default).
  case refused(ErrorCode)

  /// As log lines say it: `timeout`, `unavailable` (error 11), or `error_<code>`.
  public var description: String {
    switch self {
    case .timeout: return "timeout"
    case .refused(let code) where code == .temporarilyUnavailable: return "unavailable"
    case .refused(let code): return "error_\(code.rawValue)"
    }
  }
}

/// How a call ended. Every call ends exactly once, in one of these ways.
public enum CallOutcome: Sendable {
  /// A reply that is not an error.
  case reply(Message)
  /// An error reply whose code the plan does not retry on: the error and the whole reply.
  case error(RPCError, Message)
  /// Every attempt failed; the last one for this reason (one attempt that timed out included).
  case gaveUp(FailureReason)
  /// A call with no timeout of its own got no reply within `--reap-threshold-ms`.
  case reaped
}

/// What a call's completion is given: how it ended, and what it took.
public struct CallResult: Sendable {
  /// How it ended.
  public let outcome: CallOutcome
  /// The attempts sent.
  public let attempts: Int
  /// The backoff waits actually taken between attempts.
  public let waited: Interval
  /// From the first attempt to the end.
  public let elapsed: Interval
  /// The request that started the call (the one being handled then), if any: reply to it.
  public let requester: ReplyAddress?
  /// The call's id, as log lines name it (`call=3`).
  public let call: Int

  /// The reply, an error reply included; nil when the call gave up or was reaped.
  public var reply: Message? {
    switch outcome {
    case .reply(let m), .error(_, let m): return m
    case .gaveUp, .reaped: return nil
    }
  }
}

/// A call's completion: runs exactly once. An `RPCError` it throws is answered to the call's
/// requester (any other error as error 13); without a requester it is logged.
public typealias Completion = (Node, CallResult) throws -> Void
