import Console
import Foundation
import Operations
import Synchronization

/// Index figures for the index view's tests and goldens.
enum IndexSamples {
    static let readAt = Date(timeIntervalSince1970: 1_765_000_000)

    static func record(metadataStale: Int = 0, textStale: Int = 0, missing: Int = 0, orphaned: Int = 0) -> IndexVerifyRecord {
        IndexVerifyRecord(
            products: 120, indexedProducts: 120 - missing + orphaned, current: 120 - missing - metadataStale - textStale,
            metadataStale: metadataStale, textStale: textStale, missing: missing, orphaned: orphaned, repaired: 0,
            ranAt: readAt.addingTimeInterval(-600), ranBy: "ops@console")
    }

    static func status(productsInIndex: Int = 120, lastVerify: IndexVerifyRecord? = record(), running: IndexVerifyProgress? = nil)
        -> IndexStatus
    {
        IndexStatus(
            backend: "pinecone", location: "Pinecone index products-prod", namespace: "products", dimension: 384,
            metric: "cosine", totalVectorCount: 131, namespaces: ["products": 131], productsInDatabase: 120,
            productsInIndex: productsInIndex, lastVerify: lastVerify, verifyRunning: running, readAt: readAt)
    }

    static let inSync = status()
    static let drift = status(productsInIndex: 118, lastVerify: record(metadataStale: 3, textStale: 1, missing: 2, orphaned: 1))
}

/// What the fake index seam answers and what was asked of it.
final class IndexFake: Sendable {
    let status = Mutex(IndexSamples.inSync)
    let verifyResult = Mutex(IndexSamples.record())
    let actions = Mutex<[String]>([])
    /// Each status read's `countingProducts`, in order.
    let statusReads = Mutex<[Bool]>([])
}

extension FakeConsoleServices {
    func indexStatus(countingProducts: Bool) async throws -> IndexStatus {
        indexFake.statusReads.withLock { $0.append(countingProducts) }
        return indexFake.status.withLock { $0 }
    }
    func verifyIndex(progress: @escaping @Sendable (IndexVerifyProgress) -> Void) async throws -> IndexVerifyRecord {
        indexFake.actions.withLock { $0.append("verify") }
        return indexFake.verifyResult.withLock { $0 }
    }
    func repairIndex() async throws -> IndexRepair {
        indexFake.actions.withLock { $0.append("repair") }
        return IndexRepair(upserts: 6, deletes: 1, verify: IndexSamples.drift.lastVerify!)
    }
    func reindexAll() async throws -> Int {
        indexFake.actions.withLock { $0.append("reindex") }
        return 120
    }
}
