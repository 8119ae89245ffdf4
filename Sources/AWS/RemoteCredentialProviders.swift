import Foundation
import HTTP

/// The reply shape shared by the container endpoint and instance metadata.
struct RemoteCredentialsReply: Decodable {
    var AccessKeyId: String?
    var SecretAccessKey: String?
    var Token: String?
    var Expiration: String?
    var Code: String?
    var Message: String?
    var code: String?
    var message: String?

    func credentials(source: String) throws(AWSError) -> AWSCredentials {
        guard let key = AccessKeyId, let secret = SecretAccessKey, !key.isEmpty, !secret.isEmpty else {
            let reason = [code ?? Code, message ?? Message].compactMap { $0 }.joined(separator: ": ")
            throw AWSError.credentialsUnavailable(
                source: source, reason: reason.isEmpty ? "the reply had no AccessKeyId/SecretAccessKey" : reason)
        }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: Token,
            expiration: Expiration.flatMap(ISO8601.parse), source: source)
    }
}

/// ECS container credentials (the task role): how the workers get credentials on Fargate.
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is fetched from `http://169.254.170.2`; else
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which must be https or point at loopback,
/// 169.254.170.2, 169.254.170.23 or fd00:ec2::23 (so a stray variable cannot send the token
/// elsewhere in clear text). Host names other than `localhost` are not resolved here: use the
/// address. The `Authorization` header comes from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
/// (read on every fetch, since the agent rotates it) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
public struct ContainerCredentialProvider: AWSCredentialProvider {
    public let name = "ECS container credentials"
    let environment: [String: String]
    let http: any HTTPTransport
    let relativeBase: String
    let timeout: Duration

    public init(
        environment: [String: String], http: any HTTPTransport, relativeBase: String = "http://169.254.170.2",
        timeout: Duration = .seconds(2)
    ) {
        self.environment = environment
        self.http = http
        self.relativeBase = relativeBase
        self.timeout = timeout
    }

    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost", "[::1]"]

    /// The URL to fetch, or nil when neither variable is set. Throws on a disallowed host.
    func endpoint() throws(AWSError) -> String? {
        if let relative = environment.nonEmpty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return relativeBase + (relative.hasPrefix("/") ? relative : "/" + relative)
        }
        guard let full = environment.nonEmpty("AWS_CONTAINER_CREDENTIALS_FULL_URI") else { return nil }
        guard let parts = URLComponentsLite(full) else {
            throw AWSError.credentialsUnavailable(source: name, reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL")
        }
        if parts.scheme == "https" { return full }
        let host = parts.host.lowercased()
        guard parts.scheme == "http", host.hasPrefix("127.") || Self.allowedHTTPHosts.contains(host) else {
            throw AWSError.credentialsUnavailable(
                source: name,
                reason:
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https or a loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23 address (got \(parts.scheme)://\(parts.hostAndPort))"
            )
        }
        return full
    }

    func authorizationToken() throws(AWSError) -> String? {
        var token: String?
        if let file = environment.nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            do {
                token = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw AWSError.credentialsUnavailable(source: name, reason: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")
            }
        } else {
            token = environment.nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        }
        if let token, token.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            throw AWSError.credentialsUnavailable(source: name, reason: "the authorization token contains a line break")
        }
        return token
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        guard let url = try endpoint() else { return nil }
        var request = HTTPRequest(
            method: .get, url: url, headers: ["Accept": "application/json"], timeout: timeout, connectTimeout: .seconds(1))
        if let token = try authorizationToken() { request.headers.add(name: "Authorization", value: token) }
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw AWSError.credentialsUnavailable(source: name, reason: error.description)
        }
        let reply = try? JSONDecoder().decode(RemoteCredentialsReply.self, from: Data(response.body))
        guard response.isSuccess, let reply else {
            let detail = [reply?.code ?? reply?.Code, reply?.message ?? reply?.Message].compactMap { $0 }.joined(separator: ": ")
            throw AWSError.credentialsUnavailable(
                source: name, reason: "the endpoint answered HTTP \(response.status)\(detail.isEmpty ? "" : " (\(detail))")")
        }
        return try reply.credentials(source: name)
    }
}

/// EC2 instance metadata (IMDSv2): the instance profile's role credentials.
///
/// Token first (`PUT /latest/api/token`); a refused or timed-out PUT means "not on EC2" and
/// the chain moves on; 403/404/405 mean "no token", so IMDSv1 is tried unless
/// `AWS_EC2_METADATA_V1_DISABLED=true`; 400 is an error. A 401 on a GET means the token
/// expired: one new token is fetched. Every call uses ~1 s timeouts, because off EC2 the
/// address does not answer and the chain must not hang. `AWS_EC2_METADATA_SERVICE_ENDPOINT`
/// moves the endpoint (tests use loopback).
public struct InstanceMetadataCredentialProvider: AWSCredentialProvider {
    public let name = "EC2 instance metadata"
    let http: any HTTPTransport
    let endpoint: String
    let allowV1: Bool
    let timeout: Duration

