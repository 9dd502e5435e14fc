"""One thread, one clock, one timer heap, and the node processes' pipes.

Everything in the stand-in (deliveries, clients, the nemesis, services) runs as callbacks on this
loop, so a run needs no locks. Every wait is bounded: `run_until` takes a deadline.
"""

import heapq
import itertools
import os
import selectors
import subprocess
import time


class RunFailed(Exception):
    """The run cannot go on or cannot pass: a protocol violation, a crash, a failed init."""


class Loop:
    """Timers on the monotonic clock plus readiness of the node processes' pipes."""

    def __init__(self):
        self.start = time.monotonic()
        self._timers = []
        self._seq = itertools.count()
        self._selector = selectors.DefaultSelector()
        self.failure = None

    def now(self):
        """Seconds since the loop was made."""
        return time.monotonic() - self.start

    def at(self, when, fn):
        """Runs `fn()` at `when` (loop seconds); ties run in the order they were set."""
        heapq.heappush(self._timers, (when, next(self._seq), fn))

    def after(self, delay, fn):
        """Runs `fn()` after `delay` seconds."""
        self.at(self.now() + delay, fn)

    def fail(self, message):
        """Records the first failure; `run_until` raises it."""
        if self.failure is None:
            self.failure = message

    def register(self, fileobj, events, callback):
        """Calls `callback(events)` whenever `fileobj` is ready."""
        self._selector.register(fileobj, events, callback)

    def modify(self, fileobj, events, callback):
        """Changes what `fileobj` is watched for."""
        self._selector.modify(fileobj, events, callback)

    def unregister(self, fileobj):
        """Stops watching `fileobj`."""
        try:
            self._selector.unregister(fileobj)
        except (KeyError, ValueError):
            pass

    def run_until(self, deadline, done=None):
        """Runs timers and I/O until `deadline` (loop seconds) or until `done()` is true.

        Returns whether `done()` became true. Raises RunFailed on a recorded failure.
        """
        while True:
            if self.failure is not None:
                raise RunFailed(self.failure)
            if done is not None and done():
                return True
            now = self.now()
            if now >= deadline:
                return False
            while self._timers and self._timers[0][0] <= now:
                _, _, fn = heapq.heappop(self._timers)
                fn()
                if self.failure is not None:
                    raise RunFailed(self.failure)
            wait = deadline - now
            if self._timers:
                wait = min(wait, self._timers[0][0] - now)
            wait = max(0.0, min(wait, 0.05))
            if self._selector.get_map():
                for key, events in self._selector.select(wait):
                    key.data(events)
            elif wait > 0:
                time.sleep(wait)


class NodeProcess:
    """A node binary on pipes: lines from its stdout go to `on_line(line)`; its stderr to a file."""

    def __init__(self, loop, node_id, argv, log_path, on_line):
        self.loop = loop
        self.node_id = node_id
        self.on_line = on_line
        self.stopping = False
        self._log = open(log_path, "wb")
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                close_fds=True)
        except OSError as error:
            raise RunFailed(f"cannot start {argv[0]} for {node_id}: {error}") from error
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        os.set_blocking(self._in, False)
        os.set_blocking(self._out, False)
        self._pending = bytearray()
        self._partial = bytearray()
        self._writing = False
        loop.register(self._out, selectors.EVENT_READ, self._readable)

    def write_line(self, line):
        """Queues one line for the node's stdin; writes what the pipe takes now."""
        if self.stopping:
            return
        self._pending += line.encode() + b"\n"
        self._flush()

    def _flush(self):
        try:
            while self._pending:
                n = os.write(self._in, self._pending)
                del self._pending[:n]
        except BlockingIOError:
            pass
        except (BrokenPipeError, OSError):
            self._pending.clear()
        want = bool(self._pending)
        if want and not self._writing:
            self.loop.register(self._in, selectors.EVENT_WRITE, lambda _: self._flush())
        elif not want and self._writing:
            self.loop.unregister(self._in)
        self._writing = want

    def _readable(self, _events):
        try:
            chunk = os.read(self._out, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            self.loop.unregister(self._out)
            if not self.stopping:
                status = self.proc.poll()
                self.loop.fail(f"node {self.node_id} closed its stdout (exit status "
                               f"{status}) before the run ended; see {self._log.name}")
            return
        self._partial += chunk
        while True:
            end = self._partial.find(b"\n")
            if end < 0:
                break
            line = bytes(self._partial[:end])
            del self._partial[:end + 1]
            self.on_line(self.node_id, line)

    def close_input(self):
        """End of input: the node should exit."""
        self.stopping = True
        self.loop.unregister(self._in)
        self.loop.unregister(self._out)
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def stop(self, grace=2.0):
        """Closes stdin (end of input), waits up to `grace` seconds, then kills; the exit status."""
        self.close_input()
        try:
            status = self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait(timeout=5)
        self.proc.stdout.close()
        self._log.close()
        return status
