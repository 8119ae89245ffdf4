import Catalog
import DedicatedThreads
import Foundation
import LocalIndex
import Logging
import Postgres
import PostgresCatalog

/// Local vector index benchmark: exact top-10 query latency at 100k and 1M vectors (384
/// dims), unfiltered and with a price filter selecting 10 %, recall against brute force,
/// memory against the raw float32 size, and (with --postgres) loading from Postgres.
/// NumPy's exact search runs on the same vectors in the same run (scripts/bench-index.sh).
@main
struct IndexBench {
    static let dimension = 384

    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        func value(_ name: String) -> String? {
            guard let i = arguments.firstIndex(of: name), arguments.index(after: i) < arguments.endIndex else { return nil }
            return arguments[arguments.index(after: i)]
        }
        let sizes = (value("--sizes") ?? "100000,1000000").split(separator: ",").compactMap { Int($0) }
        let queries = Int(value("--queries") ?? "50") ?? 50
        let threads = Int(value("--threads") ?? "2") ?? 2
        let dumpDirectory = value("--dump")
        let workers = ParallelWorkers(width: threads, name: "bench-scan")

        for n in sizes {
            let rssBefore = residentBytes()
            let matrix = VectorMatrix(dimension: dimension, capacity: n)
            let vectors = UnsafeMutablePointer<Float>.allocate(capacity: n * dimension)
            var rng = SplitMix64(seed: 42)
            for i in 0..<(n * dimension) { vectors[i] = Float(Double(rng.next() >> 11) / Double(1 << 53) * 2 - 1) }
            let clock = ContinuousClock()
            let buildStart = clock.now
            for i in 0..<n {
                matrix.upsert(id: "\(i)#0", vector: UnsafeBufferPointer(start: vectors + i * dimension, count: dimension),
                              metadata: ["price": .number(Double(i % 1000))])
            }
            let buildTime = clock.now - buildStart
            let rssAfter = residentBytes()
            let raw = n * dimension * 4
            let queryVectors = (0..<queries).map { _ in (0..<dimension).map { _ in Float(Double(rng.next() >> 11) / Double(1 << 53) * 2 - 1) } }
            let filter = try MetadataFilter(json: #"{"price": {"$gte": 100, "$lt": 200}}"#)

            var plain: [Double] = []
            var filtered: [Double] = []
            var results: [[Int]] = []
            for q in queryVectors {
                let t0 = clock.now
                let hits = matrix.search(q, topK: 10, filter: nil, workers: workers)
                plain.append((clock.now - t0).seconds * 1000)
                results.append(hits.map(\.row))
                let t1 = clock.now
                _ = matrix.search(q, topK: 10, filter: filter, workers: workers)
                filtered.append((clock.now - t1).seconds * 1000)
            }
            // Recall against a float64 brute force on the original vectors, for the first 5 queries.
            var recallHits = 0, recallTotal = 0
            for (qi, q) in queryVectors.prefix(5).enumerated() {
                let truth = bruteForce(q, vectors, n: n).prefix(10)
                recallTotal += 10
                recallHits += Set(truth.map(\.0)).intersection(results[qi]).count
            }
            print("""
                n=\(n) threads=\(threads) build=\(String(format: "%.2f", buildTime.seconds))s \
                query_p50=\(String(format: "%.2f", median(plain)))ms query_mean=\(String(format: "%.2f", mean(plain)))ms \
                filtered10%_p50=\(String(format: "%.2f", median(filtered)))ms \
                recall@10=\(String(format: "%.3f", Double(recallHits) / Double(recallTotal))) \
                memory_rss=\(String(format: "%.2f", Double(rssAfter - rssBefore - raw) / Double(raw)))x_raw \
                matrix=\(String(format: "%.2f", Double(matrix.vectorBytes) / Double(raw)))x_raw
                """)
            if let dumpDirectory {
                // The same vectors and queries for the NumPy side, as raw float32.
                let base = URL(fileURLWithPath: dumpDirectory)
                try Data(bytes: vectors, count: raw).write(to: base.appendingPathComponent("vectors-\(n).f32"))
                try Data(queryVectors.flatMap { $0 }.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) })
                    .write(to: base.appendingPathComponent("queries-\(n).f32"))
                try results.map { $0.map(String.init).joined(separator: ",") }.joined(separator: "\n")
                    .write(to: base.appendingPathComponent("ours-\(n).txt"), atomically: true, encoding: .utf8)
            }
            vectors.deallocate()
        }

        if let url = value("--postgres"), let count = Int(value("--load") ?? "1000000") {
            try await loadBenchmark(url: url, count: count)
        }
        workers.shutdown()
    }

    /// Fills `refarch_vectors` with `count` rows by COPY, then times `LocalVectorIndex.open`.
    static func loadBenchmark(url: String, count: Int) async throws {
        let config = PostgresConfiguration(url: url)
        let conn = try await PostgresConnection.connect(config)
        _ = try await SchemaMigrator.migrate(conn)
        let existing = try await conn.query("SELECT count(*) FROM refarch_vectors")[0].decode(Int.self, at: 0)
        if existing != count {
            try await conn.execute("TRUNCATE refarch_vectors, refarch_vector_tombstones")
            var rng = SplitMix64(seed: 7)
            let hex = Array("0123456789abcdef".utf8)
            let batch = 50_000
            for start in stride(from: 0, to: count, by: batch) {
                var rows: [[String?]] = []
                rows.reserveCapacity(batch)
                for i in start..<min(start + batch, count) {
                    var bytes = [UInt8]("\\x".utf8)
                    bytes.reserveCapacity(2 + dimension * 8)
                    for _ in 0..<dimension {
                        let bits = Float(Double(rng.next() >> 11) / Double(1 << 53) * 2 - 1).bitPattern
                        for shift in stride(from: 0, to: 32, by: 8) {
                            let byte = UInt8(truncatingIfNeeded: bits >> UInt32(shift))
                            bytes.append(hex[Int(byte >> 4)])
                            bytes.append(hex[Int(byte & 15)])
                        }
                    }
                    rows.append(["\(i)#0", String(i), "0", String(decoding: bytes, as: UTF8.self),
                                 "{\"price\": \(i % 1000)}", String(i + 1)])
                }
                try await conn.copyIn(table: "refarch_vectors", columns: ["id", "product_id", "chunk", "vector", "metadata", "change_seq"], rows: rows)
            }
            try await conn.execute("SELECT setval('refarch_vector_change_seq', $1)", [Int64(count + 1)])
            try await conn.execute("VACUUM ANALYZE refarch_vectors")
        }
        await conn.close()
        let clock = ContinuousClock()
        let start = clock.now
        var logger = Logger(label: "refarch.index.local")
        logger.logLevel = .debug  // prints the fetch/apply split of the load
        let index = try await LocalVectorIndex.open(configuration: config, dimension: dimension, follow: true, logger: logger)
        let elapsed = clock.now - start
        let loaded = try await index.loadedCount
        print("load_from_postgres n=\(loaded) time=\(String(format: "%.2f", elapsed.seconds))s")
        await index.close()
    }

    static func bruteForce(_ q: [Float], _ vectors: UnsafeMutablePointer<Float>, n: Int) -> [(Int, Double)] {
        var qn = 0.0
        for v in q { qn += Double(v) * Double(v) }
        var scored: [(Int, Double)] = []
        scored.reserveCapacity(n)
        for i in 0..<n {
            let row = vectors + i * dimension
            var dot = 0.0, norm = 0.0
            for j in 0..<dimension {
                dot += Double(q[j]) * Double(row[j])
                norm += Double(row[j]) * Double(row[j])
            }
            scored.append((i, dot / (qn * norm).squareRoot()))
        }
        return Array(scored.sorted { $0.1 > $1.1 }.prefix(10))
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        return 0
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
