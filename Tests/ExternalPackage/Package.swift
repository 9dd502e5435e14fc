// swift-tools-version:6.0
// A package outside the repository's own, as a user's would be: it depends on the Messenger
// library by URL and version and builds the README's example (Sources/counter/main.swift is a
// link to Examples/Counter/main.swift). scripts/external-package.sh commits the working tree to
// a scratch repository, tags it 0.1.0 and sets MESSENGER_URL to it.
import PackageDescription

let package = Package(
  name: "counter",
  dependencies: [
    .package(
      url: Context.environment["MESSENGER_URL"] ?? "https://example.invalid/messenger.git",
      from: "0.1.0")
  ],
  targets: [
    .executableTarget(
      name: "counter", dependencies: [.product(name: "Messenger", package: "messenger")])
  ]
)
