import Embeddings
import Foundation
import TestSupport

/// Where the tests find the model and the fixtures, and one shared embedder for all of them.
enum ModelLocation {
    static var folder: URL { MiniLMFixtures.modelFolder }
    static var tokenizerFixture: URL { MiniLMFixtures.tokenizerFixture }
    static var parityFixture: URL { MiniLMFixtures.parityFixture }

    /// Loaded once per test process (the weights take ~0.1 s and 90 MB).
    static let model: Result<MiniLMModel, any Error> = Result { try MiniLMModel(folder: folder) }
    static let embedder: Result<MiniLMEmbedder, any Error> = model.map { MiniLMEmbedder(model: $0, threads: 2) }
}

struct TokenizerCase: Decodable {
    var text: String
    var input_ids: [Int32]
}
