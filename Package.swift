// swift-tools-version:6.0
import PackageDescription

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
    .target(name: "Wire"),
    // Time values, seeded generators, backoff, pending calls, LRU: pure, no I/O.
    .target(name: "Policy"),
    // The node as a state machine driven by bytes and time.
    .target(name: "NodeRuntime", dependencies: ["Wire", "Policy"]),
    // One file per family of messages.
    .target(name: "Handlers", dependencies: ["NodeRuntime", "Wire", "Policy"]),
    // The only importer of CLibevent: loop, stdin, timer, signals, stdout, clock.
    .target(name: "EventLoop", dependencies: ["CLibevent", "NodeRuntime", "Policy"]),
    .executableTarget(
      name: "messenger",
      dependencies: [
        "EventLoop", "NodeRuntime", "Handlers", "Policy", "Wire",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Drives a Node on virtual time and captures what it writes: shared by the tests.
    .target(
      name: "Harness", dependencies: ["NodeRuntime", "Handlers", "Policy", "Wire"],
      path: "Tests/Harness"),
    .testTarget(name: "WireTests", dependencies: ["Wire"]),
    .testTarget(name: "PolicyTests", dependencies: ["Policy"]),
    .testTarget(
      name: "NodeRuntimeTests", dependencies: ["NodeRuntime", "Wire", "Policy", "Harness"]),
    .testTarget(
      name: "HandlersTests",
      dependencies: ["Handlers", "NodeRuntime", "Wire", "Policy", "Harness"]),
    .testTarget(name: "EventLoopTests", dependencies: ["EventLoop", "NodeRuntime", "Policy"]),
    .testTarget(name: "EndToEndTests", dependencies: ["messenger"]),
  ]
)
