import Foundation

/// The MiniLM model folder and the ground truth from sentence-transformers
/// (see shared/fixtures/minilm/README.md), for the embedder's tests and the `embed` command's.
public enum MiniLMFixtures {
    /// REFARCH_MODEL_DIR, else `<repo>/.refarch/models/all-MiniLM-L6-v2` (what `make test` fills;
    /// the same folder as `MiniLMModel.defaultRelativeFolder`).
    public static var modelFolder: URL {
        if let dir = TestEnvironment.modelDirectory { return URL(fileURLWithPath: dir) }
        return Fixtures.repositoryRoot.appendingPathComponent(".refarch/models/all-MiniLM-L6-v2")
    }

    public static var tokenizerFixture: URL {
        Fixtures.path("fixtures/minilm/tokenizer.jsonl", overriddenBy: "MINILM_TOKENIZER_FIXTURE")
    }

    public static var parityFixture: URL {
        Fixtures.path("fixtures/minilm/parity.jsonl", overriddenBy: "MINILM_PARITY_FIXTURE")
    }
}

/// One line of the parity fixture (and of `refarch-tui embed --jsonl` output).
public struct ParityCase: Decodable, Sendable {
    public var text: String
    public var input_ids: [Int32]
    /// Decoded as Double, then narrowed: the file holds float32 values written with Python's repr.
    public var embedding: [Double]
}

/// Largest absolute component difference and cosine similarity of two vectors.
public func compare(_ a: [Float], _ b: [Float]) -> (maxAbs: Double, cosine: Double) {
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
