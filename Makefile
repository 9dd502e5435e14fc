# messenger: a Maelstrom node in Swift on libevent. `make check` is what CI runs (.ci/run).
# Every target works with stdin that is not a terminal (CI gives none).

PREFIX ?= /usr/local
# The demo runs with a fixed seed, so its backoff schedule is the same every time.
DEMO_ARGS ?= --seed 42
SWIFT ?= swift
# SwiftPM plans the build anew (seconds, every package plugin compiled again) whenever its
# environment differs from the last build's. Make adds its own variables to the
# environment of a recipe, and those given on its command line (`make soak N=200000`,
# `make run ARGS=...`), so each such run looked like a rebuild. SwiftPM runs with the
# environment the shell gave make.
MAKE_ENV_NAMES := MAKEFLAGS MAKELEVEL MFLAGS MAKEOVERRIDES \
  $(foreach v,$(MAKEOVERRIDES),$(firstword $(subst =, ,$(v))))
SWIFTPM = env $(addprefix -u ,$(sort $(MAKE_ENV_NAMES))) $(SWIFT)
BIN := .build/release/messenger
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SHELL := /bin/bash

# `make` alone lists the targets.
.DEFAULT_GOAL := help

.PHONY: help deps chromium build check lint boundaries demo demo-picture run trace bench soak \
  leakcheck fuzz flood differential example install install-files clean maelstrom-local \
  maelstrom-short standin-selftest

# The targets, each with the first line of the comment above it.
help:
	@echo "make TARGET, where TARGET is one of (details in the Makefile and the README):"
	@awk '/^# / { doc = doc (doc ? " " : "") substr($$0, 3); next } \
	  /^[a-z][a-z-]*:/ { name = $$1; sub(/:.*/, "", name); \
	    sub(/(: |\. ).*/, "", doc); sub(/\.$$/, "", doc); \
	    if (length(doc) > 66) doc = substr(doc, 1, 63) "..."; \
	    if (name != "help") printf "  %-10s %s\n", name, doc } \
	  !/^([A-Z_]+ *[?:]?=| )/ { doc = "" }' $(MAKEFILE_LIST)

# libevent's headers and pkg-config file: the one system dependency (Debian: libevent-dev).
deps:
	@if ! command -v pkg-config >/dev/null || ! pkg-config --exists libevent_core; then \
	  echo "deps: installing libevent-dev and pkg-config"; \
	  $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y libevent-dev pkg-config; \
	fi

# Headless Chromium, for the test that renders the space-time diagram (Debian: chromium). Best
# effort: when it cannot be installed, that one test is skipped and says so.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "chromium: installing chromium (the SVG rendering test needs it)"; \
	  { $(SUDO) apt-get update && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium; } >/dev/null 2>&1 || \
	  echo "chromium: could not be installed; the rendering test will be skipped"; }

# The release binary, one static executable: the Swift runtime, libstdc++, libevent_core and libc
# linked in, so the loader binds nothing at exec. The flags are passed here, not in Package.swift
# (which a dependent package could not use with them): optimization across modules, no dynamic
# exclusivity checks, a static executable, and type metadata reached by direct accessors rather
# than by mangled names that the runtime demangles at first use (README, "Written by hand" and
# "Choices"). The static link warns that libevent's getaddrinfo and the runtime's dlopen need
# glibc's shared libraries at run time: the node calls neither.
RELEASE_FLAGS := -Xswiftc -cross-module-optimization -Xswiftc -enforce-exclusivity=unchecked \
  -Xswiftc -static-executable \
  -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
build: deps
	$(SWIFTPM) build -c release --static-swift-stdlib $(RELEASE_FLAGS)

# swift format's strict lint over Sources, Tests and Package.swift.
lint: deps
	$(SWIFTPM) format lint --strict -r Sources Tests Examples Package.swift

# Which module may import which (STYLE.md), checked with a few greps.
boundaries: deps
	scripts/check-boundaries.sh

# Format, module boundaries, a warning-free debug build, the release build, then every test.
# The tests run from the warning-free build itself: a `swift test` of its own would build the
# whole package again, its compiler flags being different.
check: deps chromium lint boundaries
	$(SWIFTPM) build --build-tests -Xswiftc -warnings-as-errors
	$(MAKE) build
	$(SWIFTPM) test --skip-build
	$(MAKE) example

# The README's example (Examples/Counter) built by a package outside this one that depends on
# the Messenger library by URL and version (Tests/ExternalPackage), then run on a scripted
# session; the README must quote the example verbatim. About a minute: it compiles the library.
example:
	scripts/external-package.sh

# RPC done right: the node, with --trace and short timeouts, against scripts/demo_peer.py, which
# plays the clients and the node n2 (a relay that succeeds on its second attempt and then gets a
# late reply, a backoff_relay that waits after an error 11, a reaped fire-and-forget callback).
# Prints the transcript, then draws demo-out/demo.svg from the node's stderr.
DEMO_PEER_ARGS ?= --trace --rpc-timeout-ms 300 --reap-threshold-ms 300 --reap-interval-ms 100
demo: build
	@scripts/demo_peer.py --bin $(BIN) --out demo-out -- $(DEMO_ARGS) $(DEMO_PEER_ARGS)
	@scripts/spacetime.py -o demo-out/demo.svg demo-out/n1.stderr.log
	@echo "== picture: demo-out/demo.svg (open it in a browser; hover an arrow or a mark for details)"

