import Catalog
import DedicatedThreads
import Foundation

/// An embedder whose model loads on its own thread in the background, so a program (the
/// console) can start at once; calls made before the load finished wait for it, and a
/// failed load is reported by every call.
public final class DeferredEmbedder: Embedder {
    public let dimension: Int
    private let loading: Task<any Embedder, any Error>

    /// Starts `load` on a dedicated thread now (it may block: reading and mapping files).
    public init(dimension: Int, load: @escaping @Sendable () throws -> any Embedder) {
        self.dimension = dimension
        loading = Task {
            let thread = DedicatedThreadExecutor(name: "model-load")
            defer { thread.shutdown() }
            return try await thread.run(load)
        }
    }

    /// The native MiniLM model from `folder`, loaded in the background.
    public static func miniLM(folder: URL, dimension: Int = 384) -> DeferredEmbedder {
        DeferredEmbedder(dimension: dimension) { try MiniLMEmbedder(modelFolder: folder) }
    }

    /// Waits for the model; throws what loading threw.
    public func loaded() async throws -> any Embedder { try await loading.value }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        try await loading.value.embed(texts)
    }
}
