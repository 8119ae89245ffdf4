import AWSOperations
import Foundation
import HTTP
import Operations
import Synchronization
import TestSupport
import Testing

@testable import AWS

/// Answers SNS's ListSubscriptionsByTopic with canned pages in the shape real SNS sends
/// (the emulator confirms every subscription at once, so it never says
/// "PendingConfirmation"), CloudWatch's DescribeAlarms with no alarms, and anything else
/// with an error. Records the actions asked for, with their NextToken.
final class CannedSNSTransport: HTTPTransport, Sendable {
    /// The `<member>` elements of each page, in order; every page but the last names the next.
    let pages: [[String]]
    let topicARN: String
    private let asked = Mutex<[String]>([])

    init(topicARN: String, pages: [[String]]) {
        self.topicARN = topicARN
        self.pages = pages
    }

    /// "ListSubscriptionsByTopic", "ListSubscriptionsByTopic page-1", "DescribeAlarms", …
    var requests: [String] { asked.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        if let target = request.headers["X-Amz-Target"], target.hasSuffix(".DescribeAlarms") {
            asked.withLock { $0.append("DescribeAlarms") }
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/x-amz-json-1.0"], body: Array("{}".utf8))
        }
        let form = Dictionary(
            String(decoding: request.body, as: UTF8.self).split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { first, _ in first })
        let action = form["Action"] ?? "?"
        let token = form["NextToken"]
        asked.withLock { $0.append(([action] + (token.map { [$0] } ?? [])).joined(separator: " ")) }
        guard action == "ListSubscriptionsByTopic", form["TopicArn"] == topicARN else {
            let error = """
                <ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>\
                <Message>not canned: \(action)</Message></Error><RequestId>canned</RequestId></ErrorResponse>
                """
            return HTTPResponse(status: 400, headers: ["Content-Type": "text/xml"], body: Array(error.utf8))
        }
        let index = token.flatMap { Int($0.dropFirst("page-".count)) } ?? 0
        let next = index + 1 < pages.count ? "<NextToken>page-\(index + 1)</NextToken>" : ""
        let xml = """
            <ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <ListSubscriptionsByTopicResult>
                <Subscriptions>\(pages[index].joined())</Subscriptions>
                \(next)
              </ListSubscriptionsByTopicResult>
              <ResponseMetadata><RequestId>canned-\(index)</RequestId></ResponseMetadata>
            </ListSubscriptionsByTopicResponse>
            """
        return HTTPResponse(status: 200, headers: ["Content-Type": "text/xml"], body: Array(xml.utf8))
    }

    /// One `<member>` of ListSubscriptionsByTopic, as SNS writes it.
    static func member(topic: String, arn: String, protocolName: String, endpoint: String) -> String {
        """
        <member><TopicArn>\(topic)</TopicArn><Protocol>\(protocolName)</Protocol>\
        <SubscriptionArn>\(arn)</SubscriptionArn><Owner>123456789012</Owner><Endpoint>\(endpoint)</Endpoint></member>
        """
    }
}

/// The AWS path of the alerts seam for a subscription that waits for its endpoint to
/// confirm: SNS lists it with `SubscriptionArn` "PendingConfirmation" (no ARN yet), and the
/// seam reports it as pending, on any page, and refuses to unsubscribe it without asking SNS.
@Suite("a pending SNS subscription through the SNS client and the alerts seam")
struct SNSPendingSubscriptionTests {
    static let topic = "arn:aws:sns:us-east-1:123456789012:refarch-dead-letters"
    static let confirmedARN = topic + ":2bcfbf39-05c3-41de-beaa-fcfcc21c8f55"

    /// Page 1: a confirmed https endpoint and a pending e-mail; page 2: a pending https
    /// endpoint subscribed with credentials in its URL.
    static func transport() -> CannedSNSTransport {
        CannedSNSTransport(
            topicARN: topic,
            pages: [
                [
                    CannedSNSTransport.member(
                        topic: topic, arn: confirmedARN, protocolName: "https", endpoint: "https://hooks.example.com/ops"),
                    CannedSNSTransport.member(topic: topic, arn: "PendingConfirmation", protocolName: "email", endpoint: "ops@example.com"),
                ],
                [
                    CannedSNSTransport.member(
                        topic: topic, arn: "PendingConfirmation", protocolName: "https",
                        endpoint: "https://hook:s3cret@hooks.example.com/pager")
                ],
            ])
    }

    static func alerts(_ transport: CannedSNSTransport) -> SNSAlertOperations {
        SNSAlertOperations(
            configuration: AWSEmulator.configuration(endpoint: "http://127.0.0.1:9", http: transport), topicARN: topic,
            jobsQueueURL: nil, deadLetterQueueURL: nil)
    }

    @Test("ListSubscriptionsByTopic's PendingConfirmation reaches the alerts overview as pending, on every page")
    func pendingSubscriptionsAreReportedAsPending() async throws {
        let transport = Self.transport()
        let overview = try await Self.alerts(transport).alertOverview()
        #expect(overview.subscriptionsError == nil)
        let byEndpoint = Dictionary(uniqueKeysWithValues: overview.subscriptions.map { ($0.endpoint, $0) })
        #expect(byEndpoint.keys.sorted() == ["https://hooks.example.com/ops", "https://hooks.example.com/pager", "ops@example.com"])

        let email = try #require(byEndpoint["ops@example.com"])
        #expect(email.isPendingConfirmation && email.subscriptionARN == nil && email.protocolName == "email")
        let pager = try #require(byEndpoint["https://hooks.example.com/pager"], "the credentials are stripped from the endpoint")
        #expect(pager.isPendingConfirmation && pager.subscriptionARN == nil, "page 2's pending subscription: \(pager)")
        let confirmed = try #require(byEndpoint["https://hooks.example.com/ops"])
        #expect(!confirmed.isPendingConfirmation && confirmed.subscriptionARN == Self.confirmedARN)

        #expect(transport.requests.filter { $0.hasPrefix("ListSubscriptionsByTopic") }.count == 2)
        #expect(transport.requests.contains("ListSubscriptionsByTopic page-1"), "the second page was asked for: \(transport.requests)")
    }

    @Test("unsubscribing a pending subscription by its endpoint is refused as pending, and SNS is never asked to unsubscribe")
    func unsubscribingAPendingSubscriptionIsRefused() async throws {
        let transport = Self.transport()
        let error = await #expect(throws: AlertOperationError.self) {
            _ = try await Self.alerts(transport).unsubscribeFromAlerts(subscriptionARN: "ops@example.com")
        }
        guard case .pendingSubscription(let endpoint)? = error else {
            Issue.record("expected a pending-subscription refusal, got \(String(describing: error))")
            return
        }
        #expect(endpoint == "ops@example.com")
        #expect(!transport.requests.contains { $0.hasPrefix("Unsubscribe") }, "\(transport.requests)")
    }
}
