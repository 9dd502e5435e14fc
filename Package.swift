// swift-tools-version:6.0
import PackageDescription

// No unsafe flags: SwiftPM refuses them in what a package that depends on this one by URL and
// version builds (`make example` checks a dependent package builds). `make build` passes the
// release binary's flags on its command line instead (RELEASE_FLAGS: optimization across modules,
// no dynamic exclusivity checks, a static executable, direct metadata accessors; README,
// "Written by hand" and "Choices": why, and what each is worth).
let package = Package(
  name: "messenger",
  products: [
    .executable(name: "messenger", targets: ["messenger"]),
    // The engine as a library: `import Messenger` to write a Maelstrom node.
    .library(name: "Messenger", targets: ["Messenger"]),
  ],
  targets: [
    // libevent_core, through pkg-config; only EventLoop imports it.
    .systemLibrary(
      name: "CLibevent",
      pkgConfig: "libevent_core",
      providers: [.apt(["libevent-dev"])]
    ),
    // JSON values, the streaming parser, the Python-format writer, the envelope.
    .target(name: "Wire"),
    // Time values, seeded generators, backoff, retry plans, pending calls, LRU: pure, no I/O.
    .target(name: "Policy"),
    // The node as a state machine driven by bytes and time: the engine.
    .target(name: "NodeRuntime", dependencies: ["Wire", "Policy"]),
    // "The Messenger" track: one file per family of messages.
    .target(name: "Handlers", dependencies: ["NodeRuntime", "Wire", "Policy"]),
    // The only importer of CLibevent: loop, stdin, timer, signals, stdout, clock.
    .target(name: "EventLoop", dependencies: ["CLibevent", "NodeRuntime", "Policy"]),
    // The library's one import: the engine re-exported, and a node run on stdin and stdout.
    .target(name: "Messenger", dependencies: ["EventLoop", "NodeRuntime", "Policy"]),
    .executableTarget(
      name: "messenger",
      dependencies: ["EventLoop", "NodeRuntime", "Handlers", "Policy", "Wire", "Workloads"]
    ),
    // Maelstrom's workloads: each one's pure state, and its handlers written against Messenger.
    .target(name: "Workloads", dependencies: ["Messenger"]),
    // Drives a Node on virtual time and captures what it writes: shared by the tests.
    .target(
      name: "Harness", dependencies: ["NodeRuntime", "Handlers", "Policy", "Wire"],
      path: "Tests/Harness"),
    // Runs python3 for the tests that compare against CPython.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    // In-process micro-benchmarks for `make bench`.
    .executableTarget(name: "Bench", dependencies: ["Policy"]),
    .testTarget(name: "WireTests", dependencies: ["Wire", "Policy", "TestSupport"]),
    .testTarget(name: "PolicyTests", dependencies: ["Policy", "TestSupport"]),
    .testTarget(
      name: "NodeRuntimeTests", dependencies: ["NodeRuntime", "Wire", "Policy", "Harness"]),
    .testTarget(
      name: "HandlersTests",
      dependencies: ["Handlers", "NodeRuntime", "Wire", "Policy", "Harness", "TestSupport"]),
    .testTarget(name: "WorkloadsTests", dependencies: ["Workloads", "Messenger", "Harness"]),
    .testTarget(name: "EventLoopTests", dependencies: ["EventLoop", "NodeRuntime", "Policy"]),
    // Runs the built binary; Wire parses what the nodes write.
    .testTarget(
      name: "EndToEndTests", dependencies: ["messenger", "Wire", "Policy", "TestSupport"]),
  ]
)

// The libFuzzer target over the stream parser and the dispatcher, declared only for `make fuzz`
// (MESSENGER_FUZZ=1), which builds it with `--sanitize=fuzzer` into .build-fuzz: the normal
// build and `swift test` never see it. libFuzzer supplies `main`, hence `-parse-as-library`.
if Context.environment["MESSENGER_FUZZ"] == "1" {
  package.targets.append(
    .executableTarget(
      name: "messenger-fuzz", dependencies: ["NodeRuntime", "Handlers", "Policy", "Wire"],
      path: "Tests/Fuzz", swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
}
