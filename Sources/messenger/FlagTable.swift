// Every flag, once: its name, what its value looks like, its default and help as the README's
// flag table prints them (a test holds the two together), and its range.
import NodeRuntime
import Policy

/// One flag: how `--help` shows it and how its value is checked and stored.
struct Flag {
  /// `--rpc-timeout-ms`.
  let name: String
  /// What the value looks like in `--help` (`MS`); nil for a switch, which takes no value.
  let placeholder: String?
  /// The default as `--help` shows it (`500`, `16 MiB`); empty when there is none to show.
  let defaultText: String
  /// One sentence, the README's words.
  let help: String
  /// Stores `value` in the options; returns the rule the value breaks, or nil when it is good.
  let store: (String, inout Options) -> String?

  /// The flag called `name`, or nil.
  static func named(_ name: some StringProtocol) -> Flag? { all.first { $0.name == name } }

  /// The longest duration any flag takes: one day, so nanosecond arithmetic never overflows.
  static let dayMs: Int64 = 86_400_000

  /// Every flag, in the order `--help` lists them.
  static var all: [Flag] {
    [
      Flag(
        name: "--workload", placeholder: "NAME", defaultText: "messenger",
        help: "the workload to run (`--list-workloads` names them); without this flag, a program"
          + " started as `messenger-NAME` runs NAME"
      ) { text, o in
        guard Workload.named(text) != nil else { return "one of \(Workload.names)" }
        o.workload = text
        return nil
      },
      .milliseconds(
        "--rpc-timeout-ms", 500,
        "how long each `relay` / `backoff_relay` attempt waits for its reply"
      ) { $0.rpcTimeout = $1 },
      .attempts("--retry-attempts", 3, "attempts a `relay` makes") { $0.retryAttempts = $1 },
      .milliseconds("--proxy-timeout-ms", 1000, "how long a `proxy` waits for its one reply") {
        $0.proxyTimeout = $1
      },
      .milliseconds(
        "--backoff-base-ms", 100, "backoff before the second attempt (`delay(0)`)"
      ) { $0.backoff.base = $1 },
      .milliseconds("--backoff-max-ms", 2000, "cap on one backoff wait") { $0.backoff.max = $1 },
      Flag(
        name: "--backoff-jitter", placeholder: "X", defaultText: "0.1",
        help: "random extra wait, as a fraction of the wait"
      ) { text, o in
        // Double(String) takes `nan` and `inf` too: the range check refuses them.
        guard let x = Double(text), x.isFinite, (0...10).contains(x) else {
          return "a number from 0 to 10"
        }
        o.config.backoff.jitter = x
        return nil
      },
      .attempts("--backoff-attempts", 5, "attempts a `backoff_relay` makes") {
        $0.backoffAttempts = $1
      },
      .milliseconds(
        "--reap-threshold-ms", 2000, "age past which the reaper expires a callback"
      ) { $0.reapThreshold = $1 },
      .milliseconds("--reap-interval-ms", 500, "period of the reaper's passes") {
        $0.reapInterval = $1
      },
      .integer(
        "--max-pending", "1000000", "most outgoing `msg_id`s awaiting a reply; beyond it, error 11",
        1...Int.max, rule: "an integer, at least 1"
      ) { $0.maxPending = $1 },
      .integer(
        "--max-message-bytes", "16 MiB",
        "largest JSON value read, in bytes; a larger one is logged and skipped",
        64...(1 << 40), rule: "an integer from 64 to 1099511627776 (2^40)"
      ) { $0.maxMessageBytes = $1 },
      Flag(
        name: "--seed", placeholder: "N", defaultText: "random",
        help: "seed of the node's generator (backoff jitter, `compute_backoff`); logged at start"
      ) { text, o in
        guard let seed = UInt64(text) else { return "an integer from 0 to 2^64 - 1" }
        o.seed = seed
        return nil
      },
      Flag(
        name: "--log-level", placeholder: "LEVEL", defaultText: "info",
        help: "error, warn, info, debug, trace"
      ) { text, o in
        guard let level = LogLevel(name: text) else {
          return "one of error, warn, info, debug, trace"
        }
        o.logLevel = level
        return nil
      },
      .integer(
        "--log-rate", "100",
        "most lines a second of each event (`rpc retry`, `malformed input`, ...) at info, warn"
          + " and error, the rest counted in one line a second; 0: no limit",
        0...1_000_000, rule: "an integer from 0 (no limit) to 1000000"
      ) { $0.logRate = $1 },
      .action(
        "--trace", default: "off",
        "log every message in and out (the same as `--log-level trace`)"
      ) { $0.trace = true },
      .action("--list-workloads", "print the workloads' names, one a line, and exit 0") {
        $0.action = .listWorkloads
      },
      .action("--version", "print the version and exit 0") { $0.action = .version },
      .action("--help", "print this help and exit 0") { $0.action = .help },
    ]
  }

  /// A duration in whole milliseconds, from 1 ms to a day.
  static func milliseconds(
    _ name: String, _ defaultMs: Int64, _ help: String,
    _ set: @escaping (inout NodeConfig, Duration) -> Void
  ) -> Flag {
    Flag(name: name, placeholder: "MS", defaultText: "\(defaultMs)", help: help) { text, o in
      guard let ms = Int64(text), (1...dayMs).contains(ms) else {
        return "an integer from 1 to \(dayMs) (milliseconds)"
      }
      set(&o.config, .milliseconds(ms))
      return nil
    }
  }

  /// A count of attempts, from 1 to 1000.
  static func attempts(
    _ name: String, _ defaultCount: Int, _ help: String,
    _ set: @escaping (inout NodeConfig, Int) -> Void
  ) -> Flag {
    .integer(name, "\(defaultCount)", help, 1...1000, rule: "an integer from 1 to 1000", set)
  }

  /// An integer in `range`; `rule` says the range in words.
  static func integer(
    _ name: String, _ defaultText: String, _ help: String, _ range: ClosedRange<Int>,
    rule: String, _ set: @escaping (inout NodeConfig, Int) -> Void
  ) -> Flag {
    Flag(name: name, placeholder: "N", defaultText: defaultText, help: help) { text, o in
      guard let n = Int(text), range.contains(n) else { return rule }
      set(&o.config, n)
      return nil
    }
  }

  /// A switch: no value.
  static func action(
    _ name: String, default defaultText: String = "", _ help: String,
    _ set: @escaping (inout Options) -> Void
  ) -> Flag {
    Flag(name: name, placeholder: nil, defaultText: defaultText, help: help) { _, o in
      set(&o)
      return nil
    }
  }
}