    public init(environment: [String: String], http: any HTTPTransport, timeout: Duration = .seconds(1)) {
        self.http = http
        var endpoint = environment.nonEmpty("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? "http://169.254.169.254"
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        self.allowV1 = environment["AWS_EC2_METADATA_V1_DISABLED"]?.lowercased() != "true"
        self.timeout = timeout
    }

    private enum TokenOutcome {
        case token(String)
        case noToken, unreachable
    }

    private func fetchToken() async throws(AWSError) -> TokenOutcome {
        let request = HTTPRequest(
            method: .put, url: endpoint + "/latest/api/token",
            headers: ["X-aws-ec2-metadata-token-ttl-seconds": "21600"],
            timeout: timeout, connectTimeout: timeout)
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            return .unreachable
        }
        switch response.status {
        case 200: return .token(response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines))
        case 403, 404, 405: return .noToken
        case 400: throw AWSError.credentialsUnavailable(source: name, reason: "the metadata token request was rejected (HTTP 400)")
        default: return .unreachable
        }
    }

    private func get(_ path: String, token: String?) async throws(AWSError) -> HTTPResponse? {
        var request = HTTPRequest(method: .get, url: endpoint + path, timeout: timeout, connectTimeout: timeout)
        if let token { request.headers.add(name: "X-aws-ec2-metadata-token", value: token) }
        do {
            return try await http.send(request)
        } catch {
            return nil
        }
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        var token: String?
        switch try await fetchToken() {
        case .unreachable: return nil
        case .noToken:
            guard allowV1 else { return nil }
        case .token(let value): token = value
        }
        let rolePath = "/latest/meta-data/iam/security-credentials/"
        guard var roleResponse = try await get(rolePath, token: token) else { return nil }
        if roleResponse.status == 401 {
            guard case .token(let fresh) = try await fetchToken() else { return nil }
            token = fresh
            guard let again = try await get(rolePath, token: token) else { return nil }
            roleResponse = again
        }
        guard roleResponse.isSuccess else { return nil }  // no instance profile
        guard let role = roleResponse.bodyText.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else { return nil }
        guard let credentialResponse = try await get(rolePath + role, token: token), credentialResponse.isSuccess else {
            throw AWSError.credentialsUnavailable(source: name, reason: "could not read the credentials of role \(role)")
        }
        guard let reply = try? JSONDecoder().decode(RemoteCredentialsReply.self, from: Data(credentialResponse.body)) else {
            throw AWSError.credentialsUnavailable(source: name, reason: "the credentials reply was not JSON")
        }
        if let code = reply.Code, code != "Success" {
            throw AWSError.credentialsUnavailable(source: name, reason: "instance metadata answered \(code)")
        }
        return try reply.credentials(source: name)
    }
}

/// A web identity token exchanged for role credentials (`AssumeRoleWithWebIdentity`).
///
/// Used when `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` are set (EKS service accounts,
/// CI OIDC). The STS call is not signed: the token is the proof. The file is read on every
/// fetch because the platform rotates it.
public struct WebIdentityCredentialProvider: AWSCredentialProvider {
    public let name = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)"
    let environment: [String: String]
    let http: any HTTPTransport
    let stsEndpoint: String

    public init(environment: [String: String], http: any HTTPTransport, stsEndpoint: String) {
        self.environment = environment
        self.http = http
        var endpoint = stsEndpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.stsEndpoint = endpoint
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        guard let tokenFile = environment.nonEmpty("AWS_WEB_IDENTITY_TOKEN_FILE"), let roleARN = environment.nonEmpty("AWS_ROLE_ARN") else {
            return nil
        }
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw AWSError.credentialsUnavailable(source: name, reason: "cannot read \(tokenFile)")
        }
        let session = environment.nonEmpty("AWS_ROLE_SESSION_NAME") ?? "refarch-tui-\(Int(Date().timeIntervalSince1970))"
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
            ("RoleSessionName", session), ("WebIdentityToken", token),
        ].map { SigV4Signer.percentEncode($0.0) + "=" + SigV4Signer.percentEncode($0.1) }.joined(separator: "&")
        let request = HTTPRequest(
            method: .post, url: stsEndpoint + "/", headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
            body: Array(form.utf8), timeout: .seconds(10), connectTimeout: .seconds(3))
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw AWSError.credentialsUnavailable(source: name, reason: "STS: \(error.description)")
        }
        let root = try? XMLReader.parse(response.body)
        guard response.isSuccess, let credentials = root?.first(named: "Credentials") else {
            let error = root?.first(named: "Error")
            let detail = [error?.string("Code"), error?.string("Message")].compactMap { $0 }.joined(separator: ": ")
            throw AWSError.credentialsUnavailable(
                source: name,
                reason: Redactor.redact(
                    "STS answered HTTP \(response.status)\(detail.isEmpty ? "" : " (\(detail))") for \(roleARN)", secrets: [token]))
        }
        guard let key = credentials.string("AccessKeyId"), let secret = credentials.string("SecretAccessKey") else {
            throw AWSError.credentialsUnavailable(source: name, reason: "the STS reply had no AccessKeyId/SecretAccessKey")
        }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: credentials.string("SessionToken"),
            expiration: credentials.string("Expiration").flatMap(ISO8601.parse), source: name)
    }
}

/// ISO-8601 timestamps as AWS writes them (with or without fractional seconds).
enum ISO8601 {
    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
