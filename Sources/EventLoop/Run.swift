import Glibc
import NodeRuntime

extension EventLoop {
  /// Runs `machine` on stdin and stdout until it is done, then exits the process with the loop's
  /// status (0, or 70 after an internal error); a loop that cannot be set up is reported in one
  /// stderr line naming the failed call, exit status 70.
  public static func runAndExit(_ machine: any Machine) -> Never {
    do {
      let loop = try EventLoop(machine: machine)
      exit(loop.run())
    } catch {
      StandardError.writeLine("\(CommandLine.arguments.first ?? "node"): \(error)")
      exit(70)
    }
  }
}
