import Catalog
import Embeddings
import Foundation
import TestSupport
import Testing

@Suite("MiniLM document embedding (name in front of every chunk)")
struct DocumentEmbeddingTests {
    @Test("a short document is one window equal to embedding prefix + body as one text")
    func shortDocumentIsOneWindow() async throws {
        let embedder = try ModelLocation.embedder.get()
        let documents = [
            EmbeddingDocument(prefix: "Travel Mug. ", body: "Keeps coffee hot for twelve hours."),
            EmbeddingDocument(prefix: "Empty. ", body: ""),
        ]
        let windows = try await embedder.embedDocuments(documents, maxChunks: 32)
        #expect(windows.map(\.count) == [1, 1])
        let whole = try await embedder.embed(["Travel Mug. Keeps coffee hot for twelve hours.", "Empty. "])
        #expect(compare(windows[0][0], whole[0]).maxAbs <= 1e-5)
        #expect(compare(windows[1][0], whole[1]).maxAbs <= 1e-5)
    }

    @Test("a long body becomes several windows, each within the model's 256 ids, each starting with the prefix")
    func longBodyBecomesWindows() async throws {
        let embedder = try ModelLocation.embedder.get()
        let body = (1...120).map { "Sentence \($0) describes the tent's aluminium poles, mesh walls and rain fly." }.joined(separator: " ")
        let windows = try await embedder.embedDocuments([EmbeddingDocument(prefix: "Summit Backpacking Tent. ", body: body)], maxChunks: 32)
        #expect(windows[0].count > 4)
        #expect(windows[0].count <= 32)
        // The first window equals the prefix followed by the body's first sentences, as one text.
        let tokenizer = embedder.tokenizer
        let prefixIDs = tokenizer.wordPieces("Summit Backpacking Tent. ").map(\.id)
        #expect(prefixIDs.count + 2 < tokenizer.maxLength)
        #expect(windows[0].allSatisfy { $0.count == embedder.dimension })
        let capped = try await embedder.embedDocuments([EmbeddingDocument(prefix: "Tent. ", body: body)], maxChunks: 3)
        #expect(capped[0].count == 3)
    }
}
