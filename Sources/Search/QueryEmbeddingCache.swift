import Synchronization

/// The embeddings of recent queries, so paging through results (`]`) and repeating a query
/// do not embed the same text again (about 2 ms of a core each time with MiniLM).
///
/// Keyed by the embedder's model and the query text, so one cache can serve several
/// embedders without mixing their vectors. Bounded: past `capacity` entries the least
/// recently used one goes (384 floats are 1.5 KB, so the default 256 entries hold under
/// 0.5 MB). Safe to share between tasks.
public final class QueryEmbeddingCache: Sendable {
    struct Key: Hashable {
        let model: String
        let text: String
    }

    struct Entry {
        var vector: [Float]
        var lastUse: UInt64
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var tick: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// The most entries kept.
    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// Entries held now (never more than ``capacity``).
    public var count: Int { state.withLock { $0.entries.count } }
    /// Lookups answered from the cache, and those that were not, since the start.
    public var hitsAndMisses: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    /// The vector cached for this model and text, if any (and marks it recently used).
    public func vector(model: String, text: String) -> [Float]? {
        state.withLock { state in
            state.tick += 1
            guard var entry = state.entries[Key(model: model, text: text)] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            entry.lastUse = state.tick
            state.entries[Key(model: model, text: text)] = entry
            return entry.vector
        }
    }

    /// Keeps a vector, evicting the least recently used entry when full. (A linear scan: the
    /// cache is small, and a miss costs an embedding, a thousand times more.)
    public func store(_ vector: [Float], model: String, text: String) {
        state.withLock { state in
            state.tick += 1
            let key = Key(model: model, text: text)
            if state.entries[key] == nil, state.entries.count >= capacity,
                let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key
            {
                state.entries[oldest] = nil
            }
            state.entries[key] = Entry(vector: vector, lastUse: state.tick)
        }
    }
}
