# etcd-snapshot-operator. `make demo` and `make test` do everything on a fresh
# machine: Node 24 (from the npm registry when the system Node is older), npm ci,
# the TypeScript build and the test-bed binaries built from pinned Go modules.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export ETCD_SNAPSHOT_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/etcd-snapshot-operator
NODE_BIN := $(shell scripts/ensure-node.sh)
ifneq ($(NODE_BIN),)
export PATH := $(NODE_BIN):$(PATH)
endif
JEST_FLAGS ?=
JEST := node --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js $(JEST_FLAGS)
COMPONENTS := kube etcd-3.6 etcd-3.5 versitygw age helm argo-lua

.PHONY: help deps build tools lint test test-unit test-integration test-e2e bench demo clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

node_modules/.installed: package.json package-lock.json
	@echo "==> npm ci (node $$(node --version))"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: node_modules/.installed ## Install npm dependencies (npm ci)

build: deps ## Compile TypeScript to dist/
	@echo "==> tsc"
	npx tsc -p tsconfig.build.json

tools: ## Build the test-bed binaries from pinned Go modules (cached; slow only the first time)
	@for c in $(COMPONENTS); do echo "==> test bed component $$c"; test/tools/build.sh $$c >/dev/null; done

.PHONY: generate
generate: deps ## Regenerate crds/*.yaml from the schema source in src/api/v1alpha1
	node --import tsx scripts/generate-crds.ts

lint: deps ## ESLint, Prettier, the type checker, room boundaries (dependency-cruiser), unused code (knip)
	npx eslint .
	npx prettier --check .
	npx tsc -p tsconfig.json --noEmit
	npx depcruise src --config .dependency-cruiser.cjs
	npx knip

test: build tools ## Every test tier: unit, integration, e2e
	$(JEST) --selectProjects unit integration e2e

test-unit: deps ## Unit tests (pure logic, no processes)
	$(JEST) --selectProjects unit

test-integration: build tools ## Integration tests (real etcd and versitygw)
	$(JEST) --selectProjects integration

test-e2e: build tools ## End-to-end tests on the local control plane
	$(JEST) --selectProjects e2e

bench: build tools ## Benchmarks (BENCH_ONLY=save,operator,restore,logical) vs etcdctl/etcdutl; writes docs/benchmarks.md
	node --import tsx test/bench/run.ts

demo: build tools ## Start the local control plane and run the operator end to end (Ctrl-C stops)
	node --import tsx test/support/demo.ts

clean: ## Remove build output (the binary cache in $(ETCD_SNAPSHOT_CACHE) stays)
	rm -rf dist coverage node_modules
