# gate: quick start is `make gate` and `make test` (see README.md).
PREFIX ?= /usr/local
SWIFT ?= swift
BENCH ?=

.PHONY: all deps build gate test bench install clean

all: build

## deps: install missing system packages (apt-get; needs root or sudo)
deps:
	@.ci/deps build

## build: release build of the gate binary (.build/release/gate)
build: deps
	$(SWIFT) build -c release --product gate

## gate: build, then run the launch suite on the bundled sample; reports in Reports/launch/
## (sign-offs start pending on a fresh clone; `gate attest` ticks them, see docs/release-workflow.md)
gate: build
	.build/release/gate run Suites/launch.yaml --allow-pending-manual

## test: unit and end-to-end tests, including schema validation of every emitted report
test:
	@.ci/deps test
	$(SWIFT) build --build-tests
	GATE_PYTHON=$(CURDIR)/.build/venv/bin/python $(SWIFT) test

## bench: side-by-side benchmarks against peer tools (BENCH=name runs one)
bench: build
	@.ci/deps bench
	@Benchmarks/run $(BENCH)

## install: install the binary and shell completions under PREFIX (default /usr/local)
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 .build/release/gate $(DESTDIR)$(PREFIX)/bin/gate
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	.build/release/gate --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/gate
	.build/release/gate --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_gate

## clean: remove build output and reports
clean:
	rm -rf .build Benchmarks/.work
	find Reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
