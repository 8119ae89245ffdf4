import Foundation

/// Amazon CloudWatch over AWS JSON 1.0 (accepted by AWS and common emulators): metrics and alarms.
public struct CloudWatchClient: Sendable {
    public let client: AWSClient

    public init(configuration: AWSConfiguration) {
        client = AWSClient(
            service: .cloudWatch, protocol: .json(version: "1.0", targetPrefix: "GraniteServiceVersion20100801"),
            configuration: configuration)
    }

    public init(client: AWSClient) { self.client = client }

    /// Runs metric queries over `[start, end)`, oldest first; follows `NextToken`.
    public func getMetricData(queries: [MetricDataQuery], start: Date, end: Date) async throws(AWSError) -> [MetricDataResult] {
        struct Input: Encodable {
            var MetricDataQueries: [MetricDataQuery]
            var StartTime: Date
            var EndTime: Date
            var ScanBy = "TimestampAscending"
            var NextToken: String?
        }
        struct Output: Decodable {
            var MetricDataResults: [MetricDataResult]?
            var NextToken: String?
        }
        var merged: [String: MetricDataResult] = [:]
        var order: [String] = []
        var token: String?
        repeat {
            let output = try await client.json(
                "GetMetricData", Input(MetricDataQueries: queries, StartTime: start, EndTime: end, NextToken: token), as: Output.self)
            for result in output.MetricDataResults ?? [] {
                if var existing = merged[result.id] {
                    existing.timestamps += result.timestamps
                    existing.values += result.values
                    existing.statusCode = result.statusCode
                    merged[result.id] = existing
                } else {
                    merged[result.id] = result
                    order.append(result.id)
                }
            }
            token = output.NextToken
        } while token != nil
        return order.compactMap { merged[$0] }
    }

    /// Metric and composite alarms, optionally by name prefix or state; follows `NextToken`.
    public func describeAlarms(namePrefix: String? = nil, state: String? = nil) async throws(AWSError) -> [MetricAlarm] {
        struct Input: Encodable {
            var AlarmNamePrefix: String?
            var StateValue: String?
            var NextToken: String?
            var AlarmTypes = ["MetricAlarm", "CompositeAlarm"]
        }
        struct Output: Decodable {
            var MetricAlarms: [MetricAlarm]?
            var CompositeAlarms: [MetricAlarm]?
            var NextToken: String?
        }
        var alarms: [MetricAlarm] = []
        var token: String?
        repeat {
            let output = try await client.json(
                "DescribeAlarms", Input(AlarmNamePrefix: namePrefix, StateValue: state, NextToken: token), as: Output.self)
            alarms += (output.MetricAlarms ?? []) + (output.CompositeAlarms ?? [])
            token = output.NextToken
        } while token != nil
        return alarms
    }

    /// The newest value of one metric statistic over the last `window`, or nil when none.
    public func latestValue(
        namespace: String, metric: String, dimensions: [String: String], stat: String = "Maximum", period: Int = 60,
        window: Duration = .seconds(900), now: Date = Date()
    ) async throws(AWSError) -> Double? {
        let query = MetricDataQuery(
            id: "m0", metric: MetricStat(namespace: namespace, metricName: metric, dimensions: dimensions, period: period, stat: stat))
        let start = now.addingTimeInterval(-Double(window.components.seconds))
        let results = try await getMetricData(queries: [query], start: start, end: now)
        return results.first?.values.last
    }
}

/// One query of GetMetricData: a metric statistic or a math expression.
public struct MetricDataQuery: Codable, Sendable, Hashable {
    /// Starts lower-case (`[a-z][a-zA-Z0-9_]*`), unique within the call.
    public var id: String
    public var metricStat: MetricStat?
    public var expression: String?
    public var label: String?
    public var returnData: Bool

    public init(id: String, metric: MetricStat, label: String? = nil, returnData: Bool = true) {
        self.id = id
        self.metricStat = metric
        self.label = label
        self.returnData = returnData
    }

    public init(id: String, expression: String, label: String? = nil, returnData: Bool = true) {
        self.id = id
        self.expression = expression
        self.label = label
        self.returnData = returnData
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case metricStat = "MetricStat"
        case expression = "Expression"
        case label = "Label"
        case returnData = "ReturnData"
    }
}

/// A metric, its period (seconds) and statistic.
public struct MetricStat: Codable, Sendable, Hashable {
    public var metric: Metric
    public var period: Int
    public var stat: String

    public init(namespace: String, metricName: String, dimensions: [String: String], period: Int, stat: String) {
        self.metric = Metric(
            namespace: namespace, metricName: metricName,
            dimensions: dimensions.keys.sorted().map { Dimension(name: $0, value: dimensions[$0]!) })
        self.period = period
        self.stat = stat
    }

    enum CodingKeys: String, CodingKey {
        case metric = "Metric"
        case period = "Period"
        case stat = "Stat"
    }

    public struct Metric: Codable, Sendable, Hashable {
        public var namespace: String
        public var metricName: String
        public var dimensions: [Dimension]
        enum CodingKeys: String, CodingKey {
            case namespace = "Namespace"
            case metricName = "MetricName"
            case dimensions = "Dimensions"
        }
    }

    public struct Dimension: Codable, Sendable, Hashable {
        public var name: String
        public var value: String
        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case value = "Value"
        }
    }
}

/// The values of one query, oldest first.
public struct MetricDataResult: Codable, Sendable, Hashable {
    public var id: String
    public var label: String?
    public var timestamps: [Date]
    public var values: [Double]
    /// Complete, PartialData, InternalError or Forbidden.
    public var statusCode: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case label = "Label"
        case timestamps = "Timestamps"
        case values = "Values"
        case statusCode = "StatusCode"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        timestamps = try c.decodeIfPresent([Date].self, forKey: .timestamps) ?? []
        values = try c.decodeIfPresent([Double].self, forKey: .values) ?? []
        statusCode = try c.decodeIfPresent(String.self, forKey: .statusCode)
    }
}

/// An alarm as DescribeAlarms returns it (metric or composite).
public struct MetricAlarm: Codable, Sendable, Hashable {
    public var alarmName: String
    public var alarmARN: String?
    /// OK, ALARM or INSUFFICIENT_DATA.
    public var stateValue: String?
    public var stateReason: String?
    public var stateUpdatedTimestamp: Date?
    public var metricName: String?
    public var namespace: String?
    public var threshold: Double?
    public var comparisonOperator: String?
    public var actionsEnabled: Bool?
    /// The metric's dimensions (QueueName for an SQS alarm); nil for composite alarms.
    public var dimensions: [MetricStat.Dimension]?

    enum CodingKeys: String, CodingKey {
        case alarmName = "AlarmName"
        case alarmARN = "AlarmArn"
        case stateValue = "StateValue"
        case stateReason = "StateReason"
        case stateUpdatedTimestamp = "StateUpdatedTimestamp"
        case metricName = "MetricName"
        case namespace = "Namespace"
        case threshold = "Threshold"
        case comparisonOperator = "ComparisonOperator"
        case actionsEnabled = "ActionsEnabled"
        case dimensions = "Dimensions"
    }
}
