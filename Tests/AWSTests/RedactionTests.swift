import Foundation
import HTTP
import Logging
import TestSupport
import Testing

@testable import AWS

@Suite("Secrets stay out of errors and logs")
struct RedactionTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY"
    static let token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN0123456789"
    static let accessKey = "ASIAQEXAMPLEKEY12345"

    static func configuration(_ server: LoopbackHTTPServer, logger: Logger) -> AWSConfiguration {
        AWSConfiguration(
            region: "us-east-1",
            credentials: StaticCredentialProvider(
                AWSCredentials(accessKeyID: accessKey, secretAccessKey: secret, sessionToken: token, source: "ECS container credentials")),
            http: HTTPClient(logger: logger),
            retry: RetryPolicy(sleep: { _ in }),
            endpoints: EndpointResolver(global: server.baseURL),
            logger: logger)
    }

    @Test("a SignatureDoesNotMatch reply that echoes the canonical request leaks no key, token or signature")
    func signatureMismatchIsRedacted() async throws {
        // What AWS sends back: the canonical request it computed, with the token header in it.
        let echoed =
            "The request signature we calculated does not match the signature you provided. The Canonical String for this request should have been 'POST\\n/\\n\\nhost:127.0.0.1\\nx-amz-security-token:\(Self.token)\\n' Authorization: AWS4-HMAC-SHA256 Credential=\(Self.accessKey)/20261125/us-east-1/sqs/aws4_request, Signature=0123abcd secret \(Self.secret)"
        let server = try LoopbackHTTPServer(replies: [
            .respond(
                status: 403, headers: ["x-amzn-RequestId": "req-sig"],
                body: #"{"__type":"com.amazon.coral.service#SignatureDoesNotMatch","message":"\#(echoed)"}"#)
        ])
        defer { server.stop() }
        let logs = LogStore()
        var logger = logs.logger
        logger.logLevel = .trace
        let sqs = SQSClient(configuration: Self.configuration(server, logger: logger))

        let error = try #require(await #expect(throws: AWSError.self) { try await sqs.getQueueURL(name: "jobs.fifo") })
        let texts = [error.summary, error.remedy ?? "", error.description, "\(error)", String(reflecting: error)] + logs.all
        for text in texts {
            #expect(!text.contains(Self.secret), "secret key in: \(text)")
            #expect(!text.contains(Self.token), "session token in: \(text)")
            #expect(!text.contains(Self.accessKey), "access key in: \(text)")
            #expect(!text.contains("Signature=0123abcd"), "signature in: \(text)")
        }
        #expect(error.isAccessDenied)
        #expect(error.summary.contains("SignatureDoesNotMatch"))
        #expect(error.remedy?.contains("system clock") == true)
        #expect(error.remedy?.contains("ECS container credentials") == true)
        #expect(error.serviceError?.requestID == "req-sig")
        // The request itself did carry the token and a signature: they were sent, just not shown.
        #expect(server.requests.first?.headers["x-amz-security-token"] == Self.token)
        #expect(logs.all.contains { $0.contains("AWS call failed") })
    }

    @Test("access denied says which permission and where the credentials came from")
    func accessDeniedRemedy() async throws {
        let server = try LoopbackHTTPServer(replies: [
            .respond(status: 400, body: #"{"__type":"com.amazonaws.sqs#AccessDenied","message":"Access to the resource is denied."}"#)
        ])
        defer { server.stop() }
        let sqs = SQSClient(configuration: Self.configuration(server, logger: Emulator.quiet))
        let error = try #require(
            await #expect(throws: AWSError.self) { try await sqs.purgeQueue(url: "http://127.0.0.1/123456789012/jobs.fifo") })
        #expect(error.isAccessDenied)
        #expect(error.summary == "SQS denied PurgeQueue: AccessDenied (Access to the resource is denied).")
        #expect(error.remedy?.contains("sqs:PurgeQueue") == true)
        #expect(error.remedy?.contains("credentials came from ECS container credentials") == true)
    }

    @Test("credentials print masked")
    func credentialsDescription() {
        let credentials = AWSCredentials(
            accessKeyID: Self.accessKey, secretAccessKey: Self.secret, sessionToken: Self.token, source: "environment")
        for text in ["\(credentials)", String(reflecting: credentials)] {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(Self.token))
            #expect(!text.contains(Self.accessKey))
            #expect(text.contains("2345"))
        }
    }

    @Test(
        "the redactor masks Authorization values, signatures and presigned-URL parameters",
        arguments: [
            ("Authorization: AWS4-HMAC-SHA256 Credential=AKIA1/x, SignedHeaders=host, Signature=abc123", ["AKIA1", "abc123"]),
            (
                "https://q.example/?X-Amz-Credential=AKIA2%2Fx&X-Amz-Signature=def456&X-Amz-Security-Token=tok789",
                ["AKIA2", "def456", "tok789"]
            ),
            ("x-amz-security-token:tok000\nhost:x", ["tok000"]),
        ])
    func redactorPatterns(_ text: String, _ hidden: [String]) {
        let redacted = Redactor.redact(text)
        for secret in hidden { #expect(!redacted.contains(secret), "\(secret) in \(redacted)") }
        #expect(redacted.contains(Redactor.mask))
    }

    @Test("HTTP errors and logs name the host, never the query string")
    func httpErrorsHideQuery() async throws {
        let closed = try LoopbackHTTPServer(replies: [.respond(status: 200)])
        closed.stop()
        let logs = LogStore()
        let client = HTTPClient(logger: logs.logger)
        let url = closed.baseURL + "/path?X-Amz-Signature=deadbeef&X-Amz-Security-Token=tok"
        let error = await #expect(throws: HTTPError.self) { try await client.send(HTTPRequest(url: url)) }
        #expect(error?.description.contains("deadbeef") == false)
        #expect(error?.description.contains("127.0.0.1:\(closed.port)") == true)
        #expect(!logs.all.joined().contains("deadbeef"))
        #expect(HTTPClient.redact(url) == "\(closed.baseURL)/path")
    }
}
