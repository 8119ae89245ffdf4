import Catalog
import Embeddings
import Foundation

/// Throughput and latency of the native MiniLM embedder on the reference corpus.
///
/// Usage: EmbedBench [--csv FILE | --seed-count N [--seed S]] [--model-dir DIR] [--parity FILE] [--anchor-json FILE]
///                   [--write-texts FILE] [--limit N] [--passes N] [--batch1-limit N] [--threads N]
/// Prints the OpenBLAS kernel, the CPU, sentences/s and tokens/s at batch sizes 1/32/128 with
/// 1 and 2 threads, short-query latency p50/p99, where the time goes, the share of OpenBLAS's
/// own sgemm rate reached, a parity check, and ratios against the anchor script's JSON.
@main
struct EmbedBench {
    static let query = "waterproof hiking boots for winter"

    static func main() async throws {
        var options: [String: String] = [:]
        var args = CommandLine.arguments.dropFirst()
        while let key = args.popFirst() {
            guard key.hasPrefix("--"), let value = args.popFirst() else {
                print("usage: EmbedBench [--csv FILE | --seed-count N [--seed S]] [--model-dir DIR] [--parity FILE] [--anchor-json FILE]"
                      + " [--write-texts FILE] [--limit N] [--passes N]")
                exit(2)
            }
            options[String(key.dropFirst(2))] = value
        }
        // `--threads N` measures one thread count instead of 1 and 2 (quick A/B runs).
        let threadCounts = options["threads"].flatMap(Int.init).map { [$0] } ?? [1, 2]
        if options["probe-small"] != nil {
            for m in [1, 4, 8, 16, 32, 64, 128, 336, 672] {
                let rates = [(1152, 384), (384, 384), (1536, 384), (384, 1536)].map {
                    BLASProbe.smallProductRate(rows: m, outputs: $0.0, inputs: $0.1, minimumSeconds: 0.2)
                }
                print("small kernel M=\(m) (vectorised: \(rates[0].vectorised)): " + rates.map { String(format: "%.0f", $0.rate) }.joined(separator: " "))
            }
            return
        }
        if options["probe"] != nil {
            // sgemm rates per shape and M, to choose mini-batch sizes.
            for threads in [1, 2] {
                for m in [8, 16, 64, 128, 256, 336, 512, 672, 1024, 2048] {
                    let rates = [(1152, 384), (384, 384), (1536, 384), (384, 1536)].map {
                        BLASProbe.sgemmRate(rows: m, outputs: $0.0, inputs: $0.1, threads: threads, minimumSeconds: 0.2)
                    }
                    print("threads \(threads) M=\(m): " + rates.map { String(format: "%.0f", $0) }.joined(separator: " "))
                }
            }
            return
        }
        if let count = options["query-only"].flatMap(Int.init) {
            // Short-query latency alone, `count` queries per thread count: quick to repeat.
            let model = try MiniLMModel(folder: MiniLMModel.resolveFolder(explicit: options["model-dir"]))
            for threads in threadCounts {
                let embedder = MiniLMEmbedder(model: model, threads: threads, miniBatchTokens: options["mini-batch"].flatMap(Int.init))
                let samples = try await queryLatencies(embedder, count: count)
                print(String(format: "threads %d  short query: p50 %.2f ms  p90 %.2f ms  p99 %.2f ms", threads,
                             samples[count / 2], samples[count * 9 / 10], samples[count * 99 / 100]))
                printQueryBreakdown(try await embedder.profile(), queries: count, threads: threads)
            }
            return
        }
        var texts: [String]
        let source: String
        if let count = options["seed-count"].flatMap(Int.init) {
            // The seed generator's catalog (what `db seed` writes), instead of the reference CSV.
            let seed = options["seed"].flatMap(UInt64.init) ?? 1
            texts = SeedCatalog(seed: seed).products(count: count).map(\.description)
            source = "the seed generator (seed \(seed))"
        } else {
            let csvPath = options["csv"] ?? "../shared/data/refarch_products_10k.csv"
            guard let csv = try? String(contentsOfFile: csvPath, encoding: .utf8),
                let column = CSVReader.column("description", of: csv)
            else {
                print("Cannot read the description column of \(csvPath).")
                exit(1)
            }
            texts = column
            source = csvPath
        }
        if let limit = options["limit"].flatMap(Int.init) { texts = Array(texts.prefix(limit)) }
        if let out = options["write-texts"] {
            // One text per line for the anchor script; descriptions hold no line breaks.
            let lines = texts.map { $0.replacingOccurrences(of: "\n", with: " ") }
            try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
            print("wrote \(lines.count) texts to \(out)")
            return
        }
        let passes = options["passes"].flatMap(Int.init) ?? 2
        let batchOneLimit = options["batch1-limit"].flatMap(Int.init) ?? 2_000
        let folder = MiniLMModel.resolveFolder(explicit: options["model-dir"])
        let model = try MiniLMModel(folder: folder)
        let tokenizeStart = Date()
        let tokenCount = texts.reduce(0) { $0 + model.tokenizer.encode($1).count }
        let tokenizeSeconds = Date().timeIntervalSince(tokenizeStart)

        print("# MiniLM embedder benchmark")
        print("cpu: \(cpuModel()), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("product kernel: \(MiniLMEmbedder.productKernelName); OpenBLAS core: \(MiniLMEmbedder.blasCoreName)"
              + "  (OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset"))")
        print("corpus: \(texts.count) texts from \(source), \(tokenCount) ids (\(String(format: "%.1f", Double(tokenCount) / Double(texts.count))) per text incl. [CLS]/[SEP])")

