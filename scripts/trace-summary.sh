#!/usr/bin/env bash
# trace-summary.sh [FILE]: the system calls of an `strace -f -tt -s 128 -o FILE` run of the node
# (make trace), counted by name from the node's own first call on: the write(2) of its start line,
# or, when the log level hides that line, its first epoll_create1. The calls before it are the
# dynamic loader mapping the libraries and the C and Swift runtimes setting up (the backtracer
# looking for its helper, the hashing seed, glibc reading /proc/self/maps for the main thread's
# stack): counted in one line, not listed, since they say nothing about the node.
set -euo pipefail
file=${1:-trace.out}
awk '
  # Lines are "PID TIME NAME(ARGS) = RESULT"; resumptions and signals are not calls.
  $3 ~ /^(<\.\.\.|\+\+\+|---)/ { next }
  {
    name = $3
    sub(/\(.*/, "", name)
    pids[$1] = 1
    if (!started && ($0 ~ /write\(2, "[^"]* INFO start / || name == "epoll_create1")) started = 1
    if (!started) { before++; next }
    count[name]++
    total++
  }
  END {
    if (!started) { print "trace-summary: no start line and no epoll_create1 in the trace"; exit 1 }
    printf "== %d system calls from the node'"'"'s start line on, by name (%d start-up calls of the\n", total, before
    printf "   dynamic loader and the C and Swift runtimes before it left out)\n"
    for (c in count) printf "%6d %s\n", count[c], c | "sort -rn"
    close("sort -rn")
    threads = 0
    for (p in pids) threads++
    printf "== threads for the life of the process: %d\n", threads
  }
' "$file"
