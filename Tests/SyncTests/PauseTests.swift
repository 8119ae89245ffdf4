import Catalog
import Foundation
import Postgres
import PostgresCatalog
import TestSupport
import Testing

@testable import Sync

/// Issue 22 §4: `sync pause` stops pelican draining and emu receiving, on both backends;
/// changes made meanwhile wait (in the outbox, or in the queue) and reach the index on resume.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct PauseTests {
    static let changed = 500

    @Test(arguments: PipelineBackend.available)
    func changesMadeWhilePausedWaitAndAreIndexedOnResume(_ backend: PipelineBackend) async throws {
        try await PipelineStack.with(backend) { stack in
            let products = try (0..<Self.changed + 20).map { n in
                try NewProduct(
                    name: "Item \(n)", sku: "PAUSE-\(n)", description: "Plain item number \(n).", price: Price(cents: Int64(100 + n)))
            }
            _ = try await ProductLoader.insert(products, into: stack.pool)
            try await stack.sync()
            let indexed = try await Verifier(pool: stack.pool, index: stack.index).run()
            #expect(indexed.isClean && indexed.indexedProducts == Self.changed + 20, "\(indexed)")
            func indexSeqs() async throws -> [String: MetadataValue?] {
                let ids = try await stack.index.listIDs(prefix: "")
                return Dictionary(uniqueKeysWithValues: try await stack.index.fetch(ids: ids).map { ($0.id, $0.metadata["seq"]) })
            }
            let before = try await indexSeqs()

            // 20 changes already in the job queue when the pause comes: emu must not take them.
            try await stack.pool.query(
                "UPDATE products_with_increment SET description = description || ' (queued)' WHERE id IN (SELECT id FROM products_with_increment ORDER BY id DESC LIMIT 20)"
            )
            while try await stack.pelican.drainOnce() > 0 {}
            let control = SyncControl(pool: stack.pool)
            try await control.pause(by: "test@pause")
            #expect(try await control.status().paused)

            try await stack.withWorkersRunning {
                try await stack.pool.query(
                    "UPDATE products_with_increment SET description = description || ' Revised.' WHERE id IN (SELECT id FROM products_with_increment ORDER BY id LIMIT $1)",
                    [Self.changed])
                // Both workers get several chances to (wrongly) act: pelican is woken by the
                // outbox NOTIFY at once, emu polls every half second.
                try await Task.sleep(for: .seconds(3))
                try await stack.catchUp()
                #expect(try await indexSeqs() == before, "nothing reaches the index while paused")
                let status = try await control.status()
                #expect(status.paused && status.outboxRows == Self.changed && status.changedBy == "test@pause", "\(status)")
                #expect(stack.pelican.isPaused && stack.emu.isPaused)
                let stats = try await stack.queue.stats()
                #expect(stats.deadLetters.visible == 0)

                try await control.resume(by: "test@pause")
                let resumed = try await stack.waitUntilVerified()
                #expect(resumed.isClean && resumed.indexedProducts == Self.changed + 20, "\(resumed)")
                let final = try await control.status()
                #expect(!final.paused && final.outboxRows == 0, "\(final)")
            }
            #expect(try await stack.queue.stats().deadLetters.visible == 0)
        }
    }
}

/// Who paused the sync is recorded even where neither `USER` nor `LOGNAME` is set.
struct SyncActorTests {
    @Test func theAccountNameComesFromThePasswordDatabase() {
        #expect(SyncControl.accountName(uid: 0) == "root")
        #expect(SyncControl.accountName(uid: 4_000_000_000) == nil)
    }
}
