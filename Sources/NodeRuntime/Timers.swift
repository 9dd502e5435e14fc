public import Policy

/// What a periodic timer does after it ran.
public enum Rearm: Sendable {
  /// Run again one period after this run was due.
  case again
  /// Stop: nothing is left to do, so nothing stays armed.
  case stop
}

/// A timer set with `Node.after(_:_:)` or `Node.every(_:_:)`, to cancel it.
public struct TimerHandle: Hashable, Sendable {
  let slot: UInt32
  let id: Int
}

/// A user timer: its body and when it is due. Named by an id never reused, so cancelling costs
/// nothing: the queue entry of a cancelled timer dies when it comes up.
struct UserTimer {
  enum Body {
    case once((Node) throws -> Void)
    case every(Interval, (Node) throws -> Rearm)
  }

  let id: Int
  let body: Body
  var deadline: Instant
}

extension Node {
  /// Runs `body` once, `delay` from now. A timer holds nothing but its entry: arm one only when
  /// there is something to do. An error it throws is logged.
  @discardableResult
  public func after(_ delay: Interval, _ body: @escaping (Node) throws -> Void) -> TimerHandle {
    oneShotTimers += 1
    return arm(.once(body), at: now.monotonic + delay)
  }

  /// Runs `body` every `period`, the first time one period from now, for as long as it returns
  /// `.again`; return `.stop` once there is nothing left to do, so that an idle node has no timer
  /// armed. Periodic timers do not keep a node whose input ended alive.
  @discardableResult
  public func every(_ period: Interval, _ body: @escaping (Node) throws -> Rearm) -> TimerHandle {
    precondition(period > .zero, "a period is positive")
    return arm(.every(period, body), at: now.monotonic + period)
  }

  /// Cancels `timer`, if it has not run (a periodic one: stops it). Costs nothing else.
  public func cancel(_ timer: TimerHandle) {
    guard let t = userTimers[timer.slot], t.id == timer.id else { return }
    if case .once = t.body { oneShotTimers -= 1 }
    userTimers.remove(timer.slot)
  }

  private func arm(_ body: UserTimer.Body, at deadline: Instant) -> TimerHandle {
    lastTimerID += 1
    let slot = userTimers.insert(UserTimer(id: lastTimerID, body: body, deadline: deadline))
    timers.insert(.user(slot: slot, id: lastTimerID), at: deadline)
    return TimerHandle(slot: slot, id: lastTimerID)
  }

  /// Runs the user timer in `slot`, due at `due`; a periodic one is re-armed on its grid, or one
  /// period from now if it fell more than a period behind.
  func runUserTimer(_ slot: UInt32, due: Instant) {
    guard let t = userTimers[slot] else { return }
    let outer = requester
    requester = nil
    defer { requester = outer }
    switch t.body {
    case .once(let body):
      userTimers.remove(slot)
      oneShotTimers -= 1
      do { try body(self) } catch { timerFailed(t.id, error) }
    case .every(let period, let body):
      var again = Rearm.stop
      do { again = try body(self) } catch {
        timerFailed(t.id, error)
        again = .again
      }
      // The body may have cancelled its own timer.
      guard userTimers[slot]?.id == t.id else { return }
      guard again == .again else {
        userTimers.remove(slot)
        return
      }
      var next = due + period
      if next <= now.monotonic { next = now.monotonic + period }
      userTimers[slot]!.deadline = next
      timers.insert(.user(slot: slot, id: t.id), at: next)
    }
  }

  private func timerFailed(_ id: Int, _ error: any Error) {
    let e = Node.rpcError(error, context: "timer")
    log(.warn, "timer failed", "timer=\(id) code=\(e.code) text=\(e.text)")
  }
}
