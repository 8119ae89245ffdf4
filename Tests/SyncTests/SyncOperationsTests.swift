import Catalog
import LocalIndex
import Operations
import TestSupport
import Testing

@testable import Sync

/// The sync trail and the index's progress through the operations seam, wired as the console
/// wires them on each backend: `LocalIndexProgress` beside the local index, `VectorCountProgress`
/// for Pinecone. Nothing above the seam asks which index it has.
@Suite("sync operations on both backends", .enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct SyncOperationsTests {
    /// How the wiring counts indexed products for the stack's index (RefarchCLI's `makeVectorIndex` chooses the same).
    static func progress(of stack: PipelineStack) -> any IndexProgressReading {
        switch stack.backend {
        case .embedded: LocalIndexProgress(pool: stack.pool)
        case .aws: VectorCountProgress(pool: stack.pool, namespace: "products", index: { stack.index })
        }
    }

    @Test(arguments: PipelineBackend.available)
    func aSavedChangeGoesCapturedSentIndexedAndTheProgressFollows(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let index = stack.index
            let sync: any SyncOperations = SyncProgressReader(pool: stack.pool, index: { index }, progress: Self.progress(of: stack))
            let mug = try await stack.store.create(
                try NewProduct(name: "Travel mug", sku: "M-1", description: "Keeps coffee hot on a commute.", price: Price(cents: 2000)))
            _ = try await stack.store.create(
                try NewProduct(name: "Desk lamp", sku: "L-1", description: "Light for late work.", price: Price(cents: 3000)))

            let seq = try #require(try await sync.changeSequence(of: mug.id))
            #expect(try await sync.syncStage(of: mug.id, changeSequence: seq) == .captured)
            #expect(try await sync.indexProgress() == IndexProgress(indexed: 0, total: 2))

            while try await stack.pelican.drainOnce() > 0 {}
            #expect(try await sync.syncStage(of: mug.id, changeSequence: seq) == .sent)

            try await stack.sync()
            #expect(try await sync.syncStage(of: mug.id, changeSequence: seq) == .indexed)
            #expect(try await sync.indexProgress() == IndexProgress(indexed: 2, total: 2))

            // A newer change: the old seq stays indexed only once the new one is.
            _ = try await stack.store.update(id: mug.id, try ProductChanges(description: "Keeps tea hot too."))
            let newer = try #require(try await sync.changeSequence(of: mug.id))
            #expect(newer > seq)
            #expect(try await sync.syncStage(of: mug.id, changeSequence: newer) == .captured)
            if backend == .embedded {
                // The local index counts products at their latest change: the mug is behind.
                #expect(try await sync.indexProgress() == IndexProgress(indexed: 1, total: 2))
            }
            try await stack.sync()
            #expect(try await sync.syncStage(of: mug.id, changeSequence: newer) == .indexed)
            #expect(try await sync.indexProgress() == IndexProgress(indexed: 2, total: 2))
        }
    }

    @Test func anIndexStillOpeningLeavesTheSequenceReadableAndSaysSoForTheStage() async throws {
        try await PipelineStack.with(.embedded) { stack in
            let notReady = UserErrorStandIn()
            let sync = SyncProgressReader(pool: stack.pool, index: { throw notReady }, progress: LocalIndexProgress(pool: stack.pool))
            let mug = try await stack.store.create(
                try NewProduct(name: "Travel mug", sku: "M-1", description: "Keeps coffee hot.", price: Price(cents: 2000)))
            let seq = try #require(try await sync.changeSequence(of: mug.id))
            await #expect(throws: UserErrorStandIn.self) { try await sync.syncStage(of: mug.id, changeSequence: seq) }
            #expect(try await sync.indexProgress() == IndexProgress(indexed: 0, total: 1), "the local count needs no loaded index")
        }
    }
}

/// What the wiring throws while the index opens ("index not ready yet").
struct UserErrorStandIn: Error {}
