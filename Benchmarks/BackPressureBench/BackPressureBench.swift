import Catalog
import Embeddings
import Foundation
import HTTP
import Logging
import Pinecone
import Sync
import Synchronization
import Telemetry
import TestSupport

/// Issue 22 §2's figure: emu indexing a seeded catalog into the Pinecone test server, first
/// unthrottled, then with the server answering 429 to a seeded 30 % of the requests. Emu
/// receives batches of 10 (as from SQS, AWS mode being where Pinecone is used) from an
/// in-memory queue, so the index is the only thing that differs between the two runs. Also
/// counts emu's requests per batch by endpoint (the text-hash check's listing and reads).
@main
struct BackPressureBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            print("usage: BackPressureBench MODEL_DIR [products=2000] [throttled fraction=0.3, 0: the unthrottled run alone]")
            return
        }
        let embedder = try MiniLMEmbedder(modelFolder: URL(fileURLWithPath: arguments[1]))
        let count = arguments.count > 2 ? Int(arguments[2]) ?? 2_000 : 2_000
        let fraction = arguments.count > 3 ? Double(arguments[3]) ?? 0.3 : 0.3
        let products = SeedCatalog(seed: 1).products(count: count).enumerated().map { n, new in
            Product(
                id: ProductID(rawValue: Int64(n + 1)), name: new.name, sku: new.sku, description: new.description, price: new.price)
        }
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; \(count) products, emu batches of 10, 2 receivers")
        let plain = try await run(products, embedder: embedder, throttled: 0)
        plain.print(label: "unthrottled")
        guard fraction > 0 else { return }
        let throttled = try await run(products, embedder: embedder, throttled: fraction)
        throttled.print(label: String(format: "429 on %.0f %% of requests", fraction * 100))
        print(String(format: "throttled / unthrottled: %.2f×", throttled.seconds / plain.seconds))
    }

    struct Outcome {
        var seconds: Double
        var batches: Int
        var requests: [String: Int]
        var throttled: Int
        var deadLetters: Int
        var lowestRate: Double
        var finalRate: Double

        func print(label: String) {
            let perBatch = requests.sorted { $0.key < $1.key }.map {
                String(format: "%@ %.1f", $0.key, Double($0.value) / Double(max(batches, 1)))
            }.joined(separator: ", ")
            Swift.print(
                String(
                    format:
                        "%@: %.1f s; %d batches; requests per batch: %@; throttled %d; dead letters %d; rate limit lowest %.0f/s, at the end %.0f/s",
                    label, seconds, batches, perBatch, throttled, deadLetters, lowestRate, finalRate))
        }
    }

    static func run(_ products: [Product], embedder: MiniLMEmbedder, throttled fraction: Double) async throws -> Outcome {
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try PineconeTestServer()
        defer { server.stop() }
        try server.createIndex(name: "bench", dimension: embedder.dimension)
        let http = HTTPClient(logger: quiet)
        defer { http.shutdown() }
        let configuration = try PineconeConfiguration(
            apiKey: server.apiKey, indexName: "bench", namespace: "products", controllerHost: server.controllerURL, http: http,
            logger: quiet)
        let index = try await PineconeIndex.open(configuration: configuration)
        let queue = InMemoryJobQueue(visibilityTimeout: .seconds(60), maxReceiveCount: 3)
        let messages = products.map { product in
            JobMessage(
                body: QueueMessageCodec.encode(
                    QueueMessage(productID: product.id, change: .upsert(ProductRow(product)), seq: product.id.rawValue)),
                groupID: String(product.id.rawValue), deduplicationID: "seq-\(product.id.rawValue)")
        }
        _ = try await queue.send(messages)
        let lowest = LowestRate(configuration.rateLimiter.rate)
        configuration.rateLimiter.observe { lowest.note($0.rate) }
        server.clearReceived()
        server.throttle(fraction: fraction, seed: 22)
        let metrics = MetricsRegistry()
        let emu = EmuService(
            queue: queue, index: index, embedder: embedder, options: .init(batchSize: 10, receivers: 2, wait: .milliseconds(100)),
            counters: WorkerCounters(), metrics: metrics, logger: quiet)
        let clock = ContinuousClock()
        let start = clock.now
        let worker = Task { await emu.run() }
        while server.records(index: "bench", namespace: "products").count < products.count {
            try await Task.sleep(for: .milliseconds(20))
        }
        let seconds = (clock.now - start).seconds
        var requests: [String: Int] = [:]
        for request in server.received where request.index != nil { requests[request.path, default: 0] += 1 }
        let batches = metrics.histogramTotals("refarch_batch_size", labels: [("worker", "emu")])?.count ?? 0
        if fraction == 0 {
            // The same products again with a new price: what the text-hash check costs when
            // the vectors exist (a read of chunk 0 and, with the values it brings, one upsert a batch).
            server.clearReceived()
            let repriced = try products.map { product in
                var changed = product
                changed.price = try Price(cents: product.price.cents + 1)
                return JobMessage(
                    body: QueueMessageCodec.encode(
                        QueueMessage(productID: changed.id, change: .upsert(ProductRow(changed)), seq: 1_000_000 + changed.id.rawValue)),
                    groupID: String(changed.id.rawValue), deduplicationID: "price-\(changed.id.rawValue)")
            }
            _ = try await queue.send(repriced)
            let updateStart = clock.now
            let newPrices = Dictionary(uniqueKeysWithValues: products.map { ($0.id.rawValue, Double($0.price.cents + 1) / 100) })
            while !server.records(index: "bench", namespace: "products").values.allSatisfy({ record in
                let id = Int64(record.id.split(separator: "#").first ?? "") ?? 0
                return record.metadata["price"] == .number(newPrices[id] ?? -1)
            }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let updateSeconds = (clock.now - updateStart).seconds
            var updateRequests: [String: Int] = [:]
            for request in server.received where request.index != nil { updateRequests[request.path, default: 0] += 1 }
            let updateBatches = max(1, (metrics.histogramTotals("refarch_batch_size", labels: [("worker", "emu")])?.count ?? 0) - batches)
            Swift.print(
                String(
                    format: "price-only update of the same products (unthrottled): %.1f s; requests per batch: %@", updateSeconds,
                    updateRequests.sorted { $0.key < $1.key }.map {
                        String(format: "%@ %.1f", $0.key, Double($0.value) / Double(updateBatches))
                    }
                    .joined(separator: ", ")))
        }
        worker.cancel()
        await worker.value
        return Outcome(
            seconds: seconds, batches: batches, requests: requests, throttled: server.throttledCount,
            deadLetters: try await queue.stats().deadLetters.total, lowestRate: lowest.value, finalRate: configuration.rateLimiter.rate)
    }
}

/// The lowest rate the limiter reached.
final class LowestRate: Sendable {
    private let lowest: Mutex<Double>
    init(_ start: Double) { lowest = Mutex(start) }
    func note(_ rate: Double) { lowest.withLock { $0 = min($0, rate) } }
    var value: Double { lowest.withLock { $0 } }
}
