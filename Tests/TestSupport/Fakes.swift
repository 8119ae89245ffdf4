import Catalog
import Foundation
import Synchronization

/// An embedder for unit tests: a bag of hashed words, so texts that share words are close
/// and the result never depends on a model file.
public struct FixedEmbedder: Embedder {
    public let dimension: Int
    public init(dimension: Int = 64) { self.dimension = dimension }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map { text in
            var v = [Float](repeating: 0, count: dimension)
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
                var h: UInt64 = 1469598103934665603
                for b in word.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
                v[Int(h % UInt64(dimension))] += 1
            }
            if v.allSatisfy({ $0 == 0 }) { v[0] = 1 }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
    }
}

/// The product store in memory, with the same validation results as Postgres's.
public final class InMemoryProductStore: ProductStore {
    private let state = Mutex<(products: [ProductID: Product], nextID: Int64)>(([:], 1))

    public init(_ products: [Product] = []) {
        state.withLock { s in
            for p in products { s.products[p.id] = p; s.nextID = max(s.nextID, p.id.rawValue + 1) }
        }
    }

    public func list(_ query: ProductQuery) async throws -> ProductPage {
        let all = state.withLock { Array($0.products.values) }
        let filter = try ProductFilter(parsing: query.filter)
        var filtered = all.filter(filter.matches)
        filtered.sort { a, b in
            let less: Bool
            switch query.sort {
            case .id: less = a.id < b.id
            case .name: less = (a.name, a.id) < (b.name, b.id)
            case .price: less = (a.price, a.id) < (b.price, b.id)
            case .updated: less = (a.lastUpdated?.description ?? "", a.id) < (b.lastUpdated?.description ?? "", b.id)
            }
            return query.descending ? !less : less
        }
        return ProductPage(products: Array(filtered.dropFirst(query.offset).prefix(query.limit)), totalCount: filtered.count)
    }

    public func product(id: ProductID) async throws -> Product? { state.withLock { $0.products[id] } }
    public func product(sku: String) async throws -> Product? {
        state.withLock { s in s.products.values.first { $0.sku.lowercased() == sku.lowercased() } }
    }
    public func products(skuPrefix prefix: String, minPrice: Price?, maxPrice: Price?, limit: Int) async throws -> [Product] {
        state.withLock { s in
            let matching = s.products.values.filter { product in
                product.sku.lowercased().hasPrefix(prefix.lowercased()) && (minPrice.map { product.price >= $0 } ?? true)
                    && (maxPrice.map { product.price <= $0 } ?? true)
            }
            return Array(
                matching.sorted { Array($0.sku.lowercased().utf8).lexicographicallyPrecedes($1.sku.lowercased().utf8) }.prefix(limit))
        }
    }
    public func products(ids: [ProductID]) async throws -> [Product] { state.withLock { s in ids.compactMap { s.products[$0] } } }

    public func create(_ product: NewProduct) async throws -> Product {
        try state.withLock { s in
            if s.products.values.contains(where: { $0.sku.lowercased() == product.sku.lowercased() }) {
                throw ProductValidationErrors([.init(field: .sku, problem: .duplicateSKU(product.sku))])
            }
            let p = Product(
                id: ProductID(s.nextID), name: product.name, sku: product.sku, description: product.description,
                price: product.price, lastUpdated: product.lastUpdated)
            s.products[p.id] = p
            s.nextID += 1
            return p
        }
    }

    public func update(id: ProductID, _ changes: ProductChanges) async throws -> Product? {
        state.withLock { s in
            guard var p = s.products[id] else { return nil }
            if let v = changes.name { p.name = v }
            if let v = changes.sku { p.sku = v }
            if let v = changes.description { p.description = v }
            if let v = changes.price { p.price = v }
            if let v = changes.lastUpdated { p.lastUpdated = v }
            s.products[id] = p
            return p
        }
    }

    public func delete(id: ProductID) async throws -> Bool { state.withLock { $0.products.removeValue(forKey: id) != nil } }
    public func count() async throws -> Int { state.withLock { $0.products.count } }
}

/// A vector index in memory with exact brute-force search: the reference for the real ones.
public final class InMemoryVectorIndex: VectorIndex {
    /// What writes throw while ``failWrites(_:)`` is on (an index outage).
    public struct Unavailable: Error {}

