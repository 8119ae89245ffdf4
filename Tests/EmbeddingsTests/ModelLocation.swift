import Embeddings
import Foundation
import TestSupport

/// Where the tests find the model and the fixtures, and one shared embedder for all of them.
enum ModelLocation {
    /// REFARCH_MODEL_DIR, else `<repo>/.refarch/models/all-MiniLM-L6-v2`.
    static var folder: URL {
        if let dir = TestEnvironment.modelDirectory { return URL(fileURLWithPath: dir) }
        return Fixtures.repositoryRoot.appendingPathComponent(MiniLMModel.defaultRelativeFolder)
    }

    static var tokenizerFixture: URL {
        Fixtures.path("fixtures/minilm/tokenizer.jsonl", overriddenBy: "MINILM_TOKENIZER_FIXTURE")
    }

    static var parityFixture: URL {
        Fixtures.path("fixtures/minilm/parity.jsonl", overriddenBy: "MINILM_PARITY_FIXTURE")
    }

    /// Loaded once per test process (the weights take ~0.1 s and 90 MB).
    static let model: Result<MiniLMModel, any Error> = Result { try MiniLMModel(folder: folder) }
    static let embedder: Result<MiniLMEmbedder, any Error> = model.map { MiniLMEmbedder(model: $0, threads: 2) }
}

struct TokenizerCase: Decodable {
    var text: String
    var input_ids: [Int32]
}

struct ParityCase: Decodable {
    var text: String
    var input_ids: [Int32]
    /// Decoded as Double, then narrowed: the file holds float32 values written with Python's repr.
    var embedding: [Double]
}

/// Largest absolute component difference and cosine similarity of two vectors.
func compare(_ a: [Float], _ b: [Float]) -> (maxAbs: Double, cosine: Double) {
    precondition(a.count == b.count)
    var maxAbs = 0.0, dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) {
        let x = Double(x), y = Double(y)
        maxAbs = max(maxAbs, abs(x - y))
        dot += x * y
        na += x * x
        nb += y * y
    }
    return (maxAbs, dot / (na.squareRoot() * nb.squareRoot()))
}
