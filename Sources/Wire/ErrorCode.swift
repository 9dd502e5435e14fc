/// Maelstrom's error codes, as sent in the `code` field of an `error` body.
public enum ErrorCode: Int, Sendable, CaseIterable {
  /// The operation timed out; it may or may not have taken effect.
  case timeout = 0
  /// The destination node does not exist.
  case nodeNotFound = 1
  /// The request's type is not supported by this node.
  case notSupported = 10
  /// The node cannot serve the request right now; it definitely did not take effect.
  case temporarilyUnavailable = 11
  /// The request is malformed: a field is missing or of the wrong type.
  case malformedRequest = 12
  /// The node crashed while handling the request.
  case crash = 13
  /// The operation was aborted.
  case abort = 14
  /// The key does not exist.
  case keyDoesNotExist = 20
  /// The key already exists.
  case keyAlreadyExists = 21
  /// A precondition (such as a compare-and-set's expected value) did not hold.
  case preconditionFailed = 22
  /// A transaction conflicted with another and was aborted.
  case txnConflict = 30
}
