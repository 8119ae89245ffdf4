import Foundation
import HTTP

/// Amazon SQS over the AWS JSON 1.0 protocol: the job queue and its dead-letter queue.
///
/// Only the operations the system uses. Batch calls can answer 200 and still fail some
/// entries, so their outputs always carry `failed`; callers must read it.
public struct SQSClient: Sendable {
    public let client: AWSClient

    public init(configuration: AWSConfiguration) {
        client = AWSClient(service: .sqs, protocol: .json(version: "1.0", targetPrefix: "AmazonSQS"), configuration: configuration)
    }

    public init(client: AWSClient) { self.client = client }

    // MARK: Queues

    public func getQueueURL(name: String, ownerAccountID: String? = nil) async throws(AWSError) -> String {
        struct Input: Encodable {
            var QueueName: String
            var QueueOwnerAWSAccountId: String?
        }
        struct Output: Decodable { var QueueUrl: String }
        return try await client.json("GetQueueUrl", Input(QueueName: name, QueueOwnerAWSAccountId: ownerAccountID), as: Output.self)
            .QueueUrl
    }

    /// Creates a queue (or returns the existing one with the same attributes).
    /// A FIFO queue's name ends in `.fifo` and needs `FifoQueue: "true"`.
    public func createQueue(name: String, attributes: [String: String] = [:], tags: [String: String] = [:]) async throws(AWSError) -> String
    {
        struct Input: Encodable {
            var QueueName: String
            var Attributes: [String: String]?
            var tags: [String: String]?  // lower case on the wire: the model's one exception
        }
        struct Output: Decodable { var QueueUrl: String }
        let input = Input(QueueName: name, Attributes: attributes.isEmpty ? nil : attributes, tags: tags.isEmpty ? nil : tags)
        return try await client.json("CreateQueue", input, as: Output.self).QueueUrl
    }

    public func deleteQueue(url: String) async throws(AWSError) {
        struct Input: Encodable { var QueueUrl: String }
        _ = try await client.json("DeleteQueue", Input(QueueUrl: url), as: EmptyShape.self)
    }

    /// Queue attributes; every value is a string on the wire. `names` defaults to all.
    public func getQueueAttributes(url: String, names: [String] = ["All"]) async throws(AWSError) -> QueueAttributes {
        struct Input: Encodable {
            var QueueUrl: String
            var AttributeNames: [String]
        }
        struct Output: Decodable { var Attributes: [String: String]? }
        let output = try await client.json("GetQueueAttributes", Input(QueueUrl: url, AttributeNames: names), as: Output.self)
        return QueueAttributes(output.Attributes ?? [:])
    }

    public func setQueueAttributes(url: String, attributes: [String: String]) async throws(AWSError) {
        struct Input: Encodable {
            var QueueUrl: String
            var Attributes: [String: String]
        }
        _ = try await client.json("SetQueueAttributes", Input(QueueUrl: url, Attributes: attributes), as: EmptyShape.self)
    }

    /// Queue URLs, optionally by name prefix; follows `NextToken` until done.
    public func listQueues(prefix: String? = nil) async throws(AWSError) -> [String] {
        struct Input: Encodable {
            var QueueNamePrefix: String?
            var NextToken: String?
            var MaxResults: Int?
        }
        struct Output: Decodable {
            var QueueUrls: [String]?
            var NextToken: String?
        }
        var urls: [String] = []
        var token: String?
        repeat {
            let output = try await client.json(
                "ListQueues", Input(QueueNamePrefix: prefix, NextToken: token, MaxResults: token == nil && prefix == nil ? nil : 1000),
                as: Output.self)
            urls += output.QueueUrls ?? []
            token = output.NextToken
        } while token != nil
        return urls
    }

    /// The queues whose redrive policy names this queue as their DLQ.
    public func listDeadLetterSourceQueues(url: String) async throws(AWSError) -> [String] {
        struct Input: Encodable {
            var QueueUrl: String
            var NextToken: String?
            var MaxResults: Int?
        }
        struct Output: Decodable {
            var queueUrls: [String]?
            var NextToken: String?
        }
        var urls: [String] = []
        var token: String?
        repeat {
            let output = try await client.json(
                "ListDeadLetterSourceQueues", Input(QueueUrl: url, NextToken: token, MaxResults: token == nil ? nil : 1000), as: Output.self
            )
            urls += output.queueUrls ?? []
            token = output.NextToken
        } while token != nil
        return urls
    }

    /// Deletes every message (takes up to 60 s; a second purge within that answers `PurgeQueueInProgress`).
    public func purgeQueue(url: String) async throws(AWSError) {
        struct Input: Encodable { var QueueUrl: String }
        _ = try await client.json("PurgeQueue", Input(QueueUrl: url), as: EmptyShape.self)
    }

    // MARK: Messages

    /// Sends up to 10 messages in one call. Read `failed`: a 200 can still reject entries.
    public func sendMessageBatch(url: String, entries: [SendMessageEntry]) async throws(AWSError) -> BatchResult<SentMessage> {
        struct Input: Encodable {
            var QueueUrl: String
            var Entries: [SendMessageEntry]
        }
        struct Output: Decodable {
            var Successful: [SentMessage]?
            var Failed: [BatchFailure]?
        }
        let output = try await client.json("SendMessageBatch", Input(QueueUrl: url, Entries: entries), as: Output.self)
        return BatchResult(successful: output.Successful ?? [], failed: output.Failed ?? [])
    }

