import Foundation
import HTTP
import TestSupport
import Testing

@testable import AWS

@Suite("Standard-mode retries against a loopback server")
struct RetryTests {
    static let queueURLReply = LoopbackHTTPServer.Reply.respond(
        status: 200, headers: ["Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "req-ok"],
        body: #"{"QueueUrl":"http://127.0.0.1/123456789012/jobs.fifo"}"#)

    static func jsonError(_ status: Int, _ code: String, headers: [String: String] = [:]) -> LoopbackHTTPServer.Reply {
        .respond(
            status: status, headers: headers.merging(["x-amzn-RequestId": "req-\(status)"]) { a, _ in a },
            body: #"{"__type":"com.amazonaws.sqs#\#(code)","message":"\#(code) happened"}"#)
    }

    /// An SQS client aimed at `server`, with recorded sleeps and jitter fixed at 0.5.
    static func client(_ server: LoopbackHTTPServer, recorder: SleepRecorder, quota: RetryQuota = RetryQuota(), maxAttempts: Int = 3)
        -> SQSClient
    {
        let retry = RetryPolicy(maxAttempts: maxAttempts, quota: quota, sleep: recorder.sleep, random: { 0.5 })
        return SQSClient(configuration: Emulator.configuration(endpoint: server.baseURL, retry: retry))
    }

    @Test(
        "5xx, throttling and 429 replies are retried until success, with full-jitter delays",
        arguments: [
            (
                [jsonError(500, "InternalError"), jsonError(503, "ServiceUnavailable"), queueURLReply],
                [Duration.milliseconds(25), .milliseconds(50)]
            ),
            ([jsonError(400, "ThrottlingException"), queueURLReply], [Duration.milliseconds(500)]),
            (
                [jsonError(400, "RequestThrottled"), jsonError(502, "BadGateway"), queueURLReply],
                [Duration.milliseconds(500), .milliseconds(50)]
            ),
            ([jsonError(429, "TooManyRequests"), queueURLReply], [Duration.milliseconds(500)]),
            ([jsonError(400, "RequestTimeout"), queueURLReply], [Duration.milliseconds(25)]),
        ])
    func retriedUntilSuccess(_ replies: [LoopbackHTTPServer.Reply], _ expectedDelays: [Duration]) async throws {
        let server = try LoopbackHTTPServer(replies: replies)
        defer { server.stop() }
        let recorder = SleepRecorder()
        let url = try await Self.client(server, recorder: recorder).getQueueURL(name: "jobs.fifo")
        #expect(url == "http://127.0.0.1/123456789012/jobs.fifo")
        #expect(server.requests.count == replies.count)
        #expect(recorder.delays == expectedDelays)
        // Every attempt is signed afresh.
        #expect(server.requests.allSatisfy { $0.headers["authorization"]?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDTESTING/") == true })
    }

    @Test(
        "other 4xx errors are never retried", arguments: ["InvalidParameterValue", "QueueDoesNotExist", "AccessDenied", "InvalidAddress"])
    func clientErrorsNotRetried(_ code: String) async throws {
        let server = try LoopbackHTTPServer(replies: [Self.jsonError(400, code), Self.queueURLReply])
        defer { server.stop() }
        let recorder = SleepRecorder()
        let error = await #expect(throws: AWSError.self) {
            try await Self.client(server, recorder: recorder).getQueueURL(name: "jobs.fifo")
        }
        #expect(error?.serviceError?.code == code)
        #expect(error?.serviceError?.requestID == "req-400")
        #expect(error?.serviceError?.message == "\(code) happened")
        #expect(server.requests.count == 1)
        #expect(recorder.delays.isEmpty)
    }

    @Test("after 3 failed attempts the last error is thrown")
    func givesUpAfterMaxAttempts() async throws {
        let server = try LoopbackHTTPServer(replies: [Self.jsonError(500, "InternalError")])
        defer { server.stop() }
        let recorder = SleepRecorder()
        let error = await #expect(throws: AWSError.self) {
            try await Self.client(server, recorder: recorder).getQueueURL(name: "jobs.fifo")
        }
        #expect(error?.serviceError?.code == "InternalError")
        #expect(error?.serviceError?.statusCode == 500)
        #expect(server.requests.count == 3)
        #expect(recorder.delays.count == 2)
    }

    @Test("connection errors (reset, refused) are retried")
    func connectionErrorsRetried() async throws {
        let server = try LoopbackHTTPServer(replies: [.closeConnection, .closeConnection, Self.queueURLReply])
        defer { server.stop() }
        let recorder = SleepRecorder()
        let url = try await Self.client(server, recorder: recorder).getQueueURL(name: "jobs.fifo")
        #expect(url.hasSuffix("/jobs.fifo"))
        #expect(server.requests.count == 3)
        #expect(recorder.delays.count == 2)

        let closed = try LoopbackHTTPServer(replies: [Self.queueURLReply])
        closed.stop()
        let refused = await #expect(throws: AWSError.self) {
            try await Self.client(closed, recorder: recorder).getQueueURL(name: "jobs.fifo")
        }
        guard case .transport(let service, let operation, _, let httpError) = refused else {
            Issue.record("expected a transport error, got \(String(describing: refused))")
            return
        }
        #expect(service == "SQS")
        #expect(operation == "GetQueueUrl")
        #expect(httpError.isRetryable)
        #expect(recorder.delays.count == 4)
        #expect(refused?.remedy?.contains("AWS_ENDPOINT_URL_SQS") == true)
    }