# Refreshes the README's picture, demo/demo.svg and demo/demo.png, from a new demo run.
demo-picture: demo chromium
	cp demo-out/demo.svg demo/demo.svg
	scripts/spacetime.py -o demo-out/demo.svg --png demo/demo.png demo-out/n1.stderr.log

# The node on this terminal (or whatever stdin is): type JSON lines, Ctrl-D to end.
run: build
	$(BIN) $(ARGS)

# The demo with the node under strace (make demo's fixed seed and scripted peer): every call
# with its time and the first 128 bytes of its strings in trace.out (strace -o, so none of it
# mixes with the node's stderr, which the transcript shows), then the calls the node itself made,
# counted (scripts/trace-summary.sh leaves out the loader's and the runtimes' start-up). The
# binary is rebuilt only when a source is newer: `swift build` replans each time, and after a
# release build with other flags (`swift build -c release`, or scripts/bench.sh building Bench)
# it recompiles every module though nothing changed.
trace: deps
	@command -v strace >/dev/null || { echo "trace: needs strace (apt-get install -y strace)"; exit 1; }
	@if [ ! -x $(BIN) ] || [ -n "$$(find Sources Package.swift -newer $(BIN) | head -1)" ]; then \
	  $(MAKE) --no-print-directory build; fi
	@status=0; scripts/demo_peer.py --bin $(BIN) --out demo-out \
	  --wrapper "strace -f -tt -s 128 -o trace.out" -- $(DEMO_ARGS) $(DEMO_PEER_ARGS) || status=$$?; \
	scripts/trace-summary.sh trace.out && exit $$status

# Throughput in interleaved rounds against the C floor node (bench/floor.c), callgrind
# instructions per message, startup, memory and threads, the idle check and the RPC machinery.
# Knobs (RUNS, N, ...) are in the README. Installs valgrind and strace when missing.
bench: deps
	@if ! command -v valgrind >/dev/null || ! command -v strace >/dev/null; then \
	  echo "bench: installing valgrind and strace"; \
	  $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y valgrind strace; \
	fi
	RELEASE_FLAGS="$(RELEASE_FLAGS)" scripts/bench.sh

# N mixed requests (default 2,000,000; about a minute) through the release node and a
# scripted peer that drops 10% of what the node sends it. Fails unless every request is answered
# exactly once, the node exits 0 after end of input, and VmRSS in the last quarter of the run is
# within 1 MiB of the first quarter.
N ?= 2000000
soak: build
	scripts/soak.py -n $(N) --bin $(BIN)

# A short soak of a debug build under valgrind (LEAK_N requests, relays that time out, reaped
# callbacks, then end of input). Fails on definitely lost bytes; prints valgrind's leak summary.
LEAK_N ?= 3000
VALGRIND := valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
  --suppressions=scripts/valgrind.supp
leakcheck: deps
	@command -v valgrind >/dev/null || { echo "leakcheck: needs valgrind (apt-get install -y valgrind)"; exit 1; }
	$(SWIFTPM) build
	@status=0; scripts/soak.py -n $(LEAK_N) --no-rss --window 200 --bin .build/debug/messenger \
	  --wrapper "$(VALGRIND) --log-file=.build/leakcheck.log" || status=$$?; \
	echo "== valgrind (.build/leakcheck.log)"; \
	grep -E 'in use at exit|heap usage|(definitely|indirectly|possibly) lost:|still reachable:|ERROR SUMMARY' \
	  .build/leakcheck.log | sed 's/^==[0-9]*== *//'; exit $$status

