// messenger: a Maelstrom node. This file reads the command line and wires the parts together.
import EventLoop
import Glibc
import NodeRuntime

/// Writes one line to stderr with a single write(2).
func complain(_ line: String) {
  var bytes = Array((line + "\n").utf8)
  bytes.withUnsafeMutableBytes { StandardError.write(UnsafeRawBufferPointer($0)) }
}

let version = "0.1.0"
let options: Options
let workload: Workload
do {
  options = try Options.parse(CommandLine.arguments.dropFirst())
  workload = try Workload.chosen(
    flag: options.workload, programPath: CommandLine.arguments.first ?? "messenger")
} catch {
  // One line naming the flag, and the usage exit status.
  complain("messenger: \(error.message)")
  exit(64)
}
switch options.action {
case .run: break
case .help:
  print(helpText(version: version), terminator: "")
  exit(0)
case .version:
  print("messenger \(version)")
  exit(0)
case .listWorkloads:
  for w in Workload.all { print(w.name) }
  exit(0)
}

var config = options.config
// The one place randomness is chosen; the seed is logged in the start line.
config.seed = options.seed ?? UInt64.random(in: 0...UInt64.max)
config.logLevel = options.trace ? .trace : options.logLevel
config.workload = workload.name
config.version = version
let logger = Logger(level: config.logLevel) { StandardError.write($0) }
let node = Node(config: config, handlers: workload.handlers(), logger: logger, at: Clock.read())
node.preciseClock = { Clock.read().monotonic }
do {
  let loop = try EventLoop(machine: node)
  exit(loop.run())
} catch {
  complain("messenger: \(error)")
  exit(70)
}
