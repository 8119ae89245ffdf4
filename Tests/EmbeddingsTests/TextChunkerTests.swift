import Embeddings
import Foundation
import TestSupport
import Testing

@Suite("Chunking long texts")
struct TextChunkerTests {
    /// Sentences of known, different lengths: "Sentence number N has words ... end."
    static func sentences(_ count: Int) -> [String] {
        (0..<count).map { "Sentence number \($0) has " + String(repeating: "several words ", count: 3 + $0 % 9) + "in it." }
    }

    @Test("a text that fits is one chunk covering all of it, equal to the plain embedding")
    func shortTextIsOneChunk() async throws {
        let embedder = try ModelLocation.embedder.get()
        let text = "Stainless steel electric kettle with a 1.7 L capacity."
        let chunks = try await embedder.embedChunks([text])[0]
        #expect(chunks.count == 1)
        #expect(text[chunks[0].range] == text[...])
        let plain = try await embedder.embed([text])[0]
        #expect(compare(chunks[0].vector, plain).maxAbs <= 1e-5)
    }

    @Test("the empty text still yields one chunk")
    func emptyText() async throws {
        let embedder = try ModelLocation.embedder.get()
        let chunks = try await embedder.embedChunks([""])[0]
        #expect(chunks.count == 1)
        #expect(chunks[0].tokenCount == 2)
    }

    @Test("long texts split at sentence ends, each chunk within the window, ranges in order")
    func splitsAtSentenceBoundaries() async throws {
        let embedder = try ModelLocation.embedder.get()
        let text = Self.sentences(60).joined(separator: " ")
        #expect(embedder.tokenizer.wordPieces(text).count > 600)
        let chunks = try await embedder.embedChunks([text])[0]
        #expect(chunks.count >= 3)
        var previousEnd = text.startIndex
        for chunk in chunks {
            #expect(chunk.tokenCount <= 256)
            #expect(chunk.range.lowerBound >= previousEnd)
            let piece = text[chunk.range]
            #expect(piece.hasPrefix("Sentence number"), "\(piece.prefix(30))")
            #expect(piece.hasSuffix("in it."), "\(piece.suffix(30))")
            previousEnd = chunk.range.upperBound
            // Each chunk is embedded as its own text would be.
            let alone = try await embedder.embed([String(piece)])[0]
            #expect(compare(alone, chunk.vector).maxAbs <= 1e-5)
        }
        #expect(text[previousEnd...].allSatisfy { $0.isWhitespace })
    }

    @Test("a sentence longer than the window is cut between words")
    func longSentenceCutsAtWords() async throws {
        let embedder = try ModelLocation.embedder.get()
        let text = (0..<400).map { "alpha\($0 % 10)" }.joined(separator: " ")
        let chunks = try await embedder.embedChunks([text])[0]
        #expect(chunks.count >= 2)
        for chunk in chunks {
            #expect(chunk.tokenCount <= 256)
            let piece = text[chunk.range]
            #expect(piece.first == "a" && piece.last?.isNumber == true, "\(piece.prefix(12))…\(piece.suffix(12))")
        }
    }

    @Test("at most 32 chunks are made; the rest of a huge text is dropped")
    func chunkLimit() async throws {
        let embedder = try ModelLocation.embedder.get()
        let text = Self.sentences(2_000).joined(separator: " ")
        let chunks = try await embedder.embedChunks([text])[0]
        #expect(chunks.count == 32)
        #expect(chunks.allSatisfy { $0.tokenCount <= 256 && $0.vector.count == 384 })
        let three = try await embedder.embedChunks([text], maxChunks: 3)[0]
        #expect(three.count == 3)
    }

    @Test("chunker on pieces without word or sentence boundaries cuts at the window")
    func punctuationRun() {
        let pieces = (0..<600).map { BertTokenizer.Piece(id: 999, utf8Range: $0..<($0 + 1), startsWord: $0 == 0) }
        let chunks = TextChunker(maxPieces: 254, maxChunks: 32).chunks(of: String(repeating: "!", count: 600), pieces: pieces)
        #expect(chunks.map(\.pieces) == [0..<254, 254..<508, 508..<600])
    }
}