    public let dimension: Int
    private let records = Mutex<[String: VectorRecord]>([:])
    private let failingWrites = Mutex(false)

    public init(dimension: Int) { self.dimension = dimension }

    /// While on, every upsert and delete throws ``Unavailable`` and changes nothing.
    public func failWrites(_ on: Bool) { failingWrites.withLock { $0 = on } }

    private func checkWritable() throws {
        if failingWrites.withLock({ $0 }) { throw Unavailable() }
    }

    public func upsert(_ new: [VectorRecord]) async throws {
        try checkWritable()
        records.withLock { r in for v in new { r[v.id] = v } }
    }
    public func delete(ids: [String]) async throws {
        try checkWritable()
        records.withLock { r in for id in ids { r[id] = nil } }
    }
    public func delete(idPrefix prefix: String) async throws {
        try checkWritable()
        records.withLock { r in r = r.filter { !$0.key.hasPrefix(prefix) } }
    }
    public func fetch(ids: [String]) async throws -> [VectorRecord] { records.withLock { r in ids.compactMap { r[$0] } } }
    public func listIDs(prefix: String) async throws -> [String] {
        records.withLock { r in r.keys.filter { $0.hasPrefix(prefix) }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } }
    }

    public func query(_ query: VectorQuery) async throws -> [VectorMatch] {
        let all = records.withLock { Array($0.values) }
        func norm(_ v: [Float]) -> Float { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let qn = norm(query.vector)
        return all.filter { query.filter?.matches($0.metadata) ?? true }.map { r in
            VectorMatch(
                id: r.id, score: zip(r.values, query.vector).reduce(0) { $0 + $1.0 * $1.1 } / (qn * norm(r.values)),
                metadata: query.includeMetadata ? r.metadata : nil)
        }.sorted { ($0.score, $1.id) > ($1.score, $0.id) }.prefix(query.topK).map { $0 }
    }

    public func stats() async throws -> IndexStats {
        let n = records.withLock { $0.count }
        return IndexStats(dimension: dimension, metric: "cosine", totalVectorCount: n, namespaces: n > 0 ? ["products": n] : [:])
    }
}

extension FixedEmbedder: ChunkingEmbedder {
    /// Windows of at most `wordsPerChunk` words, cut at sentence ends, each with the prefix in front.
    public func embedDocuments(_ documents: [EmbeddingDocument], maxChunks: Int) async throws -> [[[Float]]] {
        var out: [[[Float]]] = []
        for document in documents {
            var windows: [String] = []
            var current: [Substring] = []
            for sentence in document.body.split(separator: ".", omittingEmptySubsequences: true) {
                let words = sentence.split(separator: " ")
                if current.count + words.count > Self.wordsPerChunk, !current.isEmpty {
                    windows.append(current.joined(separator: " "))
                    current = []
                }
                current += words
            }
            if !current.isEmpty || windows.isEmpty { windows.append(current.joined(separator: " ")) }
            out.append(try await embed(windows.prefix(maxChunks).map { document.prefix + $0 }))
        }
        return out
    }

    public static let wordsPerChunk = 40
}

/// Wraps an embedder and counts what it is asked to do, for tests that check that nothing
/// (or exactly something) was embedded: emu's metadata-only updates, search's query cache.
public final class CountingEmbedder<Base: ChunkingEmbedder>: ChunkingEmbedder {
    public let base: Base
    private let counts = Mutex<(calls: Int, texts: Int)>((0, 0))

    public init(_ base: Base) { self.base = base }

    public var dimension: Int { base.dimension }
    /// Calls of `embed` and `embedDocuments` so far.
    public var calls: Int { counts.withLock { $0.calls } }
    /// Texts and documents those calls carried.
    public var texts: Int { counts.withLock { $0.texts } }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        counts.withLock {
            $0.calls += 1; $0.texts += texts.count
        }
        return try await base.embed(texts)
    }

    public func embedDocuments(_ documents: [EmbeddingDocument], maxChunks: Int) async throws -> [[[Float]]] {
        counts.withLock {
            $0.calls += 1; $0.texts += documents.count
        }
        return try await base.embedDocuments(documents, maxChunks: maxChunks)
    }

    public func wordPieceCounts(_ documents: [EmbeddingDocument], maxChunks: Int) -> [Int] {
        base.wordPieceCounts(documents, maxChunks: maxChunks)
    }
}