    @Test("x-amz-retry-after is honoured within [computed, computed + 5 s]")
    func retryAfterHeader() async throws {
        let server = try LoopbackHTTPServer(replies: [
            Self.jsonError(503, "ServiceUnavailable", headers: ["x-amz-retry-after": "1500"]), Self.queueURLReply,
        ])
        defer { server.stop() }
        let recorder = SleepRecorder()
        _ = try await Self.client(server, recorder: recorder).getQueueURL(name: "jobs.fifo")
        #expect(recorder.delays == [.milliseconds(1500)])
    }

    @Test("an empty retry quota fails without retrying; successes refill it")
    func retryQuota() async throws {
        let server = try LoopbackHTTPServer(replies: [
            Self.jsonError(500, "InternalError"), Self.jsonError(500, "InternalError"), Self.queueURLReply,
        ])
        defer { server.stop() }
        let recorder = SleepRecorder()
        let quota = RetryQuota(capacity: 20)
        let error = await #expect(throws: AWSError.self) {
            try await Self.client(server, recorder: recorder, quota: quota).getQueueURL(name: "jobs.fifo")
        }
        #expect(error?.serviceError?.statusCode == 500)
        #expect(server.requests.count == 2)  // one retry cost 14 of 20 tokens; the second was refused
        #expect(quota.available == 6)
        _ = try await Self.client(server, recorder: recorder, quota: quota).getQueueURL(name: "jobs.fifo")
        #expect(quota.available == 7)
    }

    @Test(
        "delay ceilings grow exponentially and cap at 20 s",
        arguments: [
            (1, RetryPolicy.FailureKind.transient, Duration.milliseconds(50)),
            (3, .transient, .milliseconds(200)),
            (2, .throttling, .seconds(2)),
            (10, .throttling, .seconds(20)),
        ])
    func delayCeilings(_ retry: Int, _ kind: RetryPolicy.FailureKind, _ ceiling: Duration) {
        let policy = RetryPolicy(random: { 0.999_999 })
        let delay = policy.delay(beforeRetry: retry, kind: kind)
        #expect(delay < ceiling)
        #expect(delay > ceiling * 0.99)
        #expect(RetryPolicy(random: { 0 }).delay(beforeRetry: retry, kind: kind) == .zero)
    }

    @Test("with the retry quota empty, a long poll still waits its backoff before failing; other calls fail at once")
    func emptyQuotaLongPoll() async throws {
        let server = try LoopbackHTTPServer(replies: [Self.jsonError(500, "InternalError")])
        defer { server.stop() }
        let recorder = SleepRecorder()
        let sqs = Self.client(server, recorder: recorder, quota: RetryQuota(capacity: 0))
        await #expect(throws: AWSError.self) { try await sqs.receiveMessages(url: server.baseURL + "/1/q", wait: .seconds(1)) }
        #expect(recorder.delays == [.milliseconds(25)])
        await #expect(throws: AWSError.self) { try await sqs.getQueueURL(name: "q") }
        #expect(recorder.delays == [.milliseconds(25)])
        #expect(server.requests.count == 2)
    }

    @Test("AWS_MAX_ATTEMPTS sets the number of attempts; a bad value is a configuration error")
    func maxAttemptsFromEnvironment() throws {
        let http = HTTPClient()
        let configuration = try AWSConfiguration.fromEnvironment(
            ["AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "5"], homeDirectory: "/nonexistent", http: http)
        #expect(configuration.retry.maxAttempts == 5)
        #expect(throws: AWSError.self) {
            try AWSConfiguration.fromEnvironment(
                ["AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "zero"], homeDirectory: "/nonexistent", http: http)
        }
    }
}

@Suite("Clock skew")
struct ClockSkewTests {
    @Test("a clock-skew rejection with the service's Date is signed again with the corrected time, once per client")
    func correctsSkew() async throws {
        // The "service" lives one hour ahead and rejects signatures more than 5 minutes off.
        let serverNow = Date().addingTimeInterval(3600)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let server = try LoopbackHTTPServer { request in
            let signed = request.headers["x-amz-date"].flatMap(SigV4Signer.date(fromAmzDate:)) ?? .distantPast
            guard abs(signed.timeIntervalSince(serverNow)) < 300 else {
                return .respond(
                    status: 400, headers: ["Date": formatter.string(from: serverNow)],
                    body: #"{"__type":"com.amazonaws.sqs#InvalidSignatureException","message":"Signature expired"}"#)
            }
            return .json(#"{"QueueUrl":"http://127.0.0.1/1/jobs.fifo"}"#)
        }
        defer { server.stop() }
        let recorder = SleepRecorder()
        let sqs = SQSClient(configuration: Emulator.configuration(endpoint: server.baseURL, retry: RetryPolicy(sleep: recorder.sleep)))
        #expect(try await sqs.getQueueURL(name: "jobs.fifo") == "http://127.0.0.1/1/jobs.fifo")
        #expect(server.requests.count == 2)
        #expect(recorder.delays.isEmpty)
        _ = try await sqs.getQueueURL(name: "jobs.fifo")
        #expect(server.requests.count == 3)
    }

    @Test("a signature error without a usable Date header is not retried")
    func noDateNoRetry() async throws {
        let server = try LoopbackHTTPServer(replies: [.respond(status: 403, body: #"{"__type":"SignatureDoesNotMatch","message":"no"}"#)])
        defer { server.stop() }
        let sqs = SQSClient(configuration: Emulator.configuration(endpoint: server.baseURL))
        await #expect(throws: AWSError.self) { try await sqs.getQueueURL(name: "jobs.fifo") }
        #expect(server.requests.count == 1)
    }
}
