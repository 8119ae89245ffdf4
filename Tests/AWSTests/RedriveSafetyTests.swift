import Foundation
import HTTP
import TestSupport
import Testing

@testable import AWS

/// Forwards to a real transport but fails every call to one SQS operation, as if the
/// process stopped (or the network went) at that point.
struct FailingOperationTransport: HTTPTransport {
    let base: any HTTPTransport
    let failing: String

    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        if request.headers["X-Amz-Target"] == "AmazonSQS.\(failing)" {
            throw HTTPError.transferFailed(host: "test", detail: "simulated stop before \(failing)")
        }
        return try await base.send(request)
    }
}

@Suite("Copy redrive never loses or doubles messages")
struct RedriveSafetyTests {
    @Test(
        "stopped between send and delete, a second redrive finishes without duplicates",
        .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
    func interruptedRedriveResumes() async throws {
        let endpoint = try Emulator.endpoint()
        let sqs = SQSClient(configuration: Emulator.configuration(endpoint: endpoint))
        let (source, dlq) = try await SQSEmulatorTests.makeQueues(sqs, prefix: "halfway")
        try await SQSEmulatorTests.send(sqs, to: source, ids: 1...3)
        try await SQSEmulatorTests.deadLetter(sqs, source: source)
        #expect(try await sqs.stats(url: dlq).visible == 3)

        // First run: the sends reach the jobs queue, the deletes never happen.
        let broken = SQSClient(
            configuration: Emulator.configuration(
                endpoint: endpoint, http: FailingOperationTransport(base: Emulator.http, failing: "DeleteMessageBatch")))
        let error = await #expect(throws: AWSError.self) {
            // 5 s of visibility: the checks below must not race it on a loaded machine.
            try await broken.redrive(deadLetterURL: dlq, sourceURL: source, method: .copy, visibilityTimeout: .seconds(5))
        }
        #expect(error?.summary.contains("DeleteMessageBatch") == true)
        #expect(try await sqs.stats(url: source).visible == 3)  // sent …
        let afterBreak = try await sqs.stats(url: dlq)
        // … and still in the DLQ: hidden, or visible again if the emulator was slow enough
        // (a loaded CI machine) for the 5 s to pass already. Either way none was lost.
        #expect(afterBreak.inFlight + afterBreak.visible == 3)

        // Second run, once they are visible again: same group and deduplication ids, so the
        // jobs queue drops the second copies; the DLQ is emptied.
        let deadline = ContinuousClock.now + .seconds(60)
        while try await sqs.stats(url: dlq).visible < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(try await sqs.stats(url: dlq).visible == 3)
        let result = try await sqs.redrive(deadLetterURL: dlq, sourceURL: source, method: .copy)
        #expect(result.moved == 3)
        #expect(try await sqs.stats(url: dlq).visible == 0)
        #expect(try await sqs.stats(url: dlq).inFlight == 0)

        var bodies: [String] = []
        while true {
            let batch = try await sqs.receiveMessages(url: source, wait: .seconds(1))
            if batch.isEmpty { break }
            bodies += batch.map(\.body)
            _ = try await sqs.deleteMessageBatch(
                url: source,
                entries: batch.enumerated().map { DeleteMessageEntry(id: "d\($0.offset)", receiptHandle: $0.element.receiptHandle) })
        }
        #expect(bodies.sorted() == (1...3).map { "{\"v\":1,\"op\":\"upsert\",\"id\":\($0)}" })
    }

    @Test("dead letters of another source queue stay in a shared DLQ")
    func foreignDeadLettersStay() async throws {
        let ours = "arn:aws:sqs:us-east-1:123456789012:jobs.fifo"
        let theirs = "arn:aws:sqs:us-east-1:123456789012:other.fifo"
        let receives = Counter()
        let server = try LoopbackHTTPServer { request in
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            let entries = (body["Entries"] as? [[String: Any]] ?? []).compactMap { $0["Id"] as? String }
            let successful = entries.map { #"{"Id":"\#($0)","MessageId":"new-\#($0)"}"# }.joined(separator: ",")
            switch request.headers["x-amz-target"] ?? "" {
            case "AmazonSQS.GetQueueAttributes":
                return .json(#"{"Attributes":{"QueueArn":"\#(ours)"}}"#)
            case "AmazonSQS.ReceiveMessage":
                guard receives.next() == 0 else { return .json("{}") }
                return .json(
                    #"""
                    {"Messages":[
                      {"MessageId":"a","ReceiptHandle":"rh-a","Body":"ours","Attributes":{"MessageGroupId":"1","MessageDeduplicationId":"d-a","DeadLetterQueueSourceArn":"\#(ours)"}},
                      {"MessageId":"b","ReceiptHandle":"rh-b","Body":"theirs","Attributes":{"MessageGroupId":"2","MessageDeduplicationId":"d-b","DeadLetterQueueSourceArn":"\#(theirs)"}}]}
                    """#)
            default:
                return .json(#"{"Successful":[\#(successful)],"Failed":[]}"#)
            }
        }
        defer { server.stop() }
        let sqs = SQSClient(configuration: Emulator.configuration(endpoint: server.baseURL))
        let result = try await sqs.redrive(
            deadLetterURL: server.baseURL + "/123456789012/dlq.fifo", sourceURL: server.baseURL + "/123456789012/jobs.fifo", method: .copy)
        #expect(result.moved == 1)
        #expect(result.skipped == 1)

        func body(_ target: String) -> [String: Any]? {
            server.requests.first { $0.headers["x-amz-target"] == "AmazonSQS.\(target)" }
                .flatMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }
        }
        let sent = try #require(body("SendMessageBatch")?["Entries"] as? [[String: Any]])
        #expect(sent.map { $0["MessageBody"] as? String } == ["ours"])
        #expect(sent.first?["MessageGroupId"] as? String == "1")
        #expect(
            sent.first?["MessageDeduplicationId"] as? String == "redrive-a",
            "a fresh deduplication id: the original may be within its 5-minute window")
        let hidden = try #require(body("ChangeMessageVisibilityBatch")?["Entries"] as? [[String: Any]])
        #expect(hidden.map { $0["ReceiptHandle"] as? String } == ["rh-b"])
        #expect(hidden.first?["VisibilityTimeout"] as? Int == 0)
        let deleted = try #require(body("DeleteMessageBatch")?["Entries"] as? [[String: Any]])
        #expect(deleted.map { $0["ReceiptHandle"] as? String } == ["rh-a"])
    }
}