    /// Receives up to `maxMessages` (1–10), waiting up to `wait` (0–20 s) for the first one.
    ///
    /// Always long-poll on small queues: a short poll samples a few servers and can miss
    /// messages. The HTTP timeout is the wait plus 10 s.
    public func receiveMessages(
        url: String, maxMessages: Int = 10, wait: Duration = .seconds(20), visibilityTimeout: Duration? = nil,
        systemAttributeNames: [String] = ["All"], messageAttributeNames: [String] = ["All"], receiveRequestAttemptID: String? = nil
    ) async throws(AWSError) -> [SQSMessage] {
        struct Input: Encodable {
            var QueueUrl: String
            var MaxNumberOfMessages: Int
            var WaitTimeSeconds: Int
            var VisibilityTimeout: Int?
            var MessageSystemAttributeNames: [String]
            var AttributeNames: [String]
            var MessageAttributeNames: [String]
            var ReceiveRequestAttemptId: String?
        }
        struct Output: Decodable { var Messages: [SQSMessage]? }
        let waitSeconds = Int(min(max(wait.components.seconds, 0), 20))
        let input = Input(
            QueueUrl: url, MaxNumberOfMessages: min(max(maxMessages, 1), 10), WaitTimeSeconds: waitSeconds,
            VisibilityTimeout: visibilityTimeout.map { Int($0.components.seconds) },
            MessageSystemAttributeNames: systemAttributeNames, AttributeNames: systemAttributeNames,
            MessageAttributeNames: messageAttributeNames, ReceiveRequestAttemptId: receiveRequestAttemptID)
        return try await client.json("ReceiveMessage", input, as: Output.self, timeout: .seconds(waitSeconds + 10)).Messages ?? []
    }

    /// Deletes up to 10 received messages by receipt handle.
    public func deleteMessageBatch(url: String, entries: [DeleteMessageEntry]) async throws(AWSError) -> BatchResult<BatchSuccess> {
        struct Input: Encodable {
            var QueueUrl: String
            var Entries: [DeleteMessageEntry]
        }
        struct Output: Decodable {
            var Successful: [BatchSuccess]?
            var Failed: [BatchFailure]?
        }
        let output = try await client.json("DeleteMessageBatch", Input(QueueUrl: url, Entries: entries), as: Output.self)
        return BatchResult(successful: output.Successful ?? [], failed: output.Failed ?? [])
    }

    /// Changes the visibility timeout of up to 10 received messages (0 makes them visible now).
    public func changeMessageVisibilityBatch(url: String, entries: [VisibilityEntry]) async throws(AWSError) -> BatchResult<BatchSuccess> {
        struct Input: Encodable {
            var QueueUrl: String
            var Entries: [VisibilityEntry]
        }
        struct Output: Decodable {
            var Successful: [BatchSuccess]?
            var Failed: [BatchFailure]?
        }
        let output = try await client.json("ChangeMessageVisibilityBatch", Input(QueueUrl: url, Entries: entries), as: Output.self)
        return BatchResult(successful: output.Successful ?? [], failed: output.Failed ?? [])
    }

    // MARK: Message move tasks (redrive)

    /// Starts moving messages out of a DLQ; `destinationARN` nil sends each back to its source.
    public func startMessageMoveTask(sourceARN: String, destinationARN: String? = nil, maxMessagesPerSecond: Int? = nil)
        async throws(AWSError) -> String
    {
        struct Input: Encodable {
            var SourceArn: String
            var DestinationArn: String?
            var MaxNumberOfMessagesPerSecond: Int?
        }
        struct Output: Decodable { var TaskHandle: String }
        return try await client.json(
            "StartMessageMoveTask",
            Input(SourceArn: sourceARN, DestinationArn: destinationARN, MaxNumberOfMessagesPerSecond: maxMessagesPerSecond), as: Output.self
        ).TaskHandle
    }

    /// The most recent move tasks of a DLQ (`maxResults` 1–10; the service's default is 1).
    public func listMessageMoveTasks(sourceARN: String, maxResults: Int = 10) async throws(AWSError) -> [MessageMoveTask] {
        struct Input: Encodable {
            var SourceArn: String
            var MaxResults: Int
        }
        struct Output: Decodable { var Results: [MessageMoveTask]? }
        return try await client.json(
            "ListMessageMoveTasks", Input(SourceArn: sourceARN, MaxResults: min(max(maxResults, 1), 10)), as: Output.self
        ).Results ?? []
    }

    /// Cancels a running move task; returns how many messages it had moved.
    public func cancelMessageMoveTask(taskHandle: String) async throws(AWSError) -> Int {
        struct Input: Encodable { var TaskHandle: String }
        struct Output: Decodable { var ApproximateNumberOfMessagesMoved: Int? }
        return try await client.json("CancelMessageMoveTask", Input(TaskHandle: taskHandle), as: Output.self)
            .ApproximateNumberOfMessagesMoved ?? 0
    }
}
