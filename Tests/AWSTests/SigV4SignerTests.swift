import Foundation
import HTTP
import TestSupport
import Testing

@testable import AWS

/// One case of `shared/fixtures/sigv4/vectors.jsonl` (botocore's output).
struct SigV4Vector: Decodable, Sendable, CustomTestStringConvertible {
    var id: String
    var description: String
    var method: String
    var url: String
    var headers: [String: String]
    var body: String
    var access_key: String
    var secret_key: String
    var session_token: String?
    var region: String
    var service: String
    var amz_date: String
    var canonical_request: String
    var string_to_sign: String
    var signature: String
    var authorization: String

    var testDescription: String { id }
}

enum SigV4Fixture {
    static let url = Fixtures.path("fixtures/sigv4/vectors.jsonl", overriddenBy: "SIGV4_VECTORS")
    static let vectors: [SigV4Vector] = (try? Fixtures.jsonLines(SigV4Vector.self, at: url)) ?? []
}

@Suite("SigV4 signer")
struct SigV4SignerTests {
    /// The signing test runs once per vector, so this one checks that the file (SIGV4_VECTORS
    /// may name another, of any size) has cases and that every line of it decodes into one.
    @Test("the SigV4 vector file is there, every line is a case, and there is at least one")
    func vectorFileLoads() throws {
        let vectors = try Fixtures.jsonLines(SigV4Vector.self, at: SigV4Fixture.url)
        #expect(!vectors.isEmpty, "no vectors in \(SigV4Fixture.url.path)")
        #expect(SigV4Fixture.vectors.count == vectors.count, "the signing test runs for every vector")
    }

    @Test("SigV4 signer reproduces botocore's canonical request, string to sign and signature", arguments: SigV4Fixture.vectors)
    func sigV4MatchesBotocore(_ vector: SigV4Vector) throws {
        var request = HTTPRequest(
            method: HTTPMethod(rawValue: vector.method), url: vector.url,
            headers: HTTPHeaders(vector.headers.map { ($0.key, $0.value) }), body: Array(vector.body.utf8))
        let credentials = AWSCredentials(
            accessKeyID: vector.access_key, secretAccessKey: vector.secret_key, sessionToken: vector.session_token, source: "test")
        let date = try #require(SigV4Signer.date(fromAmzDate: vector.amz_date))
        let signer = SigV4Signer(region: vector.region, service: vector.service)
        let result = signer.sign(&request, credentials: credentials, date: date)

        #expect(result.canonicalRequest == vector.canonical_request)
        #expect(result.stringToSign == vector.string_to_sign)
        #expect(result.signature == vector.signature)
        #expect(result.authorization == vector.authorization)
        #expect(request.headers["Authorization"] == vector.authorization)
        #expect(request.headers["X-Amz-Date"] == vector.amz_date)
        #expect(request.headers["X-Amz-Security-Token"] == vector.session_token)
    }

    @Test("signing twice replaces the earlier Authorization, date and token instead of adding more")
    func resigningReplacesHeaders() throws {
        var request = HTTPRequest(
            method: .post, url: "https://sqs.us-east-1.amazonaws.com/", headers: ["Content-Type": "application/x-amz-json-1.0"],
            body: Array("{}".utf8))
        let signer = SigV4Signer(region: "us-east-1", service: "sqs")
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token", source: "test")
        signer.sign(&request, credentials: credentials, date: Date(timeIntervalSince1970: 1_764_000_000))
        let second = signer.sign(&request, credentials: credentials, date: Date(timeIntervalSince1970: 1_764_000_100))
        #expect(request.headers.values(for: "Authorization") == [second.authorization])
        #expect(request.headers.values(for: "X-Amz-Date").count == 1)
        #expect(request.headers.values(for: "X-Amz-Security-Token") == ["token"])
    }
}