        print(String(format: "tokenizer: %.1f µs per text (one thread)", tokenizeSeconds * 1e6 / Double(max(texts.count, 1))))
        var results: [String: Double] = [:]
        var latency: [Int: (Double, Double)] = [:]
        var profile = EncoderProfile()
        var profiledSeconds = 1.0
        for threads in threadCounts {
            let embedder = MiniLMEmbedder(model: model, threads: threads, miniBatchTokens: options["mini-batch"].flatMap(Int.init))
            _ = try await embedder.embed(Array(texts.prefix(256)))
            for batch in [1, 32, 128] {
                // The headline (2 threads, batch 32/128) is best of `passes`; the rest one pass each.
                let runs = batch == 1 || threads == 1 ? 1 : passes
                // Batch 1 is a loop of queries: a 2,000-text prefix keeps the run short.
                let corpus = batch == 1 ? Array(texts.prefix(batchOneLimit)) : texts
                var best = 0.0
                var elapsed = 0.0
                _ = try await embedder.profile(reset: true)
                for _ in 0..<runs {
                    let start = Date()
                    defer { elapsed += Date().timeIntervalSince(start) }
                    var index = 0
                    while index < corpus.count {
                        _ = try await embedder.embed(Array(corpus[index..<min(index + batch, corpus.count)]))
                        index += batch
                    }
                    best = max(best, Double(corpus.count) / Date().timeIntervalSince(start))
                }
                if threads == 2 && batch == 32 {
                    profile = try await embedder.profile()
                    profiledSeconds = elapsed
                }
                results["\(threads)x\(batch)"] = best
                print(String(format: "threads %d  batch %3d: %7.1f sentences/s  %8.0f tokens/s%@",
                             threads, batch, best, best * Double(tokenCount) / Double(texts.count),
                             batch == 1 ? " (first \(corpus.count) texts)" : ""))
                fflush(nil)
            }
            let samples = try await queryLatencies(embedder, count: 200)
            printQueryBreakdown(try await embedder.profile(), queries: 200, threads: threads)
            latency[threads] = (samples[100], samples[198])
            print(String(format: "threads %d  short query: p50 %.2f ms  p99 %.2f ms", threads, samples[100], samples[198]))
            fflush(nil)
        }

