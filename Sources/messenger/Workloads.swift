// The workloads the node can run, in one table: `--workload NAME`, the program name
// `messenger-NAME`, `--help` and `--list-workloads` (which `make install` reads to make its
// links) all look here, so they cannot drift apart.
import EventLoop
import Handlers
import NodeRuntime
import Workloads

/// A workload: its name, a few words for `--help`, and how it sets a node up.
struct Workload {
  /// The name `--workload` takes and `messenger-NAME` carries.
  let name: String
  /// What it answers, for `--help`.
  let summary: String
  /// Installs its handlers on a node, given the command line's settings; called only for the
  /// workload that runs.
  let install: (Options, Node) -> Void

  /// The default: every message of "The Messenger" track.
  static var messenger: Workload {
    Workload(
      name: "messenger",
      summary: "every message of \"The Messenger\" track (echo, relay, proxy, backoff_relay, ...)",
      install: { options, node in
        let track = MessengerTrack(
          settings: options.track, preciseClock: { Clock.read().monotonic })
        track.install(on: node)
      })
  }

  /// Every workload, the default first.
  static var all: [Workload] {
    [
      messenger,
      Workload(
        name: "echo", summary: "Maelstrom's echo workload: init and echo",
        install: { _, node in
          node.handle("echo") { node, msg in
            node.reply(to: msg, "echo_ok", ["echo": try msg.value("echo")])
          }
        }),
    ]
      + ["unique-ids", "broadcast", "g-set", "g-counter", "pn-counter", "kafka"].map { name in
        Workload(
          name: name, summary: "Maelstrom's \(name): " + Workloads.summaries[name]!,
          install: { _, node in Workloads.all[name]!(node) })
      }
  }

  /// The names, comma-separated, for error lines.
  static var names: String { all.map(\.name).joined(separator: ", ") }

  /// The workload called `name`, or nil.
  static func named(_ name: some StringProtocol) -> Workload? { all.first { $0.name == name } }

  /// The workload `--workload` names; else the one the program's name `messenger-NAME` names
  /// (`programPath` is `argv[0]`, a path or a bare name); else `messenger`.
  static func chosen(flag: String?, programPath: String) throws(UsageError) -> Workload {
    // `--workload` was checked when it was read.
    if let flag, let w = named(flag) { return w }
    let slash = programPath.lastIndex(of: "/")
    let program = slash.map { programPath[$0...].dropFirst() } ?? programPath[...]
    let prefix = "messenger-"
    // The default alone, without the table: making every workload's entry (and the summaries)
    // to keep the first cost about 50,000 instructions at startup.
    guard program.hasPrefix(prefix) else { return messenger }
    let name = program.dropFirst(prefix.count)
    guard let w = named(name) else {
      throw UsageError(
        "--workload: the program's name \(quoted(program)) names no workload (messenger-NAME"
          + " runs NAME, one of \(names); or give --workload NAME)")
    }
    return w
  }
}
