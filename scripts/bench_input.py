#!/usr/bin/env python3
"""The inputs of `make bench`, one JSON message a line, and what the node must answer to them.

    python3 scripts/bench_input.py KIND N [--seed S] > input.jsonl

KIND is one of:
  init   the `init` alone (what every other input starts with; callgrind subtracts it).
  echo   init, then N echoes as Maelstrom writes them (compact; a 30-byte string each).
  mixed  init, then N echoes whose value is a nested random JSON value, seeded: objects, arrays,
         strings with escapes, control characters and astral (non-BMP) characters, raw UTF-8 or
         \\u-escaped, integers beyond 64 bits, floats in exponent form.
  relay  init, then N relays to n2, each followed by n2's answer to the attempt: msg_ids are one
         counter from 0 for everything the node sends, so init_ok is 0, relay k's attempt is
         2k+1 and its relay_ok is 2k+2. The node completes every call without a live peer.
"""
import argparse
import json
import random
import sys

NODE_ID = "n1"
INIT = ('{"src":"c0","dest":"%s","body":{"type":"init","msg_id":1,"node_id":"%s",'
        '"node_ids":["%s","n2","n3"]}}\n' % (NODE_ID, NODE_ID, NODE_ID))
ECHO_BYTES = 30


def echo_text(msg_id):
    """The echo string of request `msg_id`: 30 bytes that end with the id."""
    return "Please echo " + str(msg_id).rjust(ECHO_BYTES - len("Please echo "), "0")


def echo_lines(n):
    """N echoes, msg_ids 2..n+1, from clients c1..c9 in turn."""
    return "".join('{"id":%d,"src":"c%d","dest":"%s","body":{"echo":"%s","type":"echo",'
                   '"msg_id":%d}}\n' % (i + 2, i % 9 + 1, NODE_ID, echo_text(i + 2), i + 2)
                   for i in range(n))


# Pools of characters: plain, escaped, control, two- and three-byte UTF-8, astral (non-BMP).
ALPHABET = ("abc xyz", "\"\\/", "\b\f\n\r\t\x01\x1f\x7f", "é€ü",
            "\U0001F600\U00010348\U0010FFFF")


def random_string(rng):
    pools = [ALPHABET[rng.randrange(len(ALPHABET))] for _ in range(2)]
    return "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randrange(12)))


def random_value(rng, depth=0):
    kind = rng.randrange(6 if depth >= 4 else 8)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, -1, 2**63 - 1, -2**63, 2**64, -(10**30)]) + rng.randrange(-9, 10)
    if kind == 2:
        return rng.randrange(-10**rng.randrange(1, 40), 10**rng.randrange(1, 40))
    if kind == 3:
        mantissa = rng.choice([0.0, -0.0, 1e-7, 1.5, 1e22]) * rng.uniform(-1, 1)
        return mantissa * 10 ** rng.randrange(-30, 30)
    if kind in (4, 5):
        return random_string(rng)
    if kind == 6:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {random_string(rng): random_value(rng, depth + 1) for _ in range(rng.randrange(6))}


def mixed_values(n, seed):
    rng = random.Random(seed)
    return [random_value(rng) for _ in range(n)]


def mixed_lines(values):
    """Echoes of `values`, msg_ids 2..; every other one with its non-ASCII \\u-escaped."""
    return "".join('{"id":%d,"src":"c1","dest":"%s","body":{"type":"echo","msg_id":%d,"echo":%s}}\n'
                   % (i + 2, NODE_ID, i + 2,
                      json.dumps(v, separators=(",", ":"), ensure_ascii=i % 2 == 1))
                   for i, v in enumerate(values))


def relay_lines(n):
    lines = []
    for k in range(n):
        lines.append('{"src":"c1","dest":"%s","body":{"type":"relay","msg_id":%d,"target":"n2",'
                     '"payload":{"type":"echo","echo":"relay %d"}}}\n' % (NODE_ID, k + 2, k))
        lines.append('{"src":"n2","dest":"%s","body":{"type":"echo_ok","echo":"relay %d",'
                     '"in_reply_to":%d}}\n' % (NODE_ID, k, 2 * k + 1))
    return "".join(lines)


def build(kind, n, seed=1):
    body = {"init": lambda: "", "echo": lambda: echo_lines(n),
            "mixed": lambda: mixed_lines(mixed_values(n, seed)), "relay": lambda: relay_lines(n)}
    return (INIT + body[kind]()).encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=["init", "echo", "mixed", "relay"])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    sys.stdout.buffer.write(build(a.kind, a.n, a.seed))


if __name__ == "__main__":
    main()
