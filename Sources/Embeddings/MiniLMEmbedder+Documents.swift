import Catalog

extension MiniLMEmbedder: ChunkingEmbedder {
    /// Splits each document's body into windows with ``TextChunker`` (sentence boundaries
    /// where possible) sized so that `[CLS]` + the prefix + the window + `[SEP]` fits the
    /// model, and embeds every window of every document in one call (packed by length).
    ///
    /// Tokenising the prefix and the body apart gives the same word pieces as tokenising
    /// them joined, because they meet at whitespace.
    public func embedDocuments(_ documents: [EmbeddingDocument], maxChunks: Int) async throws -> [[[Float]]] {
        guard !documents.isEmpty else { return [] }
        let (ids, counts) = windows(of: documents, maxChunks: maxChunks)
        let vectors = try await embed(tokenIDs: ids)
        var out: [[[Float]]] = []
        var next = 0
        for count in counts {
            out.append(Array(vectors[next..<next + count]))
            next += count
        }
        return out
    }

    /// The word pieces of every window (with `[CLS]`, the prefix and `[SEP]`), counted by the
    /// tokenizer: exactly what ``embedDocuments(_:maxChunks:)`` would feed the model.
    public func wordPieceCounts(_ documents: [EmbeddingDocument], maxChunks: Int) -> [Int] {
        documents.map { document in
            windows(of: [document], maxChunks: maxChunks).ids.reduce(0) { $0 + $1.count }
        }
    }

    /// Each document's windows as token ids, and how many windows each document has.
    func windows(of documents: [EmbeddingDocument], maxChunks: Int) -> (ids: [[Int32]], counts: [Int]) {
        let tokenizer = self.tokenizer
        var ids: [[Int32]] = []
        var counts: [Int] = []
        for document in documents {
            let prefix = tokenizer.wordPieces(document.prefix).map(\.id)
            // Keep at least a quarter of the window for the body, whatever the prefix's length.
            let prefixBudget = min(prefix.count, (tokenizer.maxLength - 2) * 3 / 4)
            let budget = tokenizer.maxLength - 2 - prefixBudget
            let kept = prefix.prefix(prefixBudget)
            let pieces = tokenizer.wordPieces(document.body)
            let chunks = TextChunker(maxPieces: budget, maxChunks: max(1, maxChunks)).chunks(of: document.body, pieces: pieces)
            if chunks.isEmpty {
                ids.append([tokenizer.classifierID] + kept + [tokenizer.separatorID])
                counts.append(1)
                continue
            }
            for chunk in chunks {
                ids.append([tokenizer.classifierID] + kept + pieces[chunk.pieces].map(\.id) + [tokenizer.separatorID])
            }
            counts.append(chunks.count)
        }
        return (ids, counts)
    }
}
