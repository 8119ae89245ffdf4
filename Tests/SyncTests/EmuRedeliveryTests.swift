import Catalog
import Foundation
import Logging
import Telemetry
import TestSupport
import Testing

@testable import Sync

/// What emu does with a batch it cannot write: hand it back to the queue for a retry soon,
/// later each time, and never delete it before the index took the write.
@Suite("emu hands failed batches back")
struct EmuRedeliveryTests {
    static let options = EmuService.Options(
        batchSize: 10, visibilityTimeout: .seconds(60), attempts: 2, backoff: .milliseconds(1), redeliveryDelay: .seconds(5))

    static func upsert(_ id: Int64) throws -> JobMessage {
        let product = Product(
            id: ProductID(rawValue: id), name: "Kettle \(id)", sku: "K-\(id)", description: "A steel kettle.",
            price: try Price(parsing: "19.99"))
        let message = QueueMessage(productID: product.id, change: .upsert(ProductRow(product)), seq: id)
        return JobMessage(body: QueueMessageCodec.encode(message), groupID: String(id), deduplicationID: "seq-\(id)")
    }

    @Test("a failed batch is visible again after 5 s, then 10 s, and is indexed and deleted once the index is back")
    func failedBatchesComeBackSoonerEachTimeLater() async throws {
        let clock = ManualClock()
        let queue = InMemoryJobQueue(visibilityTimeout: .seconds(60), maxReceiveCount: 5, clock: clock)
        let index = InMemoryVectorIndex(dimension: 64)
        let emu = EmuService(
            queue: queue, index: index, embedder: FixedEmbedder(dimension: 64), options: Self.options,
            counters: WorkerCounters(), metrics: MetricsRegistry(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        #expect(try await queue.send([Self.upsert(7)]).isEmpty)
        index.failWrites(true)

        // Each failed receive hides the batch for 5 s, then 10 s: not for the 60 s visibility timeout.
        var jobs = try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(60))
        #expect(jobs.count == 1)
        for (receive, delay) in [(2, 5), (3, 10)] {
            let batch = jobs
            await #expect(throws: InMemoryVectorIndex.Unavailable.self) { try await emu.process(batch) }
            clock.advance(by: .seconds(delay - 1))
            #expect(try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(60)).isEmpty)
            clock.advance(by: .seconds(2))
            jobs = try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(60))
            #expect(jobs.map(\.receiveCount) == [receive], "after a \(delay) s delay")
        }

        // The index is back: the batch is written, then deleted from the queue.
        index.failWrites(false)
        try await emu.process(jobs)
        #expect(try await index.listIDs(prefix: "7#") == ["7#0"])
        clock.advance(by: .seconds(120))
        #expect(try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(60)).isEmpty)
        #expect(try await queue.stats().deadLetters.total == 0)
    }

    @Test("the delay doubles per receive and stops at the visibility timeout")
    func delaysDoubleUpToTheVisibilityTimeout() {
        let delays = (1...6).map { EmuService.redeliveryDelay(afterReceive: $0, options: Self.options) }
        #expect(delays == [.seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(60), .seconds(60)])
    }
}
