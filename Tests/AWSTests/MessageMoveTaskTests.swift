import Foundation
import Synchronization
import TestSupport
import Testing

@testable import AWS

/// A stand-in for SQS's message move task API (the emulator does not implement it).
final class MoveTaskStub: Sendable {
    let server: LoopbackHTTPServer
    let listCalls = Counter()
    static let dlqARN = "arn:aws:sqs:us-east-1:123456789012:jobs-dlq.fifo"
    static let sourceARN = "arn:aws:sqs:us-east-1:123456789012:jobs.fifo"

    /// `statuses` are what successive ListMessageMoveTasks calls report (the last repeats).
    init(statuses: [(String, Int)], failureReason: String? = nil) throws {
        let listCalls = self.listCalls
        server = try LoopbackHTTPServer { request in
            let target = request.headers["x-amz-target"] ?? ""
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            switch target {
            case "AmazonSQS.GetQueueAttributes":
                let url = body["QueueUrl"] as? String ?? ""
                let arn = url.hasSuffix("jobs-dlq.fifo") ? MoveTaskStub.dlqARN : MoveTaskStub.sourceARN
                return .json(#"{"Attributes":{"QueueArn":"\#(arn)"}}"#)
            case "AmazonSQS.StartMessageMoveTask":
                return .json(#"{"TaskHandle":"task-handle-1"}"#)
            case "AmazonSQS.ListMessageMoveTasks":
                let index = listCalls.next()
                let (status, moved) = statuses[min(index, statuses.count - 1)]
                let failure = failureReason.map { #","FailureReason":"\#($0)""# } ?? ""
                return .json(
                    #"{"Results":[{"TaskHandle":"task-handle-1","Status":"\#(status)","SourceArn":"\#(MoveTaskStub.dlqARN)","DestinationArn":"\#(MoveTaskStub.sourceARN)","ApproximateNumberOfMessagesMoved":\#(moved),"ApproximateNumberOfMessagesToMove":5,"StartedTimestamp":1764050000000\#(failure)}]}"#
                )
            case "AmazonSQS.CancelMessageMoveTask":
                return .json(#"{"ApproximateNumberOfMessagesMoved":3}"#)
            default:
                return .respond(status: 400, body: #"{"__type":"com.amazonaws.sqs#InvalidAction","message":"unexpected \#(target)"}"#)
            }
        }
    }

    var sqs: SQSClient { SQSClient(configuration: Emulator.configuration(endpoint: server.baseURL)) }
    func targets() -> [String] { server.requests.compactMap { $0.headers["x-amz-target"] } }
    func body(of target: String) -> [String: Any] {
        let request = server.requests.first { $0.headers["x-amz-target"] == target }
        return (request.flatMap { try? JSONSerialization.jsonObject(with: Data($0.body)) } as? [String: Any]) ?? [:]
    }
    deinit { server.stop() }
}

/// A thread-safe counter for stub handlers.
final class Counter: Sendable {
    private let value = Mutex(0)
    /// Returns the current count and increments it.
    func next() -> Int {
        value.withLock { count in
            defer { count += 1 }
            return count
        }
    }
}

@Suite("Redrive with a message move task (loopback stub)")
struct MessageMoveTaskTests {
    let dlq = "http://127.0.0.1/123456789012/jobs-dlq.fifo"
    let source = "http://127.0.0.1/123456789012/jobs.fifo"

    @Test("redrive starts a move task from the DLQ to the source and follows it to COMPLETED")
    func moveTaskCompletes() async throws {
        let stub = try MoveTaskStub(statuses: [("RUNNING", 2), ("RUNNING", 4), ("COMPLETED", 5)])
        let recorder = SleepRecorder()
        let result = try await stub.sqs.redrive(
            deadLetterURL: dlq, sourceURL: source, method: .auto, pollInterval: .seconds(2), sleep: recorder.sleep)
        #expect(
            result
                == RedriveResult(method: .moveTask, moved: 5, failed: 0, skipped: 0, taskHandle: "task-handle-1", taskStatus: "COMPLETED"))
        #expect(recorder.delays == [.seconds(2), .seconds(2)])
        #expect(stub.body(of: "AmazonSQS.StartMessageMoveTask")["SourceArn"] as? String == MoveTaskStub.dlqARN)
        #expect(stub.body(of: "AmazonSQS.StartMessageMoveTask")["DestinationArn"] as? String == MoveTaskStub.sourceARN)
        #expect(!stub.targets().contains("AmazonSQS.ReceiveMessage"))
    }

    @Test("without waiting, redrive returns the started task as RUNNING")
    func moveTaskNoWait() async throws {
        let stub = try MoveTaskStub(statuses: [("RUNNING", 0)])
        let result = try await stub.sqs.redrive(deadLetterURL: dlq, sourceURL: source, waitForTask: false, sleep: { _ in })
        #expect(result.method == .moveTask)
        #expect(result.taskStatus == "RUNNING")
        #expect(!stub.targets().contains("AmazonSQS.ListMessageMoveTasks"))
    }

    @Test("a FAILED move task is an error carrying the failure reason")
    func moveTaskFails() async throws {
        let stub = try MoveTaskStub(statuses: [("FAILED", 1)], failureReason: "AWS.SimpleQueueService.NonExistentQueue")
        let error = await #expect(throws: AWSError.self) {
            try await stub.sqs.redrive(deadLetterURL: dlq, sourceURL: source, sleep: { _ in })
        }
        #expect(error?.serviceError?.code == "MessageMoveTaskFailed")
        #expect(error?.serviceError?.message == "AWS.SimpleQueueService.NonExistentQueue")
    }

    @Test("list and cancel message move tasks decode their replies")
    func listAndCancel() async throws {
        let stub = try MoveTaskStub(statuses: [("RUNNING", 2)])
        let tasks = try await stub.sqs.listMessageMoveTasks(sourceARN: MoveTaskStub.dlqARN)
        #expect(tasks.count == 1)
        #expect(tasks.first?.status == "RUNNING")
        #expect(tasks.first?.messagesMoved == 2)
        #expect(tasks.first?.messagesToMove == 5)
        #expect(tasks.first?.startedTimestamp == 1_764_050_000_000)
        #expect(try await stub.sqs.cancelMessageMoveTask(taskHandle: "task-handle-1") == 3)
        #expect(stub.body(of: "AmazonSQS.ListMessageMoveTasks")["MaxResults"] as? Int == 10)
    }

    @Test(
        "only 'not offered' errors fall back to copying",
        arguments: [
            (500, "HTTP500", true), (501, "HTTP501", true), (400, "UnsupportedOperation", true), (400, "InvalidAction", true),
            (400, "AccessDenied", false), (500, "InternalError", false), (400, "ResourceNotFoundException", false),
        ])
    func fallbackRule(_ status: Int, _ code: String, _ fallsBack: Bool) {
        let error = AWSError.service(.init(service: "SQS", operation: "StartMessageMoveTask", statusCode: status, code: code, message: ""))
        #expect(SQSClient.isMoveTaskUnsupported(error) == fallsBack)
    }
}
