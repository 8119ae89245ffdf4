import Foundation
import TestSupport
import Testing

@testable import AWS

/// What each client puts on the wire, checked against the fact sheet (protocol, target,
/// content type, signing name, Query list and map shapes).
@Suite("Wire format per service")
struct WireFormatTests {
    /// Answers JSON calls with `{}` and Query calls with an empty result element.
    static func stub() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            if request.headers["x-amz-target"] != nil { return .json("{}") }
            let action = request.bodyText.split(separator: "&").first { $0.hasPrefix("Action=") }?.dropFirst(7) ?? "X"
            return .respond(status: 200, body: "<\(action)Response><\(action)Result></\(action)Result></\(action)Response>")
        }
    }

    static func region(_ request: LoopbackHTTPServer.Request) -> String? {
        // Credential=AKID/20261125/us-east-1/<service>/aws4_request
        request.headers["authorization"]?.split(separator: "/").dropFirst(3).first.map(String.init)
    }

    @Test(
        "JSON services: POST / with X-Amz-Target, the protocol's content type and the signing name",
        arguments: [
            ("SQS", "AmazonSQS.ListQueues", "application/x-amz-json-1.0", "sqs"),
            ("ECS", "AmazonEC2ContainerServiceV20141113.ListClusters", "application/x-amz-json-1.1", "ecs"),
            ("CloudWatch", "GraniteServiceVersion20100801.DescribeAlarms", "application/x-amz-json-1.0", "monitoring"),
            (
                "Application Auto Scaling", "AnyScaleFrontendService.DescribeScalableTargets", "application/x-amz-json-1.1",
                "application-autoscaling"
            ),
        ])
    func jsonServices(_ service: String, _ target: String, _ contentType: String, _ signingName: String) async throws {
        let server = try Self.stub()
        defer { server.stop() }
        let configuration = Emulator.configuration(endpoint: server.baseURL)
        switch service {
        case "SQS": _ = try await SQSClient(configuration: configuration).listQueues()
        case "ECS": _ = try await ECSClient(configuration: configuration).listClusters()
        case "CloudWatch": _ = try await CloudWatchClient(configuration: configuration).describeAlarms()
        default: _ = try await ApplicationAutoScalingClient(configuration: configuration).describeScalableTargets()
        }
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.target == "/")
        #expect(request.headers["x-amz-target"] == target)
        #expect(request.headers["content-type"] == contentType)
        #expect(Self.region(request) == signingName)
        #expect(request.headers["x-amz-date"]?.count == 16)
    }

    @Test("Query services: form body with Action and Version, signed for sns and rds")
    func queryServices() async throws {
        let server = try Self.stub()
        defer { server.stop() }
        let configuration = Emulator.configuration(endpoint: server.baseURL)
        _ = try await SNSClient(configuration: configuration).listTopics()
        _ = try await RDSClient(configuration: configuration).describeDBInstances(engine: "postgres")
        let (sns, rds) = (server.requests[0], server.requests[1])
        #expect(sns.bodyText == "Action=ListTopics&Version=2010-03-31")
        #expect(Self.region(sns) == "sns")
        #expect(sns.headers["content-type"] == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(
            rds.bodyText
                == "Action=DescribeDBInstances&Version=2014-10-31&Filters.Filter.1.Name=engine&Filters.Filter.1.Values.Value.1=postgres&MaxRecords=100"
        )
        #expect(Self.region(rds) == "rds")
    }

    @Test("SNS maps: Publish uses entry.N.Name/Value, Subscribe uses entry.N.key/value; values are RFC 3986 encoded")
    func snsMapShapes() async throws {
        let server = try Self.stub()
        defer { server.stop() }
        let sns = SNSClient(configuration: Emulator.configuration(endpoint: server.baseURL))
        _ = try await sns.publish(topicARN: "arn:aws:sns:us-east-1:1:t", message: "a b+c/~", subject: "DLQ", attributes: ["kind": "dlq"])
        _ = try await sns.subscribe(
            topicARN: "arn:aws:sns:us-east-1:1:t", protocolName: "sqs", endpoint: "arn:aws:sqs:us-east-1:1:q",
            attributes: ["RawMessageDelivery": "true"])
        let publish = server.requests[0].bodyText.split(separator: "&").map(String.init)
        #expect(publish.contains("Message=a%20b%2Bc%2F~"))
        #expect(publish.contains("TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At"))
        #expect(publish.contains("MessageAttributes.entry.1.Name=kind"))
        #expect(publish.contains("MessageAttributes.entry.1.Value.DataType=String"))
        #expect(publish.contains("MessageAttributes.entry.1.Value.StringValue=dlq"))
        let subscribe = server.requests[1].bodyText.split(separator: "&").map(String.init)
        #expect(subscribe.contains("Attributes.entry.1.key=RawMessageDelivery"))
        #expect(subscribe.contains("Attributes.entry.1.value=true"))
    }

    @Test("SQS CreateQueue sends lower-case tags; ReceiveMessage asks for every attribute and bounds its numbers")
    func sqsMemberNames() async throws {
        let server = try LoopbackHTTPServer { _ in .json(#"{"QueueUrl":"http://127.0.0.1/1/q"}"#) }
        defer { server.stop() }
        let sqs = SQSClient(configuration: Emulator.configuration(endpoint: server.baseURL))
        _ = try await sqs.createQueue(name: "q.fifo", attributes: ["FifoQueue": "true"], tags: ["team": "search"])
        _ = try await sqs.receiveMessages(url: "http://127.0.0.1/1/q", maxMessages: 50, wait: .seconds(60))
        let create = try #require(try JSONSerialization.jsonObject(with: Data(server.requests[0].body)) as? [String: Any])
        #expect((create["tags"] as? [String: String]) == ["team": "search"])
        #expect(create["Tags"] == nil)
        let receive = try #require(try JSONSerialization.jsonObject(with: Data(server.requests[1].body)) as? [String: Any])
        #expect(receive["MaxNumberOfMessages"] as? Int == 10)
        #expect(receive["WaitTimeSeconds"] as? Int == 20)
        #expect(receive["MessageSystemAttributeNames"] as? [String] == ["All"])
        #expect(receive["MessageAttributeNames"] as? [String] == ["All"])
    }
}
