# gatecheck: conformance and load testing for Craftgate integrations.
GO      ?= go
BIN     ?= bin
PKGS    ?= ./...
# TEST_TIMEOUT bounds each test binary: a hung test fails with its name
# well before go test's default 10 minutes kills it with a goroutine dump.
TEST_TIMEOUT ?= 8m

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
