import Embeddings
import Foundation
import TestSupport
import Testing

@Suite("MiniLM embedder behaviour")
struct EmbedderBehaviourTests {
    static let sentence = "Waterproof hiking boots with a grippy rubber sole, breathable lining and padded collar. "

    @Test("a batch gives the same vectors as one text at a time (max abs diff <= 1e-5)")
    func batchEqualsOneByOne() async throws {
        let embedder = try ModelLocation.embedder.get()
        let cases = try Fixtures.jsonLines(ParityCase.self, at: ModelLocation.parityFixture)
        let texts = cases.map(\.text) + (1...40).map { String(repeating: "word\($0 % 7) ", count: $0 * 3) }
        let batched = try await embedder.embed(texts)
        // A single-threaded embedder packs batches differently; it must agree too.
        let oneThread = MiniLMEmbedder(model: try ModelLocation.model.get(), threads: 1)
        let batchedOneThread = try await oneThread.embed(texts)
        for (index, text) in texts.enumerated() {
            let single = try await embedder.embed([text])[0]
            #expect(compare(single, batched[index]).maxAbs <= 1e-5, "text \(index)")
            #expect(compare(single, batchedOneThread[index]).maxAbs <= 1e-5, "text \(index), one thread")
        }
    }

    @Test("calls from several tasks at once get the same vectors as calls in turn")
    func concurrentCallers() async throws {
        let embedder = try ModelLocation.embedder.get()
        let groups = (0..<6).map { g in (0..<(g * 7 + 1)).map { "product \($0) of group \(g): a sturdy kettle" } }
        var expected: [[[Float]]] = []
        for group in groups { expected.append(try await embedder.embed(group)) }
        let results = try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { tasks in
            for (index, group) in groups.enumerated() {
                tasks.addTask { (index, try await embedder.embed(group)) }
            }
            var results = [[[Float]]](repeating: [], count: groups.count)
            for try await (index, vectors) in tasks { results[index] = vectors }
            return results
        }
        for (got, want) in zip(results, expected) {
            #expect(got.count == want.count)
            for (a, b) in zip(got, want) { #expect(compare(a, b).maxAbs <= 1e-5) }
        }
    }

    /// A labelled input, so the test log names the case instead of printing 100 KB.
    struct EdgeText: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var testDescription: String { name }
    }

    @Test(
        "empty, whitespace-only and 100 KB texts give unit vectors",
        arguments: [
            EdgeText(name: "empty", text: ""), EdgeText(name: "space", text: " "),
            EdgeText(name: "whitespace", text: "\t\n \r\n"), EdgeText(name: "dropped characters only", text: "\u{200B}\u{0000}"),
            EdgeText(name: "100 KB one word", text: String(repeating: "x", count: 100_000)),
            EdgeText(name: "100 KB sentences", text: String(repeating: sentence, count: 1_200)),
            EdgeText(name: "100 KB punctuation", text: String(repeating: "!", count: 100_000)),
            EdgeText(name: "100 KB CJK", text: String(repeating: "登山鞋", count: 11_400)),
        ])
    func edgeCases(edge: EdgeText) async throws {
        let text = edge.text
        let embedder = try ModelLocation.embedder.get()
        let ids = embedder.tokenizer.encode(text)
        #expect(ids.first == embedder.tokenizer.classifierID && ids.last == embedder.tokenizer.separatorID)
        #expect(ids.count <= 256)
        let vector = try await embedder.embed([text])[0]
        #expect(vector.count == 384)
        #expect(vector.allSatisfy { $0.isFinite })
        let norm = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }

    @Test("a long text is truncated to 256 ids: the first 254 word pieces, then [SEP]")
    func truncation() throws {
        let model = try ModelLocation.model.get()
        let text = String(repeating: Self.sentence, count: 40)
        let all = model.tokenizer.encodeUntruncated(text)
        let truncated = model.tokenizer.encode(text)
        #expect(all.count > 256)
        #expect(truncated.count == 256)
        #expect(Array(truncated.dropLast()) == Array(all.prefix(255)))
        #expect(truncated.last == model.tokenizer.separatorID)
    }

    @Test("the ASCII fast path and the Unicode path tokenise the same way")
    func asciiFastPathMatchesUnicodePath() throws {
        let model = try ModelLocation.model.get()
        let cases = try Fixtures.jsonLines(TokenizerCase.self, at: ModelLocation.tokenizerFixture)
        let ascii = cases.map(\.text).filter { $0.utf8.allSatisfy { $0 < 0x80 } }
        #expect(ascii.count > 50)
        for text in ascii {
            // Appending a non-ASCII word sends the whole text down the Unicode path.
            let fast = model.tokenizer.wordPieces(text).map(\.id)
            let slow = model.tokenizer.wordPieces(text + " é").map(\.id)
            #expect(Array(slow.dropLast()) == fast, "\(text.prefix(80).debugDescription)")
        }
    }

    @Test("vectors are independent of the thread count used")
    func threadCountDoesNotChangeResults() async throws {
        let model = try ModelLocation.model.get()
        let texts = (0..<50).map { "text number \($0) " + String(repeating: "more words ", count: $0 % 13) }
        let one = try await MiniLMEmbedder(model: model, threads: 1).embed(texts)
        let three = try await MiniLMEmbedder(model: model, threads: 3).embed(texts)
        for (a, b) in zip(one, three) { #expect(compare(a, b).maxAbs <= 1e-5) }
    }
}
