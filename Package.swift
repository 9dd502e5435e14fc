// swift-tools-version:6.0
import PackageDescription

// Release builds optimize across modules (the hot path crosses Wire, Policy and NodeRuntime, and
// unspecialized generics cost a runtime metadata lookup per call) and drop the dynamic
// exclusivity checks of class properties, which the single-threaded loop cannot violate.
let release: [SwiftSetting] = [
  .unsafeFlags(
    ["-cross-module-optimization", "-enforce-exclusivity=unchecked"],
    .when(configuration: .release))
]

let package = Package(
  name: "messenger",
  products: [
    .executable(name: "messenger", targets: ["messenger"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // libevent_core, through pkg-config; only EventLoop imports it.
    .systemLibrary(
      name: "CLibevent",
      pkgConfig: "libevent_core",
      providers: [.apt(["libevent-dev"])]
    ),
    // JSON values, the streaming parser, the Python-format writer, the envelope.
    .target(name: "Wire", swiftSettings: release),
    // Time values, seeded generators, backoff, pending calls, LRU: pure, no I/O.
    .target(name: "Policy", swiftSettings: release),
    // The node as a state machine driven by bytes and time.
    .target(name: "NodeRuntime", dependencies: ["Wire", "Policy"], swiftSettings: release),
    // One file per family of messages.
    .target(
      name: "Handlers", dependencies: ["NodeRuntime", "Wire", "Policy"], swiftSettings: release),
    // The only importer of CLibevent: loop, stdin, timer, signals, stdout, clock.
    .target(
      name: "EventLoop", dependencies: ["CLibevent", "NodeRuntime", "Policy"],
      swiftSettings: release),
    .executableTarget(
      name: "messenger",
      dependencies: [
        "EventLoop", "NodeRuntime", "Handlers", "Policy", "Wire",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: release
    ),
    // Maelstrom's workloads: the pure state of each, and its handlers.
    .target(name: "Workloads", swiftSettings: release),
    // Drives a Node on virtual time and captures what it writes: shared by the tests.
    .target(
      name: "Harness", dependencies: ["NodeRuntime", "Handlers", "Policy", "Wire"],
      path: "Tests/Harness"),
    // Runs python3 for the tests that compare against CPython.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    // In-process micro-benchmarks for `make bench`.
    .executableTarget(name: "Bench", dependencies: ["Policy"], swiftSettings: release),
    .testTarget(name: "WireTests", dependencies: ["Wire", "Policy", "TestSupport"]),
    .testTarget(name: "PolicyTests", dependencies: ["Policy", "TestSupport"]),
    .testTarget(
      name: "NodeRuntimeTests", dependencies: ["NodeRuntime", "Wire", "Policy", "Harness"]),
    .testTarget(
      name: "HandlersTests",
      dependencies: ["Handlers", "NodeRuntime", "Wire", "Policy", "Harness", "TestSupport"]),
    .testTarget(name: "WorkloadsTests", dependencies: ["Workloads"]),
    .testTarget(name: "EventLoopTests", dependencies: ["EventLoop", "NodeRuntime", "Policy"]),
    // Runs the built binary; Wire parses what the nodes write.
    .testTarget(name: "EndToEndTests", dependencies: ["messenger", "Wire", "Policy"]),
  ]
)

// The libFuzzer target over the stream parser and the dispatcher, declared only for `make fuzz`
// (MESSENGER_FUZZ=1), which builds it with `--sanitize=fuzzer` into .build-fuzz: the normal
// build and `swift test` never see it. libFuzzer supplies `main`, hence `-parse-as-library`.
if Context.environment["MESSENGER_FUZZ"] == "1" {
  package.targets.append(
    .executableTarget(
      name: "messenger-fuzz", dependencies: ["NodeRuntime", "Handlers", "Policy", "Wire"],
      path: "Tests/Fuzz", swiftSettings: release + [.unsafeFlags(["-parse-as-library"])]))
}
