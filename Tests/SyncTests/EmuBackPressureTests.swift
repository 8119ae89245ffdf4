import Catalog
import Foundation
import Logging
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import Sync

/// Issue 22 §2–3 without services: throttling keeps the batch in hand (no receive counted, no
/// dead letter), and batches are cut by word pieces with each part acknowledged on its own.
@Suite("emu under back-pressure and long texts")
struct EmuBackPressureTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// An index outage.
    struct Down: Error {}

    /// "Slow down", as a 429 says it.
    struct Throttled: ThrottlingIndication {
        var isThrottling: Bool { true }
    }

    /// An index whose writes fail for a while: throttled, or (for the ids `failing` matches)
    /// unavailable.
    final class ThrottlingIndex: VectorIndex {
        let base = InMemoryVectorIndex(dimension: 64)
        private let throttledWritesLeft: Mutex<Int>
        let failing: @Sendable (String) -> Bool
        var dimension: Int { base.dimension }

        init(throttledWrites: Int = 0, failing: @escaping @Sendable (String) -> Bool = { _ in false }) {
            throttledWritesLeft = Mutex(throttledWrites)
            self.failing = failing
        }

        private let throttledCalls = Mutex(0)
        /// Writes answered "slow down" so far.
        var throttled: Int { throttledCalls.withLock { $0 } }

        func upsert(_ records: [VectorRecord]) async throws {
            let throttle = throttledWritesLeft.withLock { left in
                defer { left = max(0, left - 1) }
                return left > 0
            }
            if throttle {
                throttledCalls.withLock { $0 += 1 }
                throw Throttled()
            }
            if records.contains(where: { failing($0.id) }) { throw Down() }
            try await base.upsert(records)
        }
        func delete(ids: [String]) async throws { try await base.delete(ids: ids) }
        func delete(idPrefix prefix: String) async throws { try await base.delete(idPrefix: prefix) }
        func fetch(ids: [String]) async throws -> [VectorRecord] { try await base.fetch(ids: ids) }
        func listIDs(prefix: String) async throws -> [String] { try await base.listIDs(prefix: prefix) }
        func query(_ query: VectorQuery) async throws -> [VectorMatch] { try await base.query(query) }
        func stats() async throws -> IndexStats { try await base.stats() }
    }

    /// The documents of every embedding call.
    final class RecordingEmbedder: ChunkingEmbedder {
        let base = FixedEmbedder(dimension: 64)
        let calls = Mutex<[[EmbeddingDocument]]>([])
        var dimension: Int { base.dimension }
        func embed(_ texts: [String]) async throws -> [[Float]] { try await base.embed(texts) }
        func embedDocuments(_ documents: [EmbeddingDocument], maxChunks: Int) async throws -> [[[Float]]] {
            calls.withLock { $0.append(documents) }
            return try await base.embedDocuments(documents, maxChunks: maxChunks)
        }
    }

    static func upsert(_ id: Int64, description: String = "A steel kettle.") throws -> JobMessage {
        let product = Product(
            id: ProductID(rawValue: id), name: "Kettle \(id)", sku: "K-\(id)", description: description,
            price: try Price(parsing: "19.99"))
        let message = QueueMessage(productID: product.id, change: .upsert(ProductRow(product)), seq: id)
        return JobMessage(body: QueueMessageCodec.encode(message), groupID: String(id), deduplicationID: "seq-\(id)")
    }

    @Test("a throttled index never uses up the batch's attempts: it is written, deleted, and nothing is received twice")
    func throttlingKeepsTheBatchInHand() async throws {
        let queue = InMemoryJobQueue(visibilityTimeout: .seconds(60), maxReceiveCount: 2)
        // More throttled writes than attempts: before issue 22 the batch went back to the queue.
        let index = ThrottlingIndex(throttledWrites: 7)
        let metrics = MetricsRegistry()
        let emu = EmuService(
            queue: queue, index: index, embedder: FixedEmbedder(dimension: 64),
            options: .init(batchSize: 10, attempts: 2, backoff: .milliseconds(1)), counters: WorkerCounters(), metrics: metrics,
            logger: Self.logger)
        #expect(try await queue.send([Self.upsert(1), Self.upsert(2)]).isEmpty)
        let jobs = try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(60))
        try await emu.process(jobs)
        #expect(try await index.listIDs(prefix: "").sorted() == ["1#0", "2#0"])
        let stats = try await queue.stats()
        #expect(stats.jobs.visible + stats.jobs.inFlight == 0, "the batch was acknowledged")
        #expect(stats.deadLetters.total == 0)
        #expect(metrics.value("refarch_errors_total", labels: [("worker", "emu"), ("kind", "index")]) == nil, "throttling is not an error")
    }

    @Test("parts are bounded by word pieces, shortest first; a text over the budget goes alone")
    func partsAreBoundedByWordPieces() async throws {
        let queue = InMemoryJobQueue(visibilityTimeout: .seconds(60), maxReceiveCount: 3)
        let index = ThrottlingIndex()
        let embedder = RecordingEmbedder()
        let budget = 30
        let emu = EmuService(
            queue: queue, index: index, embedder: embedder,
            options: .init(batchSize: 10, backoff: .milliseconds(1), maxWordPieces: budget), counters: WorkerCounters(),
            metrics: MetricsRegistry(), logger: Self.logger)
        let long = String(repeating: "A very long description of a kettle that goes on and on. ", count: 1_800)
        #expect(long.utf8.count > 100_000)
        var messages = try (1...8).map { try Self.upsert($0, description: "Kettle number \($0) boils water quickly. ") }
        messages.insert(try Self.upsert(9, description: long), at: 3)
        #expect(try await queue.send(messages).isEmpty)
        let jobs = try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(60))
        #expect(jobs.count == 9)
        try await emu.process(jobs)

        let calls = embedder.calls.withLock { $0 }
        #expect(calls.count >= 3, "eight short texts over a 30-piece budget, then the long one")
        for call in calls where call.count > 1 {
            #expect(embedder.wordPieceCounts(call, maxChunks: 32).reduce(0, +) <= budget)
        }
        #expect(calls.last?.map(\.body) == [long], "the long text last and alone")
        #expect(try await index.listIDs(prefix: "9#").count == 32, "the long text is capped at maxChunks windows")
        #expect(try await index.listIDs(prefix: "").count == 8 + 32)
    }

    @Test("short texts are written and acknowledged even when the long one in their batch fails")
    func aLongTextDoesNotHoldBackTheOthers() async throws {
        let clock = ManualClock()
        let queue = InMemoryJobQueue(visibilityTimeout: .seconds(60), maxReceiveCount: 5, clock: clock)
        let index = ThrottlingIndex(failing: { $0.hasPrefix("9#") })
        let emu = EmuService(
            queue: queue, index: index, embedder: FixedEmbedder(dimension: 64),
            options: .init(batchSize: 10, attempts: 1, backoff: .milliseconds(1), maxWordPieces: 500), counters: WorkerCounters(),
            metrics: MetricsRegistry(), logger: Self.logger)
        let long = String(repeating: "A very long description of a kettle that goes on and on. ", count: 1_800)
        var messages = try (1...8).map { try Self.upsert($0) }
        messages.append(try Self.upsert(9, description: long))
        #expect(try await queue.send(messages).isEmpty)
        let jobs = try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(60))
        await #expect(throws: Down.self) { try await emu.process(jobs) }
        #expect(try await index.listIDs(prefix: "").count == 8)
        // Only the long text's message comes back.
        clock.advance(by: .seconds(6))
        let again = try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(60))
        #expect(again.count == 1)
        #expect(try again.map { try QueueMessageCodec.decode($0.body).productID.rawValue } == [9])
    }

    @Test("a shutdown under endless throttling stops waiting and leaves the batch in the queue")
    func stoppingUnderEndlessThrottling() async throws {
        let queue = InMemoryJobQueue(visibilityTimeout: .seconds(60), maxReceiveCount: 5)
        let index = ThrottlingIndex(throttledWrites: .max)
        let emu = EmuService(
            queue: queue, index: index, embedder: FixedEmbedder(dimension: 64),
            options: .init(batchSize: 10, receivers: 1, wait: .milliseconds(50), attempts: 1, backoff: .milliseconds(1)),
            counters: WorkerCounters(), metrics: MetricsRegistry(), logger: Self.logger)
        #expect(try await queue.send([Self.upsert(1)]).isEmpty)
        let finished = Finished()
        let run = Task {
            await emu.run()
            finished.set()
        }
        let clock = ContinuousClock()
        var deadline = clock.now + .seconds(300)
        while index.throttled == 0, clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(index.throttled > 0, "the batch is in hand, throttled")
        run.cancel()
        deadline = clock.now + .seconds(300)
        while !finished.value, clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(finished.value, "emu stopped although the index still throttles")
        #expect(try await index.listIDs(prefix: "").isEmpty)
        let stats = try await queue.stats()
        #expect(stats.jobs.total == 1 && stats.deadLetters.total == 0, "the message is still in the queue: \(stats)")
    }

    /// A flag set once.
    final class Finished: Sendable {
        private let done = Mutex(false)
        var value: Bool { done.withLock { $0 } }
        func set() { done.withLock { $0 = true } }
    }
}
