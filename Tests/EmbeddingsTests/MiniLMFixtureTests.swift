import Embeddings
import Foundation
import TestSupport
import Testing

/// Ground truth from sentence-transformers (see shared/fixtures/minilm/README.md); never regenerated here.
@Suite("MiniLM fixtures")
struct MiniLMFixtureTests {
    @Test("MiniLM tokenizer matches every id of the tokenizer fixture")
    func miniLMTokenizerFixture() throws {
        let model = try ModelLocation.model.get()
        let cases = try Fixtures.jsonLines(TokenizerCase.self, at: ModelLocation.tokenizerFixture)
        #expect(cases.count > 0)
        var mismatches = 0
        for item in cases {
            let ids = model.tokenizer.encodeUntruncated(item.text)
            if ids != item.input_ids {
                mismatches += 1
                if mismatches <= 5 {
                    let at = zip(ids, item.input_ids).prefix { $0 == $1 }.count
                    Issue.record(
                        "ids differ at \(at) for \(item.text.debugDescription.prefix(300)): got \(ids[at...].prefix(12)), expected \(item.input_ids[at...].prefix(12))"
                    )
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(cases.count) strings tokenised differently")
    }

    @Test("MiniLM parity: ids exact, every embedding within max abs 1e-4 and cosine 0.99999")
    func miniLMParityFixture() async throws {
        let embedder = try ModelLocation.embedder.get()
        let cases = try Fixtures.jsonLines(ParityCase.self, at: ModelLocation.parityFixture)
        #expect(cases.count > 0)
        for item in cases {
            #expect(embedder.tokenizer.encode(item.text) == item.input_ids, "ids for \(item.text.prefix(60).debugDescription)")
        }
        // One text per call, as the fixture was made, and all at once (packed batches).
        var single: [[Float]] = []
        for item in cases { single.append(contentsOf: try await embedder.embed([item.text])) }
        let batched = try await embedder.embed(cases.map(\.text))
        var worst = 0.0
        for (index, item) in cases.enumerated() {
            let expected = item.embedding.map { Float($0) }
            for vectors in [single, batched] {
                let (maxAbs, cosine) = compare(vectors[index], expected)
                worst = max(worst, maxAbs)
                #expect(
                    maxAbs <= 1e-4 && cosine >= 0.99999,
                    "line \(index + 1) \(item.text.prefix(40).debugDescription): max abs \(maxAbs), cosine \(cosine)")
            }
        }
        // A correct fp32 port lands near 1e-6; far above that points to an approximation.
        #expect(worst <= 1e-5, "worst max abs diff \(worst)")
    }
}
