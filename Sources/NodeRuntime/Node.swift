public import Policy
internal import Wire

/// A handler for one request type: reads the message, replies, sends, starts calls through the
/// node. An `RPCError` it throws is answered as an error reply; any other error as error 13.
public typealias Handler = (Node, Message) throws -> Void

/// The node as its handlers see it: who it is, reply, send, call, timers, logging and counters.
/// The methods that drive it (bytes in, time passing, output out) are on `Runtime`, which owns
/// it, so no handler can re-enter the parser.
///
/// Handlers are registered by message type with `handle(_:_:)`. A family of handlers keeps its
/// state in an object of its own whose handlers capture it; closures are given the node as their
/// first argument and never need to capture it.
public final class Node {
  /// The engine's settings.
  public let config: NodeConfig
  /// Where log lines go.
  public var logger: Logger
  /// The counters.
  public internal(set) var stats = Stats()
  /// This node's id, from `init` (empty before it).
  public internal(set) var nodeID = ""
  /// Every node's id, from `init`, this one's included.
  public internal(set) var nodeIDs: [String] = []
  /// True once `init` has arrived: before, every request but `init` gets error 11.
  public internal(set) var isInitialized = false
  /// The node's seeded generator (`--seed`): backoff jitter draws from it, and so may handlers.
  public var rng: SplitMix64
  /// The reading of the clocks for the callback under way.
  public internal(set) var now: ClockReading

  /// Called with each valid message received, request or reply, before it is handled.
  public var receiveTap: ((Node, Message) -> Void)?
  /// Called with each message about to be written; returning false drops it (its `msg_id` is
  /// used anyway). Nil, the default, costs one comparison per message.
  public var sendFilter: ((Node, Outgoing) -> Bool)?

  /// The handlers by type, each in a box: a closure stored in a dictionary is called through
  /// two reabstraction thunks, a box's closure directly.
  var handlers: [String: HandlerEntry] = [:]
  /// The handler the last request went to (see `handler(for:)`).
  var lastHandler: HandlerEntry?
  var initHooks: [(Node) throws -> Void] = []
  /// The envelopes kept, once `keepEnvelopes(_:)` was called.
  let envelopeLog = EnvelopeLog()
  /// The field `reply(to:_:passing:)` passed last, with its key.
  var passedKey = KeyedName()
  /// The last type noted as sent in the envelope log, with its key.
  var sentType = KeyedName()
  var parser: StreamParser
  let output = LineBuffer()
  /// The start of the lines written last, for their sender (this node, once it has an id).
  var lineHead = LineHead(src: "")
  /// The key of the line head's sender, for the envelope log.
  var lineHeadKey: NameKey?
  /// The copy of the message being handled on the fast path; reused while nothing keeps it.
  var incoming = RawMessage()
  var nextMsgID = 0
  var inputEnded = false
  /// Set while the runtime is inside a callback, to catch re-entry.
  var busy = false
  /// The request on whose behalf calls started now run: the one being handled, or the one that
  /// started the call whose completion runs; nil in timers. The request being handled is pointed
  /// to and its address made only when asked: most handlers start no call.
  var requester: ReplyAddress? {
    get { request?.pointee.address ?? requesterAddress }
    set {
      requesterAddress = newValue
      request = nil
    }
  }
  /// The request being handled, while its handler runs: the dispatcher's own, through a pointer
  /// valid only then (keeping a copy cost a retain and a release a message).
  var request: UnsafePointer<Message>?
  /// The requester set by a call's completion (or nil), when no request is being handled.
  var requesterAddress: ReplyAddress?
  var pending: PendingCalls<UInt32>
  var calls = Slab<Call>()
  /// The last call id given; ids count from 1 and are never reused.
  var lastCallID = 0
  /// The kind and plan of the last call, shared with the next call of the same kind and plan.
  var lastShape: CallShape?
  /// Scratch for a new call's record: `dest`, the requester's `src` and `msg_id` text, then
  /// the body (`keptSrcCount` nil: no requester).
  var keptTexts: [UInt8] = []
  var keptDestCount = 0
  var keptSrcCount: Int?
  var keptMsgIDCount = 0
  var keptBodyStart = 0
  /// The type of the last kept body sent, reused while the next has the same.
  var lastKeptType: String?
  /// Pending slots promised to the later attempts of calls under way.
  var reservedSlots = 0
  var timers = DeadlineQueue<TimerEvent>()
  var userTimers = Slab<UserTimer>()
  var lastTimerID = 0
  /// One-shot user timers armed: they keep a node whose input ended running until they ran.
  var oneShotTimers = 0
  /// The grid the reaper's passes fall on, once it has been armed.
  var reaperGridOrigin: Instant?
  /// The deadline of the reaper's next pass, when one is armed.
  var reaperDeadline: Instant?
  var limiter: LineLimiter
  /// Whether `--log-rate` applies at the configured level (info and less verbose).
  let limited: Bool
  /// The deadline of the armed report of suppressed lines, if any.
  var reportDeadline: Instant?

