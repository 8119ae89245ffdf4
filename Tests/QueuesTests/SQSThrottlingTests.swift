import AWS
import Catalog
import Foundation
import HTTP
import Queues
import Synchronization
import TestSupport
import Testing

/// SQS throttling is back-pressure: the queue slows down and sends the call again, it never
/// reports it as a failure (which would make emu hand a finished batch back to the queue).
@Suite("SQS throttling slows the queue down")
struct SQSThrottlingTests {
    /// The calls a stub received (their `X-Amz-Target`).
    final class Calls: Sendable {
        let list = Mutex<[String]>([])
        var count: Int { list.withLock { $0.count } }
    }

    /// Answers the first `throttled` calls with the given throttling code, then succeeds.
    static func server(throttled: Int, code: String, status: Int) throws -> (LoopbackHTTPServer, Calls) {
        let calls = Calls()
        let server = try LoopbackHTTPServer { request in
            let n = calls.list.withLock { list -> Int in
                list.append(request.headers["x-amz-target"] ?? "")
                return list.count
            }
            if n <= throttled {
                return .respond(
                    status: status, headers: ["x-amzn-RequestId": "req-\(n)"],
                    body: #"{"__type":"com.amazonaws.sqs#\#(code)","message":"Rate exceeded"}"#)
            }
            return .respond(
                status: 200, headers: ["Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "ok-\(n)"],
                body: #"{"Successful":[{"Id":"d0"}],"Failed":[]}"#)
        }
        return (server, calls)
    }

    @Test(
        "a throttled delete is sent again at a slower pace until it succeeds, however many attempts that takes",
        arguments: [("ThrottlingException", 400), ("RequestThrottled", 403), ("TooManyRequestsException", 429), ("SlowDown", 503)])
    func throttledCallsAreRetriedWithoutLimit(_ code: String, _ status: Int) async throws {
        let (server, calls) = try Self.server(throttled: 7, code: code, status: status)
        defer { server.stop() }
        let sleeps = SleepRecorder()
        // One attempt per call at the client: every throttled reply reaches the queue.
        let retry = RetryPolicy(maxAttempts: 1, sleep: sleeps.sleep, random: { 0.5 })
        let sqs = SQSClient(configuration: AWSEmulator.configuration(endpoint: server.baseURL, retry: retry))
        let paces = SleepRecorder()
        let limiter = AdaptiveRateLimiter(.init(maxRate: 100, minRate: 1, increasePerSecond: 5), sleep: paces.sleep)
        let queue = SQSJobQueue(
            sqs: sqs, queueURL: server.baseURL + "/123456789012/jobs.fifo", deadLetterURL: server.baseURL + "/123456789012/dlq.fifo",
            rateLimiter: limiter)
        let failures = try await queue.delete(receiptHandles: ["handle-1"])
        #expect(failures.isEmpty)
        #expect(calls.count == 8)
        #expect(limiter.throttledCount == 7)
        #expect(limiter.rate < 100, "the queue slowed down")
        #expect(!paces.delays.isEmpty, "the retries waited for the slower pace")
    }
}
