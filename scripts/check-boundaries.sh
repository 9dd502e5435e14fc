#!/usr/bin/env bash
# Module boundaries (STYLE.md, "Which module may import which"), checked with greps: each module
# under Sources/ imports only what it is allowed; CLibevent nowhere but EventLoop; no Foundation,
# Dispatch or Swift concurrency in the node's sources.
set -euo pipefail
cd "$(dirname "$0")/.."

allowed() {
  case $1 in
    Wire | Policy) echo "" ;;
    NodeRuntime) echo "Policy Wire" ;;
    Handlers) echo "NodeRuntime Policy Wire" ;;
    EventLoop) echo "CLibevent Glibc NodeRuntime Policy" ;;
    Messenger) echo "EventLoop NodeRuntime Policy Wire" ;;
    Bench) echo "Policy Glibc" ;;
    Workloads) echo "Messenger" ;;
    messenger) echo "EventLoop Handlers NodeRuntime Policy Wire Workloads Glibc" ;;
    *) return 1 ;;
  esac
}

# The modules a Swift file imports, one a line: `import X`, `@testable import X`,
# `public import X`, `import struct X.Y` all give X.
imports() {
  sed -nE 's/^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*).*/\6/p' "$1"
}

status=0
complain() {
  echo "check-boundaries: $*" >&2
  status=1
}

for dir in Sources/*/; do
  module=$(basename "$dir")
  [ "$module" = CLibevent ] && continue
  if ! ok=$(allowed "$module"); then
    complain "Sources/$module is not in scripts/check-boundaries.sh: say what it may import"
    continue
  fi
  while IFS= read -r -d '' file; do
    for imported in $(imports "$file"); do
      [ "$imported" = Swift ] && continue
      case " $ok " in
        *" $imported "*) ;;
        *) complain "$file imports $imported; $module may import only: ${ok:-the standard library}" ;;
      esac
    done
  done < <(find "$dir" -name '*.swift' -print0)
done

# CLibevent stays inside EventLoop, tests and examples included, and EventLoop imports it
# `internal`, so that nothing of C shows through it.
while IFS= read -r -d '' file; do
  case $file in Sources/EventLoop/*) continue ;; esac
  if imports "$file" | grep -qx CLibevent; then complain "$file imports CLibevent"; fi
done < <(find Sources Tests Examples -name '*.swift' -print0)
while IFS= read -r -d '' file; do
  if grep -qE '^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package)[[:space:]]+)?import[[:space:]]+CLibevent' "$file"; then
    complain "$file imports CLibevent without \`internal\`: C would show through EventLoop"
  fi
done < <(find Sources/EventLoop -name '*.swift' -print0)

# The library's face: Messenger imports EventLoop internally (no libevent, timeval or C type
# reaches a user), re-exports the engine, and the example needs nothing but Messenger.
if ! grep -qE '^internal import EventLoop$' Sources/Messenger/*.swift; then
  complain "Sources/Messenger must import EventLoop as \`internal import EventLoop\`"
fi
while IFS= read -r -d '' file; do
  for imported in $(imports "$file"); do
    [ "$imported" = Messenger ] || complain "$file imports $imported; an example imports only Messenger"
  done
done < <(find Examples -name '*.swift' -print0)

# One thread, no Foundation: code lines only (comments stripped), so prose may say "async RPC".
forbidden='^[[:space:]]*import[[:space:]]+(Foundation|FoundationEssentials|Dispatch)\b'
forbidden+='|\b(actor|async)[[:space:]]|\bawait\b|\bTask\b|\bpthread_mutex|\bMutex\b'
while IFS= read -r -d '' file; do
  hits=$(sed 's#//.*##' "$file" | grep -nE "$forbidden" || true)
  if [ -n "$hits" ]; then
    complain "$file uses Foundation, Dispatch, concurrency or locks:"
    echo "$hits" | sed 's/^/  /' >&2
  fi
done < <(find Sources -name '*.swift' -print0)

[ $status = 0 ] && echo "check-boundaries: ok"
exit $status
