// A counter on Maelstrom's seq-kv: `add` reads the total and compare-and-sets it, reading again
// when another node's write came first; `read` answers the total.
import Messenger

let kv = KVClient.sequential
let key: Value = "counter"

/// The total, or 0 while the key does not exist.
func total(_ result: Result<Value, ServiceError>) throws -> Int {
  switch result {
  case .success(let value): return value.intValue ?? 0
  case .failure(.keyDoesNotExist): return 0
  case .failure(let e): throw RPCError(.temporarilyUnavailable, "seq-kv: \(e)")
  }
}

/// Adds `delta` with a compare-and-set, then answers `request`; a lost race (22) starts over.
func add(_ delta: Int, for request: Message, on node: Node) throws {
  try kv.read(node, key) { node, result in
    let now = try total(result)
    try kv.cas(node, key, from: .int(now), to: .int(now + delta), createIfNotExists: true) {
      node, result in
      switch result {
      case .success: node.reply(to: request, "add_ok")
      case .failure(.preconditionFailed): try add(delta, for: request, on: node)
      case .failure(let e): throw RPCError(.temporarilyUnavailable, "seq-kv: \(e)")
      }
    }
  }
}

Node.run { node in
  node.handle("add") { node, msg in try add(try msg.int("delta"), for: msg, on: node) }
  node.handle("read") { node, msg in
    try kv.read(node, key) { node, result in
      node.reply(to: msg, "read_ok", ["value": .int(try total(result))])
    }
  }
}
