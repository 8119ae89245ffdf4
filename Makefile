# The two commands a newcomer needs: `make demo` and `make test`.
# Both install what is missing first (scripts/install-deps.sh).
.PHONY: deps build test test-infra image demo bench-seed bench-index bench-embed bench-pipeline bench-console format lint clean

deps:
	@scripts/install-deps.sh

build: deps
	swift build

test: deps
	@scripts/test.sh

demo: deps
	@scripts/demo.sh

# Only the infra/ and Dockerfile tests (Python, offline; `make test` runs them too).
test-infra:
	@scripts/test-infra.sh

# The one container image (Dockerfile). Needs a running container engine (docker or podman).
IMAGE ?= refarch-tui:dev
image:
	@if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then \
	  docker build -t $(IMAGE) . ; \
	elif command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then \
	  podman build -t $(IMAGE) . ; \
	else \
	  echo "error: no container engine is available here (neither \`docker info\` nor \`podman info\` answers), so the image cannot be built." >&2; \
	  echo "hint: start Docker or Podman, or build on a machine that has one; \`make test-infra\` checks the Dockerfile statically." >&2; \
	  exit 1; \
	fi

# Opt-in: native MiniLM vs sentence-transformers and ONNX Runtime (creates .refarch/bench-venv).
bench-embed: deps
	@Benchmarks/bench-embed.sh

format:
	swift format --in-place --recursive Sources Tests Package.swift

lint:
	swift format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build .build-*
	scripts/pg.sh destroy test-pg || true

bench-seed: deps
	@scripts/bench-seed.sh

bench-index: deps
	@scripts/bench-index.sh

bench-pipeline: deps
	@scripts/bench-pipeline.sh

bench-console: deps
	@scripts/bench-console.sh
