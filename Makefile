# The two commands a newcomer needs: `make demo` and `make test`.
# Both install what is missing first (scripts/install-deps.sh).
.PHONY: deps build test demo bench-seed bench-index bench-embed bench-pipeline bench-console format lint clean

deps:
	@scripts/install-deps.sh

build: deps
	swift build

test: deps
	@scripts/test.sh

demo: deps
	@scripts/demo.sh

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