        // The rest is taken at 2 threads.
        guard threadCounts.contains(2) else { return }
        // Where the time goes (2 threads, batch 32), and the share of OpenBLAS's own sgemm rate.
        let config = model.config
        let wall = Double(texts.count) / results["2x32"]!
        let encoderRate = BLASProbe.denseFlops(config: config, tokens: tokenCount) / wall / 1e9
        let rows = 336   // a packed mini-batch at batch 32: ~672 tokens split over two threads
        let shapes = [(3 * config.hiddenSize, config.hiddenSize), (config.hiddenSize, config.hiddenSize),
                      (config.intermediateSize, config.hiddenSize), (config.hiddenSize, config.intermediateSize)]
        let weights = [1.0 * Double(shapes[0].0 * shapes[0].1), Double(shapes[1].0 * shapes[1].1),
                       Double(shapes[2].0 * shapes[2].1), Double(shapes[3].0 * shapes[3].1)]
        func mixRate(threads: Int, rows: Int) -> Double {
            // Flop-weighted harmonic mean over the four dense shapes of a layer.
            var seconds = 0.0
            for (shape, weight) in zip(shapes, weights) {
                seconds += weight / BLASProbe.sgemmRate(rows: rows, outputs: shape.0, inputs: shape.1, threads: threads, minimumSeconds: 0.3)
            }
            return weights.reduce(0, +) / seconds
        }
        // Each of the embedder's threads runs its products alone, so a ceiling is twice one
        // thread's rate on the shapes it feeds (packed mini-batches of ~336 rows): OpenBLAS's,
        // and the packed kernel's (the one used when the CPU has AVX-512).
        let oneThread = mixRate(threads: 1, rows: rows)
        var kernelSeconds = 0.0
        for (shape, weight) in zip(shapes, weights) {
            kernelSeconds += weight / BLASProbe.smallProductRate(rows: rows, outputs: shape.0, inputs: shape.1, minimumSeconds: 0.3).rate
        }
        let kernelRate = weights.reduce(0, +) / kernelSeconds
        print(String(format: "sgemm on the encoder's shapes (flop-weighted, M=%d, 1 thread): OpenBLAS %.0f GFLOP/s, packed kernel (%@) %.0f GFLOP/s",
                     rows, oneThread, MiniLMEmbedder.productKernelName, kernelRate))
        print(String(format: "encoder, 2 threads batch 32: %.0f GFLOP/s of dense work = %.0f%% of 2 x OpenBLAS's rate, %.0f%% of 2 x the packed kernel's",
                     encoderRate, 100 * encoderRate / (2 * oneThread), 100 * encoderRate / (2 * kernelRate)))
        let total = profile.total
        print(String(format: "thread time (2 threads, batch 32): gemm %.0f%%, attention %.0f%%, elementwise (bias, GELU, LayerNorm) %.0f%%, embeddings %.0f%%, pooling %.0f%%; encoder busy %.0f%% of 2 x wall",
                     100 * profile.gemm / total, 100 * profile.attention / total, 100 * profile.elementwise / total,
                     100 * profile.embeddings / total, 100 * profile.pooling / total,
                     100 * total / (2 * profiledSeconds)))

