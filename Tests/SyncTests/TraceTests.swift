import Catalog
import Foundation
import LocalIndex
import Operations
import Postgres
import PostgresCatalog
import TestSupport
import Testing

@testable import Sync

/// Issue 20 §5: `trace` follows one product's latest change through the outbox, pelican, the
/// job queue and its DLQ, the index and a search for its name, on both backends, and names
/// the first stage that is not done with what to do.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct TraceTests {
    func tracer(_ stack: PipelineStack) -> ProductTracer {
        ProductTracer(
            pool: stack.pool, store: stack.store, queue: stack.queue, queueBackend: stack.backend == .aws ? "sqs" : "postgres",
            index: stack.index, indexBackend: stack.backend == .aws ? "pinecone" : "local", search: stack.search)
    }

    func add(_ stack: PipelineStack, _ name: String) async throws -> Product {
        try await stack.store.create(
            try NewProduct(
                name: name, sku: "TRACE-\(UInt32.random(in: 0..<UInt32.max))", description: "A \(name.lowercased()) for the trace test.",
                price: Price(cents: 1250)))
    }

    /// Receives the product's message from the jobs queue (pelican must have sent it).
    func receive(_ stack: PipelineStack, _ product: Product) async throws -> ReceivedJob {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let jobs = try await stack.queue.receive(maxMessages: 10, wait: stack.receiveWait, visibilityTimeout: .seconds(60))
            if let job = jobs.first(where: { $0.groupID == String(product.id.rawValue) }) { return job }
        }
        throw TraceTestError.noMessage
    }

    enum TraceTestError: Error { case noMessage }

    @Test(arguments: PipelineBackend.available)
    func changeWaitingInTheOutbox(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let product = try await add(stack, "Copper kettle")
            let trace = try await tracer(stack).trace(.id(product.id))
            #expect(trace.stages.map(\.kind) == TraceStage.Kind.allCases)
            #expect(trace.stage(.change)?.change?.operation == "insert")
            #expect(trace.stage(.change)?.at != nil)
            #expect(trace.firstPending?.kind == .outbox)
            #expect(trace.stage(.outbox)?.status == .waiting)
            #expect(trace.stage(.outbox)?.remedy?.action == .wait)
            #expect(trace.stage(.queue)?.queue?.state == .notSent)
            #expect(trace.stage(.index)?.index?.state == .missing)
            #expect(trace.stage(.search)?.status == .skipped)

            // Paused, the remedy is to resume.
            try await SyncControl(pool: stack.pool).pause(by: "test@trace")
            let paused = try await tracer(stack).trace(.sku(product.sku.lowercased()))
            #expect(paused.productID == product.id.rawValue)
            #expect(paused.firstPending?.remedy?.action == .resume)
            #expect(paused.firstPending?.remedy?.command == "refarch-tui sync resume")
        }
    }

    @Test(arguments: PipelineBackend.available)
    func messageInFlight(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let product = try await add(stack, "Walnut cutting board")
            while try await stack.pelican.drainOnce() > 0 {}
            // Sent, not received yet.
            let sent = try await tracer(stack).trace(.id(product.id))
            #expect(sent.firstPending?.kind == .queue)
            #expect(sent.stage(.queue)?.queue?.state == (backend == .aws ? .notInDeadLetters : .waiting))
            #expect(sent.stage(.queue)?.remedy?.action == .wait)
            let job = try await receive(stack, product)
            #expect(job.receiveCount == 1, "the trace received from the jobs queue")
            let trace = try await tracer(stack).trace(.id(product.id))
            #expect(trace.stage(.outbox)?.status == .done)
            #expect(trace.stage(.pelican)?.status == .done)
            #expect(trace.stage(.pelican)?.at != nil, "pelican records when it sent the change")
            #expect(trace.firstPending?.kind == .queue)
            #expect(trace.firstPending?.status == .waiting)
            switch backend {
            case .embedded:
                let queue = try #require(trace.stage(.queue)?.queue)
                #expect(queue.state == .inFlight)
                #expect(queue.receiveCount == 1)
                #expect(queue.maxReceiveCount == 3)
                #expect(queue.messageID == job.messageID)
                #expect((queue.visibleAgainAt ?? .distantPast) > Date())
            case .aws:
                // SQS cannot show the jobs queue without receiving: the trace must not have.
                #expect(trace.stage(.queue)?.queue?.state == .notInDeadLetters)
                #expect(trace.stage(.queue)?.remedy?.action == .wait)
                _ = try await stack.queue.changeVisibility(receiptHandles: [job.receiptHandle], timeout: .zero)
                let again = try await receive(stack, product)
                #expect(again.receiveCount == 2, "the trace received from the jobs queue")
            }
            #expect(trace.stage(.index)?.index?.state == .missing)
        }
    }

    @Test(arguments: PipelineBackend.available)
    func deadLetteredMessage(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let product = try await add(stack, "Linen apron")
            while try await stack.pelican.drainOnce() > 0 {}
            let job = try await receive(stack, product)
            try await stack.queue.moveToDeadLetters(job, reason: "trace test: poison")
            for _ in 0..<2 {  // looking twice: the first look must leave the dead letter where it was
                let trace = try await tracer(stack).trace(.id(product.id))
                let stage = try #require(trace.firstPending)
                #expect(stage.kind == .queue)
                #expect(stage.status == .failed)
                #expect(stage.queue?.state == .deadLettered)
                #expect(stage.queue?.deadLetterReason == "trace test: poison")
                #expect(stage.remedy?.action == .redrive)
                let id = try #require(stage.queue?.messageID)
                #expect(stage.remedy?.command == "refarch-tui queue redrive --id \(id)")
                #expect(trace.stage(.index)?.status == .waiting)
            }
            // Still in the DLQ, visible: a redrive of that id finds and moves it.
            let id = try #require(try await tracer(stack).trace(.id(product.id)).stage(.queue)?.queue?.messageID)
            #expect(try await stack.queue.redriveDeadLetters(messageIDs: [id]).moved == 1)
            try await stack.sync()
            let after = try await tracer(stack).trace(.id(product.id))
            #expect(after.isComplete, "\(after.stages.map(\.summary))")
        }
    }

    @Test(arguments: PipelineBackend.available)
    func indexedAndCurrent(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let product = try await add(stack, "Enamel camping mug")
            _ = try await add(stack, "Stoneware teapot")
            try await stack.sync()
            let trace = try await tracer(stack).trace(.id(product.id))
            #expect(trace.isComplete, "\(trace.stages.map(\.summary))")
            #expect(trace.firstPending == nil)
            let index = try #require(trace.stage(.index)?.index)
            #expect(index.state == .current)
            #expect(index.vectorIDs == ["\(product.id.rawValue)#0"])
            #expect(index.seq == trace.stage(.change)?.change?.seq)
            #expect(index.textHash == index.expectedTextHash)
            #expect(index.template == EmbeddingTemplate.standard.fingerprint)
            #expect(trace.stage(.search)?.search?.rank == 1)
            #expect(trace.stage(.queue)?.status == .done)
            #expect(trace.stage(.queue)?.queue?.state == (backend == .aws ? .notInDeadLetters : .processed))

            // The JSON is stable: snake_case names, the first pending stage, every stage.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            let json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(trace)) as? [String: Any])
            #expect(json["product_id"] as? Int == Int(product.id.rawValue))
            #expect(json["complete"] as? Bool == true)
            let stages = try #require(json["stages"] as? [[String: Any]])
            #expect(stages.map { $0["stage"] as? String } == ["change", "outbox", "pelican", "queue", "index", "search"])
            #expect((stages[4]["index"] as? [String: Any])?["state"] as? String == "current")
        }
    }

    /// An update whose message was lost after pelican sent it: the index stays behind with
    /// nothing on the way, which the trace tells apart by what changed.
    @Test(arguments: PipelineBackend.available, [false, true])
    func staleVectors(_ backend: PipelineBackend, textChanged: Bool) async throws {
        try await PipelineStack.with(backend) { stack in
            let product = try await add(stack, "Cast iron skillet")
            try await stack.sync()
            let changes =
                textChanged
                ? try ProductChanges(description: "Pre-seasoned, with a helper handle.") : try ProductChanges(price: try Price(cents: 999))
            _ = try await stack.store.update(id: product.id, changes)
            while try await stack.pelican.drainOnce() > 0 {}
            let lost = try await receive(stack, product)
            #expect(try await stack.queue.delete(receiptHandles: [lost.receiptHandle]).isEmpty)
            try await stack.catchUp()

            let trace = try await tracer(stack).trace(.id(product.id))
            #expect(trace.stage(.change)?.change?.operation == "update")
            #expect(trace.stage(.change)?.change?.changedColumns == [textChanged ? "description" : "price"])
            let index = try #require(trace.stage(.index)?.index)
            #expect(index.state == (textChanged ? .textStale : .metadataStale))
            #expect((index.seq ?? 0) < index.expectedSeq)
            #expect((index.textHash == index.expectedTextHash) == !textChanged)
            switch backend {
            case .embedded:
                #expect(trace.firstPending?.kind == .index)
                #expect(trace.firstPending?.status == .failed)
                #expect(trace.firstPending?.remedy?.action == .repair)
                #expect(trace.firstPending?.remedy?.command == "refarch-tui verify --repair")
            case .aws:
                // Not in the DLQ and the jobs queue cannot be looked at: wait, else repair.
                #expect(trace.firstPending?.kind == .queue)
                #expect(trace.firstPending?.remedy?.command == "refarch-tui verify --repair")
            }
            // The repair the trace names brings it back.
            _ = try await Verifier(pool: stack.pool, index: stack.index).run(repair: true)
            try await stack.sync()
            #expect(try await tracer(stack).trace(.id(product.id)).isComplete)
        }
    }

    @Test(arguments: PipelineBackend.available)
    func deletedAndUnknownProducts(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let product = try await add(stack, "Bamboo steamer")
            try await stack.sync()
            #expect(try await stack.store.delete(id: product.id))
            let index = stack.index
            let seq = try #require(
                try await SyncProgressReader(pool: stack.pool, index: { index }, progress: LocalIndexProgress(pool: stack.pool))
                    .changeSequence(of: product.id))
            /// The deleted error's seq, time and vectors left, or nil when the trace did not throw it.
            func deleted() async -> (seq: Int64, at: Date?, left: Int)? {
                do {
                    _ = try await tracer(stack).trace(.id(product.id))
                } catch TraceError.deleted(let id, let seq, let at, let left) where id == product.id.rawValue {
                    return (seq, at, left)
                } catch {}
                return nil
            }
            // Deleted, not yet synced: its vector is still in the index.
            let before = try #require(await deleted())
            #expect(before.seq == seq && before.at != nil && before.left == 1)
            #expect(TraceError.deleted(id: 1, seq: 2, at: nil, vectorsLeft: 1).remedy?.contains("verify --repair") == true)
            try await stack.sync()
            let after = try #require(await deleted())
            #expect(after.seq == seq && after.left == 0)
            #expect(TraceError.deleted(id: 1, seq: 2, at: nil, vectorsLeft: 0).remedy?.contains("gone from the index") == true)
            await #expect(throws: TraceError.unknownID(987_654_321)) { try await tracer(stack).trace(.id(ProductID(987_654_321))) }
            await #expect(throws: TraceError.unknownSKU("NO-SUCH-SKU")) { try await tracer(stack).trace(.sku("NO-SUCH-SKU")) }
        }
    }
}
