import Testing

@testable import Workloads

@Suite struct IDsTests {
  @Test func idsAreTheNodeAndACounter() {
    var ids = IDs(node: "n3")
    #expect(ids.next() == "n3-1")
    #expect(ids.next() == "n3-2")
  }

  @Test func twoNodesNeverMakeTheSameID() {
    var a = IDs(node: "n1")
    var b = IDs(node: "n11")
    let made = (0..<200).map { _ in a.next() } + (0..<200).map { _ in b.next() }
    #expect(Set(made).count == made.count)
  }
}