        // One parity check next to the figures.
        let parityPath = options["parity"] ?? "../shared/fixtures/minilm/parity.jsonl"
        if let parity = try? String(contentsOfFile: parityPath, encoding: .utf8) {
            var parityTexts: [String] = []
            var expected: [[Double]] = []
            for line in parity.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let text = object["text"] as? String, let vector = object["embedding"] as? [Double]
                else { continue }
                parityTexts.append(text)
                expected.append(vector)
            }
            let embedder = MiniLMEmbedder(model: model, threads: 2)
            let vectors = try await embedder.embed(parityTexts)
            var worst = 0.0, minCosine = 1.0
            for (got, want) in zip(vectors, expected) {
                var dot = 0.0, ng = 0.0, nw = 0.0
                for (g, w) in zip(got, want) {
                    let g = Double(g), w = Double(Float(w))
                    worst = max(worst, abs(g - w))
                    dot += g * w
                    ng += g * g
                    nw += w * w
                }
                minCosine = min(minCosine, dot / (ng * nw).squareRoot())
            }
            let pass = worst <= 1e-4 && minCosine >= 0.99999
            print(String(format: "parity (%d fixture texts): max abs diff %.2e, min cosine %.9f -> %@",
                         parityTexts.count, worst, minCosine, pass ? "PASS" : "FAIL"))
        } else {
            print("parity: \(parityPath) not found, skipped")
        }

        // Ratios against the anchors measured in the same run.
        // Anchors: one JSON per batch size the anchor script ran at (--anchor-json A.json,B.json).
        struct Anchor { let batch: Int; let st: Double; let ort: Double; let stQuery: Double; let ortQuery: Double }
        let anchors: [Anchor] = (options["anchor-json"] ?? "").split(separator: ",").compactMap { path in
            guard let data = FileManager.default.contents(atPath: String(path)),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            func number(_ key: String) -> Double { (json[key] as? NSNumber)?.doubleValue ?? .nan }
            func p50(_ key: String) -> Double { ((json[key] as? [String: Any])?["p50"] as? NSNumber)?.doubleValue ?? .nan }
            return Anchor(batch: Int(number("batch")), st: number("sentence_transformers"), ort: number("onnxruntime"),
                          stQuery: p50("sentence_transformers_query_ms"), ortQuery: p50("onnxruntime_query_ms"))
        }
        for anchor in anchors {
            guard let ours = results["2x\(anchor.batch)"] else { continue }
            print(String(format: "anchors (2 threads, batch %d): sentence-transformers %.1f/s, ONNX Runtime %.1f/s; query p50 %.2f ms / %.2f ms",
                         anchor.batch, anchor.st, anchor.ort, anchor.stQuery, anchor.ortQuery))
            print(String(format: "  same batch: %.2fx sentence-transformers [target >= 2], %.2fx ONNX Runtime [target >= 1.0]",
                         ours / anchor.st, ours / anchor.ort))
        }
        if let first = anchors.first {
            // Best against best: each side at the batch size that suits it.
            let oursBest = max(results["2x32"]!, results["2x128"]!)
            let stBest = anchors.map(\.st).max()!, ortBest = anchors.map(\.ort).max()!
            print(String(format: "best batch each side: %.2fx sentence-transformers, %.2fx ONNX Runtime", oursBest / stBest, oursBest / ortBest))
            print(String(format: "short query p50: %.2f ms (sentence-transformers %.2f ms, ONNX Runtime %.2f ms)  [target <= 1.5 ms]",
                         latency[2]!.0, first.stQuery, first.ortQuery))
        }
    }

    /// Where a query's time goes on the coordinator thread (the helpers only run products).
    static func printQueryBreakdown(_ profile: EncoderProfile, queries: Int, threads: Int) {
        let perQuery = 1000 / Double(queries)
        print(String(format: "threads %d  query breakdown (ms per query, coordinator): gemm %.2f, attention %.3f, elementwise %.3f, embeddings+pooling %.3f; total %.2f",
                     threads, profile.gemm * perQuery, profile.attention * perQuery, profile.elementwise * perQuery,
                     (profile.embeddings + profile.pooling) * perQuery, profile.total * perQuery))
    }

    /// Milliseconds of `count` single short queries, sorted, after a warm-up of 20; the
    /// embedder's phase profile then covers the timed queries only.
    static func queryLatencies(_ embedder: MiniLMEmbedder, count: Int) async throws -> [Double] {
        for _ in 0..<20 { _ = try await embedder.embed([query]) }
        _ = try await embedder.profile(reset: true)
        var samples: [Double] = []
        for _ in 0..<count {
            let start = Date()
            _ = try await embedder.embed([query])
            samples.append(Date().timeIntervalSince(start) * 1000)
        }
        return samples.sorted()
    }

    static func cpuModel() -> String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let value = line.split(separator: ":", maxSplits: 1).last
        else { return "unknown" }
        return value.trimmingCharacters(in: .whitespaces)
    }
}
