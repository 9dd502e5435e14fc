import Glibc
import Testing

/// The README's example is the file the external package builds (`make example` builds and runs
/// it by URL and version; this checks the quote without compiling anything).
@Suite struct ExampleTests {
  /// The repository's root, from this file's path.
  static let root: String = {
    let path = #filePath
    var parts = path.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/EndToEndTests/ExampleTests.swift
    return parts.joined(separator: "/")
  }()

  func read(_ relative: String) -> String? {
    guard let f = fopen(ExampleTests.root + "/" + relative, "r") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let n = fread(&buffer, 1, buffer.count, f)
      if n <= 0 { break }
      bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  @Test func theReadmeQuotesTheExampleVerbatim() throws {
    let readme = try #require(read("README.md"))
    let example = try #require(read("Examples/Counter/main.swift"))
    let marker = "<!-- Examples/Counter/main.swift -->\n```swift\n"
    let start = try #require(readme.firstRange(of: marker))
    let end = try #require(readme[start.upperBound...].firstRange(of: "\n```\n"))
    #expect(String(readme[start.upperBound..<end.lowerBound]) + "\n" == example)
  }

  @Test func theExternalPackageBuildsTheExampleItself() throws {
    let link = ExampleTests.root + "/Tests/ExternalPackage/Sources/counter/main.swift"
    var target = [CChar](repeating: 0, count: 4096)
    let n = readlink(link, &target, target.count - 1)
    #expect(n > 0)
    let text = String(decoding: target[0..<max(0, n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    #expect(text == "../../../../Examples/Counter/main.swift")
    #expect(read("Tests/ExternalPackage/Sources/counter/main.swift") == read("Examples/Counter/main.swift"))
  }
}
