// Messenger: write a Maelstrom node in Swift with one `import Messenger`. The engine (Node,
// Message, Value, calls and their outcomes, retry plans, timers, the service clients) and its
// values (Interval, Instant, Backoff, RetryPlan, ErrorCode, seeded generators) are re-exported;
// the event loop stays behind `Node.run`, so C and libevent never show.
internal import EventLoop
@_exported public import NodeRuntime
@_exported public import Policy

extension Node {
  /// Runs a node on stdin and stdout, one libevent loop on this thread, until input ends and
  /// nothing is pending (exit 0), SIGINT or SIGTERM (exit 0), or a failure (exit 70). `setup`
  /// registers the handlers, and any `onInit` hook, before the first message is read. Logs go
  /// to stderr at `config.logLevel`; without a `config.seed`, a random seed is chosen and
  /// logged.
  public static func run(config: NodeConfig = NodeConfig(), _ setup: (Node) -> Void) -> Never {
    var config = config
    if config.seed == nil {
      // The one place this process chooses randomness; the seed is logged in the start line.
      var system = SystemRandomNumberGenerator()
      config.seed = system.next()
    }
    let logger = Logger(level: config.logLevel) { StandardError.write($0) }
    let runtime = Runtime(config: config, logger: logger, at: Clock.read(), setup: setup)
    EventLoop.runAndExit(runtime)
  }
}
