import Testing
@testable import Embeddings
