import NodeRuntime

/// `echo`: the reply carries the request's `echo` as it came.
enum Echo {
  static func register(on node: Node) {
    node.handle("echo") { node, msg in
      try node.reply(to: msg, "echo_ok", passing: "echo")
    }
  }
}
