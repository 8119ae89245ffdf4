import Catalog
import Foundation
import HTTP
import TestSupport
import Testing

@testable import Pinecone

@Suite("Retries, error mapping and secrets")
struct PineconeErrorTests {
    @Test("429 with Retry-After is retried after the time the server asked for")
    func retryAfterHonoured() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let index = try await fixture.open()
        fixture.server.failNext(2, status: 429, retryAfter: 3)
        try await index.upsert([VectorRecord(id: "1#0", values: [1, 0])])
        #expect(fixture.sleeps.delays == [.seconds(3), .seconds(3)])
        #expect(fixture.dataRequests("/vectors/upsert").count == 3)
        #expect(fixture.server.records(index: PineconeFixture.indexName, namespace: "products").count == 1)
    }

    @Test("503 then success: one retry after the exponential delay (200 ms × jitter 1.0)")
    func retryOn503() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let index = try await fixture.open()
        fixture.server.failNext(2, status: 503)
        let stats = try await index.stats()
        #expect(stats.dimension == 2)
        #expect(fixture.sleeps.delays == [.milliseconds(200), .milliseconds(400)])
        #expect(fixture.dataRequests("/describe_index_stats").count == 3)
        #expect(fixture.logs.all.contains { $0.contains("Pinecone call will be retried") })
    }

    @Test("429 on every attempt halves the rate limit once, retries at its pace, and ends as a throttling error")
    func quotaAfterRetries() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let index = try await fixture.open()
        fixture.server.failNext(10, status: 429)
        let error = try #require(
            await #expect(throws: PineconeError.self) {
                try await index.query(VectorQuery(vector: [1, 0]))
            })
        guard case .quotaExceeded(429, _, let message) = error else { Issue.record("got \(error)"); return }
        #expect(message.contains("max request rate"))
        #expect(fixture.dataRequests("/query").count == 5)
        // Back-pressure, not the 5xx backoff: the limiter's slower pace is the wait.
        #expect(fixture.sleeps.delays.isEmpty)
        #expect(fixture.limiter.throttledCount == 5)
        #expect(fixture.limiter.rate < fixture.limiter.configuration.maxRate)
        #expect(error.isThrottling)
        #expect(error.remedy?.contains("Wait and retry") == true)
    }

    @Test("a 400 is never retried; a dimension mismatch says which dimensions")
    func dimensionMismatchNotRetried() async throws {
        let fixture = try PineconeFixture(dimension: 8)
        defer { fixture.server.stop() }
        let index = try await fixture.open()
        let error = try #require(
            await #expect(throws: PineconeError.self) {
                try await index.upsert([VectorRecord(id: "1#0", values: [1, 2, 3])])
            })
        #expect(
            error == .dimensionMismatch(expected: 8, found: 3, message: "Vector dimension 3 does not match the dimension of the index 8"))
        #expect(error.summary == "Vector dimension mismatch: the Pinecone index holds 8-dimensional vectors, this one has 3.")
        #expect(fixture.dataRequests("/vectors/upsert").count == 1)
        #expect(fixture.sleeps.delays.isEmpty)

        let queryError = try #require(
            await #expect(throws: PineconeError.self) {
                try await index.query(VectorQuery(vector: [1, 2, 3, 4]))
            })
        #expect(
            queryError
                == .dimensionMismatch(
                    expected: 8, found: 4, message: "Query vector dimension 4 does not match the dimension of the index 8"))
    }

    @Test("other 400s are rejected without retry, with Pinecone's message")
    func badFilterRejected() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let index = try await fixture.open()
        let error = try #require(
            await #expect(throws: PineconeError.self) {
                try await index.query(VectorQuery(vector: [1, 0], topK: 20_000))
            })
        #expect(error == .rejected(status: 400, operation: "query the index", message: "topK must be between 1 and 10000"))
        #expect(fixture.sleeps.delays.isEmpty)
    }

    @Test("a wrong key is a 401 error that names the setting, and the key appears in no error or log line")
    func wrongKey() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let wrongKey = "pk-WRONG-9f8e7d6c5b4a"
        let configuration = try fixture.configuration(apiKey: wrongKey)
        let error = try #require(
            await #expect(throws: PineconeError.self) {
                _ = try await PineconeIndex.open(configuration: configuration)
            })
        #expect(error == .unauthorized(operation: "describe the index"))
        #expect(error.remedy?.contains("PINECONE_API_KEY") == true)
        #expect(fixture.server.received.count == 1, "401 is not retried")
        #expect(fixture.server.received.first?.request.headers["api-key"] == wrongKey, "the key was sent, only not shown")
        let texts =
            [
                error.summary, error.remedy ?? "", error.description, "\(error)", String(reflecting: error),
                "\(configuration.apiKey)", String(reflecting: configuration.apiKey), String(describing: configuration),
            ] + fixture.logs.all
        #expect(!fixture.logs.all.isEmpty)
        for text in texts {
            #expect(!text.contains(wrongKey), "key in: \(text)")
        }
    }

    @Test("a key echoed in an error message is cut out of the error and the logs")
    func echoedKeyRedacted() async throws {
        let key = "pk-ECHOED-0a1b2c3d"
        let server = try LoopbackHTTPServer(replies: [
            .json(#"{"code":3,"message":"Bad request from key \#(key): namespace too long","details":[]}"#, status: 400)
        ])
        defer { server.stop() }
        let logs = LogStore()
        let configuration = try PineconeConfiguration(
            apiKey: key, dataPlaneHost: server.baseURL, http: HTTPClient(logger: logs.logger),
            retry: PineconeRetryPolicy(sleep: { _ in }), logger: logs.logger)
        let index = PineconeIndex(configuration: configuration, dimension: 2)
        let error = try #require(await #expect(throws: PineconeError.self) { try await index.stats() })
        #expect(error.summary.contains("Bad request from key ****: namespace too long"))
        for text in [error.summary, "\(error)", String(reflecting: error)] + logs.all {
            #expect(!text.contains(key), "key in: \(text)")
        }
    }

    @Test("a 404 that names the namespace reads as empty and is not taken for a missing index")
    func missingNamespaceIsEmpty() async throws {
        let server = try LoopbackHTTPServer(replies: [.json(#"{"code":5,"message":"Namespace not found","details":[]}"#, status: 404)])
        defer { server.stop() }
        let sleeps = SleepRecorder()
        let configuration = try PineconeConfiguration(
            apiKey: "pk-x", namespace: "fresh", dataPlaneHost: server.baseURL, retry: PineconeRetryPolicy(sleep: sleeps.sleep))
        let index = PineconeIndex(configuration: configuration, dimension: 2)
        #expect(try await index.listIDs(prefix: "1#").isEmpty)
        #expect(try await index.fetch(ids: ["1#0"]).isEmpty)
        #expect(try await index.query(VectorQuery(vector: [1, 0])).isEmpty)
        try await index.delete(ids: ["1#0"])
        let error = try #require(
            await #expect(throws: PineconeError.self) {
                try await index.upsert([VectorRecord(id: "1#0", values: [1, 0])])
            })
        #expect(error == .namespaceNotFound(namespace: "fresh", operation: "upsert vectors"))
        #expect(server.requests.count == 5)
        #expect(sleeps.delays.isEmpty)
    }

    @Test("a missing index is a 404 error that says how to create it")
    func missingIndex() async throws {
        let fixture = try PineconeFixture(dimension: 2)
        defer { fixture.server.stop() }
        let error = try #require(
            await #expect(throws: PineconeError.self) {
                _ = try await PineconeIndex.open(configuration: fixture.configuration(index: "no-such-index"))
            })
        #expect(error == .indexNotFound(index: "no-such-index", operation: "describe the index"))
        #expect(error.summary == "Pinecone index \"no-such-index\" not found (404) while trying to describe the index.")
        #expect(error.remedy?.contains("refarch-tui index create") == true)
        #expect(fixture.sleeps.delays.isEmpty)
    }

    @Test("connection errors are retried, then reported with the host")
    func connectionRefused() async throws {
        let logs = LogStore()
        let sleeps = SleepRecorder()
        let configuration = try PineconeConfiguration(
            apiKey: "pk-x", dataPlaneHost: "http://127.0.0.1:1", http: HTTPClient(logger: logs.logger),
            retry: PineconeRetryPolicy(maxAttempts: 3, sleep: sleeps.sleep, random: { 0 }), logger: logs.logger)
        let index = PineconeIndex(configuration: configuration, dimension: 2)
        let error = try #require(await #expect(throws: PineconeError.self) { try await index.listIDs(prefix: "1#") })
        guard case .transport(_, .couldNotConnect(let host, _)) = error else { Issue.record("got \(error)"); return }
        #expect(host == "127.0.0.1:1")
        // random 0 → jitter factor 0.875.
        #expect(sleeps.delays == [.milliseconds(175), .milliseconds(350)])
    }

    @Test(
        "error bodies of every documented shape are decoded defensively",
        arguments: [
            (401, #"{"code":16,"message":"Invalid API key","details":[]}"#, "Invalid API key"),
            (404, #"{"status":404,"error":{"code":"NOT_FOUND","message":"Resource idx not found"}}"#, "Resource idx not found"),
            (403, #"{"status":403,"error":{"code":"QUOTA_EXCEEDED"}}"#, "QUOTA_EXCEEDED"),
            (401, #""Invalid API Key""#, "Invalid API Key"),
            (401, "Unauthorized\nmore", "Unauthorized"),
            (500, "", "HTTP 500"),
            (502, "[1,2]", "HTTP 502"),
        ])
    func errorShapes(_ status: Int, _ body: String, _ message: String) {
        #expect(PineconeError.errorMessage(HTTPResponse(status: status, body: Array(body.utf8))) == message)
    }

    @Test("402 and 403 are quota errors, not retried")
    func quotaStatuses() async throws {
        for status in [402, 403] {
            let server = try LoopbackHTTPServer(replies: [
                .json(#"{"status":\#(status),"error":{"code":"FORBIDDEN","message":"Index quota reached"}}"#, status: status)
            ])
            defer { server.stop() }
            let sleeps = SleepRecorder()
            let configuration = try PineconeConfiguration(
                apiKey: "pk-x", controllerHost: server.baseURL, retry: PineconeRetryPolicy(sleep: sleeps.sleep))
            let error = try #require(
                await #expect(throws: PineconeError.self) {
                    _ = try await PineconeControlPlane(configuration: configuration).createIndex(PineconeIndexSpec(name: "a"))
                })
            #expect(error == .quotaExceeded(status: status, operation: "create the index", message: "Index quota reached"))
            #expect(server.requests.count == 1)
            #expect(sleeps.delays.isEmpty)
        }
    }
}

@Suite("Hosts: https everywhere, plain http only on loopback")
struct PineconeHostTests {
    @Test(
        "hosts are normalised",
        arguments: [
            ("idx-abc.svc.aped-1234.pinecone.io", "https://idx-abc.svc.aped-1234.pinecone.io"),
            ("https://api.pinecone.io", "https://api.pinecone.io"),
            ("https://api.pinecone.io/", "https://api.pinecone.io"),
            ("http://127.0.0.1:5080", "http://127.0.0.1:5080"),
            ("http://localhost:5081", "http://localhost:5081"),
            ("localhost:5081", "http://localhost:5081"),
            ("http://[::1]:5081", "http://[::1]:5081"),
            ("https://127.0.0.1:8443", "https://127.0.0.1:8443"),
        ])
    func normalised(_ host: String, _ url: String) throws {
        #expect(try PineconeConfiguration.baseURL(for: host) == url)
    }

    @Test(
        "plain http to a non-loopback host is refused before anything is sent",
        arguments: ["http://example.com", "http://10.0.0.5:5080", "http://api.pinecone.io", "http://127.evil.example.com"])
    func httpRefused(_ host: String) throws {
        #expect(throws: PineconeError.self) { try PineconeConfiguration(apiKey: "pk", dataPlaneHost: host) }
        #expect(throws: PineconeError.self) { try PineconeConfiguration(apiKey: "pk", controllerHost: host) }
        let error = try #require(#expect(throws: PineconeError.self) { try PineconeConfiguration.baseURL(for: host) })
        guard case .insecureHost = error else { Issue.record("got \(error)"); return }
        #expect(error.remedy?.contains("https") == true)
    }

    @Test("a host with a path or another scheme is not a host", arguments: ["https://x.io/v1", "ftp://x.io", "https://", "http://h?x=1"])
    func invalid(_ host: String) {
        #expect(throws: PineconeError.self) { try PineconeConfiguration.baseURL(for: host) }
    }
}

@Suite("Retry policy arithmetic")
struct PineconeRetryPolicyTests {
    @Test(
        "408, 429 and 5xx are retried; other statuses are not",
        arguments: [
            (408, true), (429, true), (500, true), (502, true), (503, true), (504, true),
            (400, false), (401, false), (402, false), (403, false), (404, false), (409, false), (412, false), (422, false),
        ])
    func retryableStatuses(_ status: Int, _ retryable: Bool) {
        #expect(PineconeRetryPolicy.isRetryable(status: status) == retryable)
    }

    @Test("delays double from 200 ms, stay within ±12.5 %, and stop at 20 s")
    func backoff() {
        let low = PineconeRetryPolicy(random: { 0 })
        let high = PineconeRetryPolicy(random: { 0.999_999 })
        #expect(low.delay(beforeRetry: 1) == .milliseconds(175))
        #expect(low.delay(beforeRetry: 3) == .milliseconds(700))
        #expect(high.delay(beforeRetry: 2) <= .milliseconds(450))
        #expect(high.delay(beforeRetry: 2) > .milliseconds(449))
        #expect(low.delay(beforeRetry: 12) == .milliseconds(17_500))
        #expect(high.delay(beforeRetry: 40) <= .milliseconds(22_500))
    }

    @Test("Retry-After wins when longer, is capped, and only the seconds form is read")
    func retryAfter() {
        let policy = PineconeRetryPolicy(random: { 0.5 })
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(5)) == .seconds(5))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(0)) == .milliseconds(200))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(600)) == .seconds(60))
        #expect(PineconeRetryPolicy.retryAfter("7") == .seconds(7))
        #expect(PineconeRetryPolicy.retryAfter(" 1.5 ") == .milliseconds(1_500))
        #expect(PineconeRetryPolicy.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT") == nil)
        #expect(PineconeRetryPolicy.retryAfter("-3") == nil)
        #expect(PineconeRetryPolicy.retryAfter(nil) == nil)
    }
}
