/// Amazon SNS over the Query protocol: the dead-letter alert topic.
public struct SNSClient: Sendable {
    public let client: AWSClient

    public init(configuration: AWSConfiguration) {
        client = AWSClient(service: .sns, protocol: .query(version: "2010-03-31"), configuration: configuration)
    }

    public init(client: AWSClient) { self.client = client }

    /// Topic ARNs; follows `NextToken`.
    public func listTopics() async throws(AWSError) -> [String] {
        var arns: [String] = []
        var token: String?
        repeat {
            let root = try await client.query("ListTopics", token.map { [("NextToken", $0)] } ?? [])
            let result = root.first(named: "ListTopicsResult")
            arns += result?.members("Topics").compactMap { $0.string("TopicArn") } ?? []
            token = result?.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return arns
    }

    /// Subscriptions of one topic; follows `NextToken`.
    public func listSubscriptions(topicARN: String) async throws(AWSError) -> [SNSSubscription] {
        var subscriptions: [SNSSubscription] = []
        var token: String?
        repeat {
            var parameters = [("TopicArn", topicARN)]
            if let token { parameters.append(("NextToken", token)) }
            let root = try await client.query("ListSubscriptionsByTopic", parameters)
            let result = root.first(named: "ListSubscriptionsByTopicResult")
            subscriptions +=
                result?.members("Subscriptions").map {
                    SNSSubscription(
                        subscriptionARN: $0.string("SubscriptionArn") ?? "", topicARN: $0.string("TopicArn") ?? topicARN,
                        protocolName: $0.string("Protocol") ?? "", endpoint: $0.string("Endpoint") ?? "", owner: $0.string("Owner"))
                } ?? []
            token = result?.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return subscriptions
    }

    /// Subscribes an endpoint (`sqs` + queue ARN, `https` + URL, `email` + address…).
    /// `attributes` use the `Attributes.entry.N.key/value` shape on the wire.
    public func subscribe(topicARN: String, protocolName: String, endpoint: String, attributes: [String: String] = [:])
        async throws(AWSError) -> String
    {
        var parameters = [("TopicArn", topicARN), ("Protocol", protocolName), ("Endpoint", endpoint), ("ReturnSubscriptionArn", "true")]
        for (index, key) in attributes.keys.sorted().enumerated() {
            parameters.append(("Attributes.entry.\(index + 1).key", key))
            parameters.append(("Attributes.entry.\(index + 1).value", attributes[key]!))
        }
        let root = try await client.query("Subscribe", parameters)
        return root.first(named: "SubscriptionArn")?.text.trimmingWhitespace() ?? ""
    }

    /// Removes a subscription by its ARN (confirmed ones only: a pending one has no ARN yet).
    public func unsubscribe(subscriptionARN: String) async throws(AWSError) {
        _ = try await client.query("Unsubscribe", [("SubscriptionArn", subscriptionARN)])
    }

    /// Publishes one message; returns its message id. Topics take 256 KiB unless raised.
    /// `attributes` use `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue`.
    public func publish(
        topicARN: String, message: String, subject: String? = nil, attributes: [String: String] = [:],
        messageGroupID: String? = nil, deduplicationID: String? = nil
    ) async throws(AWSError) -> String {
        var parameters = [("TopicArn", topicARN), ("Message", message)]
        if let subject { parameters.append(("Subject", subject)) }
        for (index, name) in attributes.keys.sorted().enumerated() {
            parameters.append(("MessageAttributes.entry.\(index + 1).Name", name))
            parameters.append(("MessageAttributes.entry.\(index + 1).Value.DataType", "String"))
            parameters.append(("MessageAttributes.entry.\(index + 1).Value.StringValue", attributes[name]!))
        }
        if let messageGroupID { parameters.append(("MessageGroupId", messageGroupID)) }
        if let deduplicationID { parameters.append(("MessageDeduplicationId", deduplicationID)) }
        let root = try await client.query("Publish", parameters)
        return root.first(named: "MessageId")?.text.trimmingWhitespace() ?? ""
    }
}

/// One subscription of a topic.
public struct SNSSubscription: Codable, Sendable, Hashable {
    public var subscriptionARN: String
    public var topicARN: String
    public var protocolName: String
    public var endpoint: String
    public var owner: String?
}