# libFuzzer over the stream parser and the dispatcher (Tests/Fuzz), from the seeds in
# Tests/FuzzCorpus, for FUZZ_SECONDS; new inputs go to fuzz-out/corpus, crashes to
# fuzz-out/crashes. The target exists only with MESSENGER_FUZZ=1, built into .build-fuzz with
# coverage instrumentation and AddressSanitizer on every module it uses. FUZZ_TARGET=parser
# fuzzes the stream parser alone (its resync rules, chunking, views against trees): many times
# more inputs a second than a whole node run per input. FUZZ_SANITIZE=none leaves out
# AddressSanitizer (about 3 times the inputs a second; traps, broken invariants and wild accesses
# that fault are still caught, out-of-bounds reads that do not fault are not). FUZZ_MAX_LEN
# bounds an input's length.
FUZZ_SECONDS ?= 60
FUZZ_ARGS ?=
FUZZ_TARGET ?= node
FUZZ_SANITIZE ?= address
FUZZ_MAX_LEN ?= 8192
FUZZ_ENV := $(if $(filter parser,$(FUZZ_TARGET)),MESSENGER_FUZZ_PARSER=1,)
FUZZ_SCRATCH := $(if $(filter none,$(FUZZ_SANITIZE)),.build-fuzz-plain,.build-fuzz)
COMMA := ,
FUZZ_FLAGS := $(if $(filter none,$(FUZZ_SANITIZE)),fuzzer,fuzzer$(COMMA)address)
FUZZ_BIN = $(FUZZ_SCRATCH)/release/messenger-fuzz
fuzz: deps
	MESSENGER_FUZZ=1 $(SWIFTPM) build -c release --scratch-path $(FUZZ_SCRATCH) \
	  --sanitize=fuzzer -Xswiftc -sanitize=$(FUZZ_FLAGS) --product messenger-fuzz
	@mkdir -p fuzz-out/corpus fuzz-out/crashes
	@status=0; $(FUZZ_ENV) $(FUZZ_BIN) fuzz-out/corpus Tests/FuzzCorpus -max_total_time=$(FUZZ_SECONDS) \
	  -dict=Tests/FuzzDictionary.txt -max_len=$(FUZZ_MAX_LEN) -timeout=10 -rss_limit_mb=2048 \
	  -print_final_stats=1 \
	  -artifact_prefix=fuzz-out/crashes/ $(FUZZ_ARGS) > fuzz-out/log 2>&1 || status=$$?; \
	grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' fuzz-out/log || tail -5 fuzz-out/log; \
	echo "== executions: $$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz-out/log)" \
	  "in $(FUZZ_SECONDS) s ($(FUZZ_TARGET), sanitizer: $(FUZZ_SANITIZE)); fuzz-out/corpus holds $$(ls fuzz-out/corpus | wc -l) inputs"; \
	crashes=$$(ls fuzz-out/crashes); \
	if [ -n "$$crashes" ] || [ $$status != 0 ]; then \
	  echo "== crashes (fuzz-out/crashes), log in fuzz-out/log:"; echo "$$crashes"; \
	  grep -m1 -B2 -A20 -E 'ERROR|Fatal error|Precondition' fuzz-out/log; exit 1; \
	else echo "== no crash"; fi

# The flood test at FLOOD_BYTES (1 GiB): seeded random bytes with a valid echo every 64 KiB
# through a pipe to the node the tests build; prints MiB/s and peak RSS, idle and flooded.
# make check runs the same test at 128 MiB.
FLOOD_BYTES ?= 1073741824
flood: deps
	$(SWIFTPM) build --build-tests
	MESSENGER_FLOOD_BYTES=$(FLOOD_BYTES) $(SWIFTPM) test --skip-build --filter FloodTests

# The Maelstrom stand-in on every workload, Gossip Glomers settings: one table. The stand-in is
# Tests/Maelstrom (Python 3, standard library only; README "Testing Maelstrom's workloads without
# Maelstrom"); this runs the release binary with the settings of the public challenges and
# prints availability, messages per operation, latencies and final reads in Maelstrom's terms
# (about 5 minutes). A workload the binary does not answer yet is skipped and named.
# STANDIN_ARGS go to Tests/Maelstrom/suite.py (e.g. -w broadcast, --keep, --seed 1).
STANDIN_ARGS ?=
maelstrom-local: build
	python3 Tests/Maelstrom/suite.py --bin $(BIN) $(STANDIN_ARGS)

# The stand-in in short runs: 5 nodes, 3 s each, every workload without and with partitions.
# make check runs the same runs, and the self-tests, through swift test (MaelstromStandInTests).
maelstrom-short: build
	python3 Tests/Maelstrom/suite.py --bin $(BIN) --short $(STANDIN_ARGS)

# The stand-in's own tests: services, network, each checker on hand-made histories, and runs
# against correct and broken reference nodes (about a minute).
standin-selftest:
	python3 Tests/Maelstrom/selftest.py

# The JSON writer (tree path) and the transcoder (fast path) against python3's json.dumps, byte
# for byte, on DIFF_VALUES seeded random values each (1,000,000). make check runs 20,000 each.
DIFF_VALUES ?= 1000000
differential: deps
	$(SWIFTPM) build --build-tests
	MESSENGER_DIFF_VALUES=$(DIFF_VALUES) MESSENGER_DIFF_COUNT=$(DIFF_VALUES) $(SWIFTPM) test \
	  --skip-build --filter 'PythonDifferentialTests|TranscoderPythonTests'

# The release binary as $(PREFIX)/bin/messenger, and beside it a link messenger-NAME for each
# workload (so that Maelstrom's --bin needs no arguments).
install: build
	@$(MAKE) --no-print-directory install-files

# What install copies and links, for any BIN: the names come from the binary itself
# (--list-workloads), so the links cannot drift from its table of workloads.
install-files:
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/messenger
	@names=$$($(BIN) --list-workloads) || exit 1; \
	for w in $$names; do \
	  [ "$$w" = messenger ] && continue; \
	  ln -sfn messenger $(DESTDIR)$(PREFIX)/bin/messenger-$$w || exit 1; \
	  echo "ln -sfn messenger $(DESTDIR)$(PREFIX)/bin/messenger-$$w"; \
	done

# Removes what builds and runs leave behind. Needs nothing installed, so no deps.
clean:
	rm -rf .build .build-fuzz .build-fuzz-plain bench-out demo-out fuzz-out trace.out
