import Foundation

/// A queue's attributes with typed accessors for the ones the console shows.
public struct QueueAttributes: Sendable, Hashable {
    /// Every attribute as the service sent it (all values are strings).
    public var raw: [String: String]
    public init(_ raw: [String: String]) { self.raw = raw }

    public subscript(name: String) -> String? { raw[name] }
    public var queueARN: String? { raw["QueueArn"] }
    public var visible: Int { Int(raw["ApproximateNumberOfMessages"] ?? "") ?? 0 }
    public var inFlight: Int { Int(raw["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? 0 }
    public var delayed: Int { Int(raw["ApproximateNumberOfMessagesDelayed"] ?? "") ?? 0 }
    public var isFIFO: Bool { raw["FifoQueue"]?.lowercased() == "true" }
    public var visibilityTimeout: Duration? { Int(raw["VisibilityTimeout"] ?? "").map { .seconds($0) } }
    /// `MessageRetentionPeriod`: how long an unprocessed message is kept.
    public var retention: Duration? { Int(raw["MessageRetentionPeriod"] ?? "").map { .seconds($0) } }
    /// The parsed `RedrivePolicy` (a JSON string on the wire), if any.
    public var redrivePolicy: RedrivePolicy? { raw["RedrivePolicy"].flatMap(RedrivePolicy.init(json:)) }
}

/// Where a queue's dead letters go and after how many receives.
public struct RedrivePolicy: Sendable, Hashable, Codable {
    public var deadLetterTargetArn: String
    public var maxReceiveCount: Int

    public init(deadLetterTargetArn: String, maxReceiveCount: Int) {
        self.deadLetterTargetArn = deadLetterTargetArn
        self.maxReceiveCount = maxReceiveCount
    }

    /// Parses the attribute's JSON string; `maxReceiveCount` may be a string or a number.
    public init?(json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let arn = object["deadLetterTargetArn"] as? String
        else { return nil }
        let count = (object["maxReceiveCount"] as? Int) ?? Int(object["maxReceiveCount"] as? String ?? "") ?? 10
        self.init(deadLetterTargetArn: arn, maxReceiveCount: count)
    }

    /// The attribute value to set: a JSON string.
    public var jsonString: String {
        "{\"deadLetterTargetArn\":\"\(deadLetterTargetArn)\",\"maxReceiveCount\":\(maxReceiveCount)}"
    }
}

/// A typed message attribute (String, Number or Binary, with an optional custom suffix).
public struct MessageAttributeValue: Codable, Sendable, Hashable {
    public var DataType: String
    public var StringValue: String?
    public var BinaryValue: String?

    public init(string: String) {
        DataType = "String"
        StringValue = string
    }
    public init(number: String) {
        DataType = "Number"
        StringValue = number
    }
    public init(dataType: String, stringValue: String?, binaryValue: String?) {
        DataType = dataType
        StringValue = stringValue
        BinaryValue = binaryValue
    }
}

/// One message of a send batch. FIFO queues need `messageGroupID` and (without
/// content-based deduplication) `deduplicationID`.
public struct SendMessageEntry: Encodable, Sendable, Hashable {
    public var id: String
    public var body: String
    public var delaySeconds: Int?
    public var attributes: [String: MessageAttributeValue]
    public var messageGroupID: String?
    public var deduplicationID: String?

    public init(
        id: String, body: String, delaySeconds: Int? = nil, attributes: [String: MessageAttributeValue] = [:],
        messageGroupID: String? = nil, deduplicationID: String? = nil
    ) {
        self.id = id
        self.body = body
        self.delaySeconds = delaySeconds
        self.attributes = attributes
        self.messageGroupID = messageGroupID
        self.deduplicationID = deduplicationID
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case body = "MessageBody"
        case delaySeconds = "DelaySeconds"
        case attributes = "MessageAttributes"
        case messageGroupID = "MessageGroupId"
        case deduplicationID = "MessageDeduplicationId"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(body, forKey: .body)
        try c.encodeIfPresent(delaySeconds, forKey: .delaySeconds)
        if !attributes.isEmpty { try c.encode(attributes, forKey: .attributes) }
        try c.encodeIfPresent(messageGroupID, forKey: .messageGroupID)
        try c.encodeIfPresent(deduplicationID, forKey: .deduplicationID)
    }
}

/// An accepted entry of a send batch.
public struct SentMessage: Decodable, Sendable, Hashable {
    public var id: String
    public var messageID: String
    public var sequenceNumber: String?
    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case messageID = "MessageId"
        case sequenceNumber = "SequenceNumber"
    }
}

/// An accepted entry of a delete or visibility batch.
public struct BatchSuccess: Decodable, Sendable, Hashable {
    public var id: String
    enum CodingKeys: String, CodingKey { case id = "Id" }
}

/// A rejected batch entry: `senderFault` false means the service failed and a retry may work.
public struct BatchFailure: Decodable, Sendable, Hashable {
    public var id: String
    public var senderFault: Bool
    public var code: String
    public var message: String?
    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case senderFault = "SenderFault"
        case code = "Code"
        case message = "Message"
    }
}

/// The two halves of a batch reply.
public struct BatchResult<Success: Sendable & Hashable>: Sendable, Hashable {
    public var successful: [Success]
    public var failed: [BatchFailure]
}

/// A received message.
public struct SQSMessage: Codable, Sendable, Hashable {
    public var messageID: String
    /// Needed to delete or hide the message; valid only for this receive.
    public var receiptHandle: String
    public var body: String
    public var md5OfBody: String?
    /// System attributes (`ApproximateReceiveCount`, `SentTimestamp` in epoch ms, `MessageGroupId`…).
    public var attributes: [String: String]
    public var messageAttributes: [String: MessageAttributeValue]

