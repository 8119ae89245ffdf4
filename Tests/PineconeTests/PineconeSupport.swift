import Catalog
import Foundation
import HTTP
import Logging
import Synchronization
import TestSupport

@testable import Pinecone

/// A test server with one index, and a client configured for it.
struct PineconeFixture {
    static let indexName = "products-test"
    let server: PineconeTestServer
    let sleeps = SleepRecorder()
    /// Waits the rate limiter asked for (recorded, not waited).
    let paces = SleepRecorder()
    let limiter: AdaptiveRateLimiter
    let logs = LogStore()

    init(dimension: Int = 8, readyAfterDescribes: Int = 0) throws {
        server = try PineconeTestServer(readyAfterDescribes: readyAfterDescribes)
        limiter = AdaptiveRateLimiter(PineconeConfiguration.defaultRateLimiter().configuration, sleep: paces.sleep)
        try server.createIndex(name: Self.indexName, dimension: dimension)
    }

    func configuration(
        apiKey: String? = nil, index: String? = PineconeFixture.indexName, dataPlaneHost: String? = nil, listPageSize: Int = 100
    ) throws -> PineconeConfiguration {
        try PineconeConfiguration(
            apiKey: apiKey ?? server.apiKey, indexName: index, namespace: "products", controllerHost: server.controllerURL,
            dataPlaneHost: dataPlaneHost, http: HTTPClient(logger: logs.logger),
            retry: PineconeRetryPolicy(sleep: sleeps.sleep, random: { 0.5 }), logger: logs.logger, listPageSize: listPageSize,
            rateLimiter: limiter)
    }

    func open(listPageSize: Int = 100) async throws -> PineconeIndex {
        try await PineconeIndex.open(configuration: configuration(listPageSize: listPageSize))
    }

    /// Requests that reached the index's data plane at `path`.
    func dataRequests(_ path: String) -> [PineconeTestServer.Received] {
        server.received.filter { $0.index == Self.indexName && $0.path == path }
    }
}

/// Deterministic pseudo-random numbers (SplitMix64), so failures reproduce.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func vector(_ dimension: Int) -> [Float] {
        (0..<dimension).map { _ in Float.random(in: -1...1, using: &self) }
    }
}

/// Cosine similarity in Double: the reference the index's scores are checked against.
func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices {
        dot += Double(a[i]) * Double(b[i])
        na += Double(a[i]) * Double(a[i])
        nb += Double(b[i]) * Double(b[i])
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}