  init(config: NodeConfig, logger: Logger, at now: ClockReading) {
    self.config = config
    self.logger = logger
    self.now = now
    self.rng = SplitMix64(seed: config.seed ?? 0)
    self.parser = StreamParser(maxValueBytes: config.maxMessageBytes, maxDepth: 512)
    self.pending = PendingCalls(limit: config.maxPending)
    self.limiter = LineLimiter(rate: config.logRate)
    self.limited = config.logLevel <= .info && config.logRate > 0
    logStart()
  }

  private func logStart() {
    let c = config
    var fields = c.workload.map { "workload=\($0) " } ?? ""
    fields += "seed=\(c.seed ?? 0)"
    for (k, v) in c.startFields { fields += " \(k)=\(v)" }
    fields +=
      " reap_threshold_ms=\(c.reapThreshold.roundedMilliseconds)"
      + " reap_interval_ms=\(c.reapInterval.roundedMilliseconds) max_pending=\(c.maxPending)"
      + " max_message_bytes=\(c.maxMessageBytes) log_level=\(c.logLevel.name)"
      + " log_rate=\(c.logRate)"
    log(.info, "start", "\(c.program) \(c.version) \(fields)")
  }

  /// Registers `handler` for requests of `type`, replacing any earlier one. `init` is the
  /// engine's own: use `onInit(_:)` to act on it.
  public func handle(_ type: String, _ handler: @escaping Handler) {
    precondition(type != "init", "init is handled by the engine; use onInit")
    handlers[type] = HandlerEntry(type: type, handler: handler)
    lastHandler = nil
  }

  /// Runs `hook` after each `init` has been stored and answered (the ids are set).
  public func onInit(_ hook: @escaping (Node) throws -> Void) {
    initHooks.append(hook)
  }

  /// The other nodes' ids.
  public var peers: [String] { nodeIDs.filter { $0 != nodeID } }

  /// The number of outgoing `msg_id`s awaiting a reply.
  public var pendingCount: Int { pending.count }

  /// Keeps the newest `capacity` envelopes read and written from now on, for
  /// `envelopes(last:)` (the track's `get_log`); each costs no string until it is read.
  public func keepEnvelopes(_ capacity: Int) {
    envelopeLog.keep(capacity)
  }

  /// The newest `n` envelopes kept (all of them when `n` is larger), oldest first; none unless
  /// `keepEnvelopes(_:)` was called.
  public func envelopes(last n: Int) -> [EnvelopeEntry] { envelopeLog.suffix(n) }

  /// Logs `event` (`rpc retry`, `chaos on`, `malformed input:`, ...) and its `fields` at
  /// `level`, as `<time> LEVEL event fields`. At info and less verbose levels, each event (named
  /// without a trailing colon) gets at most `--log-rate` lines a second; the others are counted
  /// and reported once the second is over.
  public func log(_ level: LogLevel, _ event: String, _ fields: @autoclosure () -> String = "") {
    guard logger.enabled(level) else { return }
    if limited && level <= .info {
      let name = event.last == ":" ? String(event.dropLast()) : event
      switch limiter.admit(name, at: now.monotonic) {
      case .write: break
      case .writeAfterReport(let count): reportSuppressed(name, count)
      case .suppress:
        stats.suppressedLines += 1
        armReport()
        return
      }
    }
    let f = fields()
    logger.log(level, f.isEmpty ? event : event + " " + f, at: now)
  }

  func reportSuppressed(_ event: String, _ count: Int) {
    logger.log(
      .info,
      "suppressed \(count) \"\(event)\" lines in the last 1 s; --log-level debug shows all",
      at: now)
  }

  /// Arms the report of suppressed lines for the earliest window that held some back.
  func armReport() {
    guard let due = limiter.nextReport, due != reportDeadline else { return }
    reportDeadline = due
    timers.insert(.logReport, at: due)
  }

  /// Writes the reports due at `now` (every one, at exit), then arms the next.
  func flushReports(all: Bool) {
    reportDeadline = nil
    for r in limiter.takeReports(dueBy: all ? nil : now.monotonic) {
      reportSuppressed(r.event, r.count)
    }
    if !all { armReport() }
  }
}

/// An outgoing message as a send filter sees it.
public struct Outgoing {
  /// The sender: this node.
  public let src: String
  /// The destination.
  public let dest: String
  /// The body's `type` (empty when a forwarded payload has none).
  public let type: String
  /// The message's `msg_id`.
  public let msgID: Int
}

/// A handler with its type, and that type's key to compare with a message's bytes (nil when
/// it has none: then the type is compared as a string).
final class HandlerEntry {
  let type: String
  let key: NameKey?
  let handler: Handler

  init(type: String, handler: @escaping Handler) {
    self.type = type
    self.key = NameKey(type)
    self.handler = handler
  }
}

/// The last name asked for, with its key: made again only when the name changes (a name that
/// is the same literal compares equal in one step).
struct KeyedName {
  private var name = ""
  private var key: NameKey?

  /// The key of `name`, nil when it has none.
  mutating func key(of name: String) -> NameKey? {
    if name != self.name { (self.name, key) = (name, NameKey(name)) }
    return key
  }
}
