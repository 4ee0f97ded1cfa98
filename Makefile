# gatecheck: conformance and load testing for Craftgate integrations.
GO      ?= go
BIN     ?= bin
PKGS    ?= ./...
# TEST_TIMEOUT bounds each test binary explicitly; every wait inside a test
# has its own, shorter bound and message. It is generous because, with the
# race detector on a busy 2-core machine, the packages that run the whole
# suite several times (cmd/gatecheck, conform) take many minutes.
TEST_TIMEOUT ?= 25m

.PHONY: all build run test vet bench mock clean

all: build

## build: the gatecheck CLI into ./bin
build:
	$(GO) build -o $(BIN)/gatecheck ./cmd/gatecheck

## run: the main job: a sign-off rehearsal (conformance + probe of the reference merchant + load + report) against the embedded mock
run:
	$(GO) run ./cmd/gatecheck signoff --merchant-reference

## test: vet and every test (race detector on), as CI runs them
test: vet
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) $(PKGS)

vet:
	$(GO) vet $(PKGS)

## bench: the signing and mock benchmarks quoted in the README
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./craftgate/ ./mock/

## mock: a mock provider on 127.0.0.1:8080 with the default keys
mock:
	$(GO) run ./cmd/gatecheck mock

clean:
	rm -rf $(BIN) reports/out
