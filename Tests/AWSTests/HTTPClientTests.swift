import Foundation
import Synchronization
import TestSupport
import Testing

@testable import HTTP

@Suite("HTTP client on libcurl against a loopback server")
struct HTTPClientTests {
    /// Set once, from any thread.
    final class Flag: Sendable {
        private let state = Mutex(false)
        func set() { state.withLock { $0 = true } }
        var isSet: Bool { state.withLock { $0 } }
    }

    @Test("sends method, headers and body; returns status, headers and body")
    func roundTrip() async throws {
        let server = try LoopbackHTTPServer { request in
            .respond(
                status: 201, headers: ["X-Echo-Method": request.method, "Content-Type": "text/plain"],
                body: "got \(request.bodyText) with \(request.headers["x-custom"] ?? "-")")
        }
        defer { server.stop() }
        let client = HTTPClient()
        for method in [HTTPMethod.post, .put, .patch, .delete] {
            let response = try await client.send(
                HTTPRequest(
                    method: method, url: server.baseURL + "/items/1?x=1",
                    headers: ["X-Custom": "v  1", "Content-Type": "application/json"], body: Array("{\"a\":1}".utf8)))
            #expect(response.status == 201)
            #expect(response.headers["x-echo-method"] == method.rawValue)
            #expect(response.bodyText == "got {\"a\":1} with v  1")
        }
        let get = try await client.send(HTTPRequest(url: server.baseURL + "/"))
        #expect(get.headers["X-ECHO-METHOD"] == "GET")
        #expect(server.requests.map(\.target).first == "/items/1?x=1")
        #expect(server.requests.allSatisfy { $0.headers["expect"] == nil })
    }

