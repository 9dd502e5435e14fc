import NodeRuntime
import Policy
import Wire

extension Handlers {
  /// `proxy` (one attempt), `relay` (retries) and `backoff_relay` (retries with backoff). Their
  /// completions capture nothing: what they need comes with the call's result and address.
  static var forwarding: [String: Handler] {
    [
      "proxy": { node, msg throws(RPCError) in
        let target = try Handlers.target(of: msg, on: node)
        let inner = try msg.object("inner")
        // One attempt, and any reply is the result: an error 11 included.
        let plan = RetryPlan(
          attempts: 1, timeout: node.config.proxyTimeout, unavailableIsFailure: false)
        try node.call(target, inner, plan: plan, for: msg.address) { node, r, to in
          guard let reply = r.reply else {
            let ms = node.config.proxyTimeout.roundedMilliseconds
            return node.replyError(to: to, RPCError(.timeout, "RPC timed out after \(ms) ms"))
          }
          node.reply(to: to, "proxy_ok", [.init("result", .object(reply))])
        }
      },
      "relay": { node, msg throws(RPCError) in
        let target = try Handlers.target(of: msg, on: node)
        let payload = try msg.object("payload")
        let c = node.config
        let plan = RetryPlan(attempts: c.retryAttempts, timeout: c.rpcTimeout)
        try node.call(target, payload, plan: plan, for: msg.address) { node, r, to in
          guard let reply = r.reply else { return node.replyError(to: to, gaveUp(r)) }
          node.reply(
            to: to, "relay_ok",
            [.init("attempts", .int(r.attempts)), .init("result", .object(reply))])
        }
      },
      "backoff_relay": { node, msg throws(RPCError) in
        let target = try Handlers.target(of: msg, on: node)
        let payload = try msg.object("payload")
        let c = node.config
        let plan = RetryPlan(attempts: c.backoffAttempts, timeout: c.rpcTimeout, backoff: c.backoff)
        try node.call(target, payload, plan: plan, for: msg.address) { node, r, to in
          guard let reply = r.reply else { return node.replyError(to: to, gaveUp(r)) }
          node.reply(
            to: to, "backoff_relay_ok",
            [
              .init("attempts", .int(r.attempts)),
              .init("total_delay_ms", .int(Int(r.totalDelay.roundedMilliseconds))),
              .init("result", .object(reply)),
            ])
        }
      },
    ]
  }

  private static func gaveUp(_ r: CallResult) -> RPCError {
    RPCError(.timeout, "RPC failed after \(r.attempts) attempts")
  }
}