    enum CodingKeys: String, CodingKey {
        case messageID = "MessageId"
        case receiptHandle = "ReceiptHandle"
        case body = "Body"
        case md5OfBody = "MD5OfBody"
        case attributes = "Attributes"
        case messageAttributes = "MessageAttributes"
    }

    public init(
        messageID: String, receiptHandle: String, body: String, md5OfBody: String? = nil, attributes: [String: String] = [:],
        messageAttributes: [String: MessageAttributeValue] = [:]
    ) {
        self.messageID = messageID
        self.receiptHandle = receiptHandle
        self.body = body
        self.md5OfBody = md5OfBody
        self.attributes = attributes
        self.messageAttributes = messageAttributes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        messageID = try c.decode(String.self, forKey: .messageID)
        receiptHandle = try c.decode(String.self, forKey: .receiptHandle)
        body = try c.decodeIfPresent(String.self, forKey: .body) ?? ""
        md5OfBody = try c.decodeIfPresent(String.self, forKey: .md5OfBody)
        attributes = try c.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
        messageAttributes = try c.decodeIfPresent([String: MessageAttributeValue].self, forKey: .messageAttributes) ?? [:]
    }

    public var messageGroupID: String? { attributes["MessageGroupId"] }
    public var deduplicationID: String? { attributes["MessageDeduplicationId"] }
    public var receiveCount: Int { Int(attributes["ApproximateReceiveCount"] ?? "") ?? 0 }
    /// When the message was first sent (the attribute is epoch milliseconds).
    public var sentAt: Date? {
        attributes["SentTimestamp"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1000) }
    }
}

/// One entry of a delete batch.
public struct DeleteMessageEntry: Encodable, Sendable, Hashable {
    public var id: String
    public var receiptHandle: String
    public init(id: String, receiptHandle: String) {
        self.id = id
        self.receiptHandle = receiptHandle
    }
    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case receiptHandle = "ReceiptHandle"
    }
}

/// One entry of a visibility batch.
public struct VisibilityEntry: Encodable, Sendable, Hashable {
    public var id: String
    public var receiptHandle: String
    public var visibilityTimeout: Int
    public init(id: String, receiptHandle: String, visibilityTimeout: Duration) {
        self.id = id
        self.receiptHandle = receiptHandle
        self.visibilityTimeout = Int(visibilityTimeout.components.seconds)
    }
    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case receiptHandle = "ReceiptHandle"
        case visibilityTimeout = "VisibilityTimeout"
    }
}

/// A message move task as `ListMessageMoveTasks` reports it.
public struct MessageMoveTask: Codable, Sendable, Hashable {
    public var taskHandle: String?
    /// RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED.
    public var status: String
    public var sourceARN: String?
    public var destinationARN: String?
    public var maxMessagesPerSecond: Int?
    public var messagesMoved: Int
    public var messagesToMove: Int?
    public var failureReason: String?
    /// Epoch milliseconds on the wire.
    public var startedTimestamp: Int64?

    enum CodingKeys: String, CodingKey {
        case taskHandle = "TaskHandle"
        case status = "Status"
        case sourceARN = "SourceArn"
        case destinationARN = "DestinationArn"
        case maxMessagesPerSecond = "MaxNumberOfMessagesPerSecond"
        case messagesMoved = "ApproximateNumberOfMessagesMoved"
        case messagesToMove = "ApproximateNumberOfMessagesToMove"
        case failureReason = "FailureReason"
        case startedTimestamp = "StartedTimestamp"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskHandle = try c.decodeIfPresent(String.self, forKey: .taskHandle)
        status = try c.decode(String.self, forKey: .status)
        sourceARN = try c.decodeIfPresent(String.self, forKey: .sourceARN)
        destinationARN = try c.decodeIfPresent(String.self, forKey: .destinationARN)
        maxMessagesPerSecond = try c.decodeIfPresent(Int.self, forKey: .maxMessagesPerSecond)
        messagesMoved = try c.decodeIfPresent(Int.self, forKey: .messagesMoved) ?? 0
        messagesToMove = try c.decodeIfPresent(Int.self, forKey: .messagesToMove)
        failureReason = try c.decodeIfPresent(String.self, forKey: .failureReason)
        startedTimestamp = try c.decodeIfPresent(Int64.self, forKey: .startedTimestamp)
    }

    public var isFinished: Bool { ["COMPLETED", "CANCELLED", "FAILED"].contains(status) }
}

/// SQS queue URL helpers.
public enum SQSQueueURL {
    /// The queue name: the last path segment of the URL.
    public static func name(of url: String) -> String {
        url.split(separator: "/").last.map(String.init) ?? url
    }

    /// The queue name of an ARN (`arn:aws:sqs:region:account:name`).
    public static func name(ofARN arn: String) -> String {
        arn.split(separator: ":").last.map(String.init) ?? arn
    }
}