    @Test("sequential requests reuse one connection")
    func connectionReuse() async throws {
        let server = try LoopbackHTTPServer(replies: [.respond(status: 200, body: "ok")])
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maxConcurrentRequests: 1))
        for _ in 0..<5 {
            _ = try await client.send(HTTPRequest(method: .post, url: server.baseURL + "/", body: Array("x".utf8)))
        }
        #expect(server.requests.count == 5)
        #expect(server.connectionCount == 1)
    }

    @Test("concurrent requests all complete, more of them than worker threads")
    func concurrency() async throws {
        let server = try LoopbackHTTPServer(replies: [.delay(.milliseconds(100), .respond(status: 200, body: "slow"))])
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maxConcurrentRequests: 3))
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await client.send(HTTPRequest(url: server.baseURL + "/")).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 8))
    }

    @Test("a request arriving with a long poll does not wait behind it while the pool has room")
    func noHeadOfLineBlocking() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/slow" ? .delay(.seconds(600), .respond(status: 200, body: "slow")) : .respond(status: 200, body: "fast")
        }
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maxConcurrentRequests: 4))
        _ = try await client.send(HTTPRequest(url: server.baseURL + "/warm"))  // one worker, now idle
        let slowAnswered = Flag()
        let slow = Task {
            defer { slowAnswered.set() }
            return try await client.send(HTTPRequest(url: server.baseURL + "/slow", timeout: .seconds(900)))
        }
        try await Task.sleep(for: .milliseconds(300))
        let fast = try await client.send(HTTPRequest(url: server.baseURL + "/fast"))
        // The slow answer takes 10 minutes: the fast one arriving while the slow one is still
        // pending shows it did not queue behind it (however slow the machine is).
        #expect(fast.status == 200)
        #expect(!slowAnswered.isSet, "the fast request waited for the slow one")
        slow.cancel()
        _ = await slow.result
    }

    @Test(
        "a worker thread is started for every queued request beyond the idle workers, up to the limit",
        arguments: [
            (1, 1, 1, 4, false), (2, 1, 1, 4, true), (1, 0, 0, 4, true), (3, 0, 4, 4, false), (2, 2, 2, 4, false),
        ])
    func threadStartRule(_ queued: Int, _ idle: Int, _ threads: Int, _ limit: Int, _ expected: Bool) {
        #expect(CurlWorkerPool.shouldStartThread(queued: queued, idle: idle, threads: threads, limit: limit) == expected)
    }

    @Test("the total timeout ends a request that gets no answer")
    func timeout() async throws {
        // The server would answer after 30 s: a timedOut error proves the 300 ms timeout ended it
        // (no wall-clock assertion, which a loaded CI machine would make flaky).
        let server = try LoopbackHTTPServer(replies: [.delay(.seconds(30), .respond(status: 200))])
        defer { server.stop() }
        let error = await #expect(throws: HTTPError.self) {
            try await HTTPClient().send(HTTPRequest(url: server.baseURL + "/", timeout: .milliseconds(300)))
        }
        guard case .timedOut = error else {
            Issue.record("expected timedOut, got \(String(describing: error))")
            return
        }
    }

    @Test("a refused connection is couldNotConnect and retryable")
    func refused() async throws {
        let server = try LoopbackHTTPServer(replies: [.respond(status: 200)])
        server.stop()
        let error = await #expect(throws: HTTPError.self) { try await HTTPClient().send(HTTPRequest(url: server.baseURL + "/")) }
        guard case .couldNotConnect = error else {
            Issue.record("expected couldNotConnect, got \(String(describing: error))")
            return
        }
        #expect(error?.isRetryable == true)
    }

    @Test("cancelling the calling task aborts the transfer")
    func cancellation() async throws {
        // The answer would come after 30 s; `cancelled` proves the transfer was aborted.
        let server = try LoopbackHTTPServer(replies: [.delay(.seconds(30), .respond(status: 200))])
        defer { server.stop() }
        let client = HTTPClient()
        let task = Task { try await client.send(HTTPRequest(url: server.baseURL + "/", timeout: .seconds(30))) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        #expect(throws: HTTPError.cancelled) { try result.get() }
    }

    @Test("a header with a line break is rejected before anything is sent (no header injection)")
    func headerInjection() async throws {
        let server = try LoopbackHTTPServer(replies: [.respond(status: 200)])
        defer { server.stop() }
        let request = HTTPRequest(url: server.baseURL + "/", headers: ["Authorization": "token\r\nX-Injected: yes"])
        await #expect(throws: HTTPError.invalidHeader(name: "Authorization")) { try await HTTPClient().send(request) }
        #expect(server.requests.isEmpty)
    }

    @Test(
        "a URL that is not http(s) is rejected before anything is sent",
        arguments: ["ftp://example.com/x", "not a url", "file:///etc/passwd"])
    func invalidURL(_ url: String) async throws {
        let error = await #expect(throws: HTTPError.self) { try await HTTPClient().send(HTTPRequest(url: url)) }
        guard case .invalidURL = error else {
            Issue.record("expected invalidURL, got \(String(describing: error))")
            return
        }
    }

    @Test("TLS peers are verified: a self-signed certificate fails unless its CA bundle is given")
    func tlsVerification() async throws {
        let dir = try TemporaryDirectory()
        let generated = try await BuiltBinary.runProcess(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.path + "/key.pem", "-out", dir.path + "/cert.pem",
            ])
        try #require(generated.status == 0, "openssl req failed: \(generated.stderr)")
        // A free port: let the kernel pick one, then hand it to openssl's test server.
        let probe = try LoopbackHTTPServer(replies: [.respond(status: 200)])
        let port = probe.port
        probe.stop()
        // Spawned with signals at their defaults: a `Process` started from a pool thread
        // inherits its blocked SIGTERM and outlived the test.
        let server = try SpawnedCommand.start(
            "/usr/bin/openssl",
            [
                "s_server", "-accept", "127.0.0.1:\(port)", "-cert", dir.path + "/cert.pem", "-key", dir.path + "/key.pem", "-www",
                "-quiet",
            ])
        do {
            try await Self.checkVerification(url: "https://127.0.0.1:\(port)/", caBundle: dir.path + "/cert.pem")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(!server.isRunning, "openssl s_server (pid \(server.pid)) is stopped")
    }

    /// A client given the server's certificate as its CA bundle gets an answer; one without
    /// it fails the handshake with a certificate error.
    static func checkVerification(url: String, caBundle: String) async throws {
        let trusting = HTTPClient(configuration: .init(caBundlePath: caBundle))
        // The server may take a while to listen on a loaded machine: try until a generous deadline.
        let deadline = ContinuousClock.now + .seconds(60)
        var response: HTTPResponse?
        while response == nil, ContinuousClock.now < deadline {
            response = try? await trusting.send(HTTPRequest(url: url, timeout: .seconds(5)))
            if response == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(response?.status == 200)

        let error = await #expect(throws: HTTPError.self) { try await HTTPClient().send(HTTPRequest(url: url, timeout: .seconds(2))) }
        guard case .transferFailed(_, let detail) = error else {
            Issue.record("expected a TLS failure, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("certificate"))
    }
}
