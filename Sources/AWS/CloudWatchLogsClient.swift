import Foundation

/// CloudWatch Logs over AWS JSON 1.1: the workers' log lines, for `services logs` and the
/// console's log tail. Timestamps are epoch milliseconds on the wire.
public struct CloudWatchLogsClient: Sendable {
    public let client: AWSClient

    public init(configuration: AWSConfiguration) {
        client = AWSClient(service: .logs, protocol: .json(version: "1.1", targetPrefix: "Logs_20140328"), configuration: configuration)
    }

    public init(client: AWSClient) { self.client = client }

    /// Events of a log group from `start` (inclusive) on, oldest first, across its streams
    /// (optionally those starting with `streamPrefix`); follows `nextToken` until the end or
    /// until `maxEvents` were read.
    public func filterLogEvents(
        group: String, streamPrefix: String? = nil, start: Date?, end: Date? = nil, pattern: String? = nil, maxEvents: Int = 10_000
    ) async throws(AWSError) -> [LogEvent] {
        struct Input: Encodable {
            var logGroupName: String
            var logStreamNamePrefix: String?
            var startTime: Int64?
            var endTime: Int64?
            var filterPattern: String?
            var nextToken: String?
            var limit: Int?
        }
        struct Output: Decodable {
            var events: [LogEvent]?
            var nextToken: String?
        }
        var events: [LogEvent] = []
        var token: String?
        repeat {
            let input = Input(
                logGroupName: group, logStreamNamePrefix: streamPrefix, startTime: start.map(Self.milliseconds),
                endTime: end.map(Self.milliseconds), filterPattern: pattern, nextToken: token, limit: nil)
            let output = try await client.json("FilterLogEvents", input, as: Output.self)
            events += output.events ?? []
            // An empty page with a token means "more may come": stop rather than spin.
            token = (output.events ?? []).isEmpty ? nil : output.nextToken
        } while token != nil && events.count < maxEvents
        return events.sorted { ($0.timestamp, $0.eventId ?? "") < ($1.timestamp, $1.eventId ?? "") }
    }

    /// The newest `limit` events of one stream (oldest first).
    public func getLogEvents(group: String, stream: String, limit: Int = 100) async throws(AWSError) -> [LogEvent] {
        struct Input: Encodable {
            var logGroupName: String
            var logStreamName: String
            var limit: Int
            var startFromHead: Bool
        }
        struct Output: Decodable { var events: [LogEvent]? }
        let input = Input(logGroupName: group, logStreamName: stream, limit: limit, startFromHead: false)
        return try await client.json("GetLogEvents", input, as: Output.self).events ?? []
    }

    /// Creates a log group (tests and local set-ups; the infra program creates the real ones).
    public func createLogGroup(_ group: String) async throws(AWSError) {
        struct Input: Encodable { var logGroupName: String }
        _ = try await client.json("CreateLogGroup", Input(logGroupName: group), as: EmptyReply.self)
    }

    /// Creates a log stream in a group.
    public func createLogStream(group: String, stream: String) async throws(AWSError) {
        struct Input: Encodable {
            var logGroupName: String
            var logStreamName: String
        }
        _ = try await client.json("CreateLogStream", Input(logGroupName: group, logStreamName: stream), as: EmptyReply.self)
    }

    /// Writes lines to a stream (in timestamp order, as the API requires).
    public func putLogEvents(group: String, stream: String, lines: [(Date, String)]) async throws(AWSError) {
        struct Event: Encodable {
            var timestamp: Int64
            var message: String
        }
        struct Input: Encodable {
            var logGroupName: String
            var logStreamName: String
            var logEvents: [Event]
        }
        let events = lines.sorted { $0.0 < $1.0 }.map { Event(timestamp: Self.milliseconds($0.0), message: $0.1) }
        _ = try await client.json(
            "PutLogEvents", Input(logGroupName: group, logStreamName: stream, logEvents: events), as: EmptyReply.self)
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    struct EmptyReply: Decodable {}
}

/// One log event as CloudWatch Logs returns it.
public struct LogEvent: Codable, Sendable, Hashable {
    public var logStreamName: String?
    /// Epoch milliseconds.
    public var timestamp: Int64
    public var message: String
    public var eventId: String?

    public init(logStreamName: String?, timestamp: Int64, message: String, eventId: String?) {
        self.logStreamName = logStreamName
        self.timestamp = timestamp
        self.message = message
        self.eventId = eventId
    }

    public var date: Date { Date(timeIntervalSince1970: Double(timestamp) / 1000) }
}
