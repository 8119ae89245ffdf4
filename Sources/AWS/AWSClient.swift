// The AWS target: SigV4 signing, the credential chain, region and endpoint resolution,
// standard-mode retries, typed errors, and clients for the services the system uses (SQS,
// SNS, ECS, RDS, CloudWatch, Application Auto Scaling). It talks HTTP only through the HTTP
// target (HTTPTransport) and crypto through CCrypto; it must not import the console, the
// database layer or the CLI.

import Foundation
import HTTP
import Logging
import Synchronization

/// The wire protocol of a service: how a call is encoded and how its errors come back.
public enum AWSProtocol: Sendable, Hashable {
    /// AWS JSON 1.0 or 1.1 with `X-Amz-Target: <targetPrefix>.<Operation>`.
    case json(version: String, targetPrefix: String)
    /// Query: a form POST with `Action` and `Version`, XML replies.
    case query(version: String)
}

/// Signs, sends and retries calls to one AWS service; the typed clients sit on top of it.
///
/// Each attempt resolves credentials (cached by the chain), signs with the current time,
/// sends, and decodes an error reply into ``AWSError``. Retries follow ``RetryPolicy``.
/// Suspends while waiting; it never blocks a thread of the cooperative pool.
public struct AWSClient: Sendable {
    public let service: AWSService
    public let serviceProtocol: AWSProtocol
    public let configuration: AWSConfiguration
    /// Base URL of the service, without a trailing slash.
    public let endpoint: String
    /// The clock used for signatures (tests pin it).
    public var now: @Sendable () -> Date
    /// How far the service's clock is ahead of ours, learnt from clock-skew rejections.
    let clockSkew = ClockSkew()

    public init(
        service: AWSService, protocol serviceProtocol: AWSProtocol, configuration: AWSConfiguration,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.service = service
        self.serviceProtocol = serviceProtocol
        self.configuration = configuration
        self.endpoint = configuration.endpoints.endpoint(for: service, region: configuration.region)
        self.now = now
    }

    var logger: Logger { configuration.logger }

    // MARK: JSON protocol

    /// Calls a JSON-protocol operation with `input` and decodes the reply as `Output`.
    ///
    /// `timeout` bounds each attempt; long polls pass their wait time plus a margin.
    public func json<Input: Encodable, Output: Decodable>(
        _ operation: String, _ input: Input, as output: Output.Type = Output.self, timeout: Duration? = nil
    ) async throws(AWSError) -> Output {
        guard case .json(let version, let prefix) = serviceProtocol else {
            preconditionFailure("\(service.serviceID) does not speak the JSON protocol")
        }
        let body: Data
        do {
            body = try Self.encoder.encode(input)
        } catch {
            throw AWSError.invalidConfiguration("Cannot encode the \(operation) request: \(error).")
        }
        let headers: HTTPHeaders = [
            "Content-Type": "application/x-amz-json-\(version)",
            "X-Amz-Target": "\(prefix).\(operation)",
        ]
        let response = try await send(operation, headers: headers, body: Array(body), timeout: timeout)
        let data = response.body.isEmpty ? Data("{}".utf8) : Data(response.body)
        do {
            return try Self.decoder.decode(Output.self, from: data)
        } catch {
            throw AWSError.invalidResponse(service: service.serviceID, operation: operation, detail: Self.describe(error))
        }
    }

    // MARK: Query protocol

    /// Calls a Query-protocol operation and returns the reply's root XML element.
    public func query(_ action: String, _ parameters: [(String, String)] = [], timeout: Duration? = nil) async throws(AWSError)
        -> XMLElement
    {
        guard case .query(let version) = serviceProtocol else {
            preconditionFailure("\(service.serviceID) does not speak the Query protocol")
        }
        let all = [("Action", action), ("Version", version)] + parameters
        let body = all.map { SigV4Signer.percentEncode($0.0) + "=" + SigV4Signer.percentEncode($0.1) }.joined(separator: "&")
        let headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"]
        let response = try await send(action, headers: headers, body: Array(body.utf8), timeout: timeout)
        do {
            return try XMLReader.parse(response.body)
        } catch {
            throw AWSError.invalidResponse(service: service.serviceID, operation: action, detail: error.description)
        }
    }

    // MARK: Sending

    /// Sends one POST to the service root with retries; returns a 2xx response or throws.
    public func send(_ operation: String, headers: HTTPHeaders, body: [UInt8], timeout: Duration? = nil) async throws(AWSError)
        -> HTTPResponse
    {
        let policy = configuration.retry
        var attempt = 1
        var spent = 0
        while true {
            let credentials = try await resolveCredentials()
            var request = HTTPRequest(method: .post, url: endpoint + "/", headers: headers, body: body, timeout: timeout)
            let signingDate = now().addingTimeInterval(clockSkew.offset)
            SigV4Signer(region: configuration.region, service: service.signingName).sign(
                &request, credentials: credentials, date: signingDate)

            let failure: AWSError
            let kind: RetryPolicy.FailureKind
            var retryAfter: Duration?
            do {
                let response = try await configuration.http.send(request)
                if response.isSuccess {
                    policy.quota.refund(spent > 0 ? spent : 1)
                    logger.debug(
                        "AWS call succeeded",
                        metadata: [
                            LogKey.service: "\(service.serviceID)", LogKey.operation: "\(operation)", LogKey.attempt: "\(attempt)",
                            LogKey.requestID: "\(Self.requestID(response) ?? "-")",
                        ])
                    return response
                }
                let error = decodeError(response, operation: operation, credentials: credentials)
                failure = .service(error)
                if attempt < policy.maxAttempts, clockSkew.learn(from: response, error: error, signedAt: signingDate) {
                    // Our clock is off: sign again with the service's time, at once.
                    logger.warning(
                        "Clock skew corrected",
                        metadata: [LogKey.service: "\(service.serviceID)", LogKey.skewSeconds: "\(Int(clockSkew.offset))"])
                    attempt += 1
                    continue
                }
                kind = RetryPolicy.classify(statusCode: error.statusCode, code: error.code)
                if let header = response.headers["x-amz-retry-after"], let ms = Int(header) { retryAfter = .milliseconds(ms) }
            } catch {
                failure = .transport(service: service.serviceID, operation: operation, endpoint: HTTPClient.redact(endpoint), error: error)
                kind = RetryPolicy.classify(error)
            }

            let cost = kind == .notRetryable || attempt >= policy.maxAttempts ? nil : policy.quota.acquire(for: kind)
            guard let cost else {
                if kind != .notRetryable, attempt < policy.maxAttempts, Self.longPollOperations.contains(operation) {
                    // Out of retry tokens: a long poll still waits its backoff before failing, so a
                    // worker that polls in a loop does not spin against a failing service.
                    try? await policy.sleep(policy.delay(beforeRetry: attempt, kind: kind, retryAfter: retryAfter))
                }
                logger.debug(
                    "AWS call failed",
                    metadata: [
                        LogKey.service: "\(service.serviceID)", LogKey.operation: "\(operation)", LogKey.attempt: "\(attempt)",
                        LogKey.error: "\(failure.summary)",
                    ])
                throw failure
            }
            spent += cost
            let delay = policy.delay(beforeRetry: attempt, kind: kind, retryAfter: retryAfter)
            logger.warning(
                "AWS call will be retried",
                metadata: [
                    LogKey.service: "\(service.serviceID)", LogKey.operation: "\(operation)", LogKey.attempt: "\(attempt)",
                    LogKey.delayMilliseconds: "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)",
                    LogKey.error: "\(failure.summary)",
                ])
            do {
                try await policy.sleep(delay)
            } catch {
                throw failure
            }
            attempt += 1
        }
    }

    /// Operations that wait on the server (SQS long polls); see the retry quota rule above.
    static let longPollOperations: Set<String> = ["ReceiveMessage"]

    private func resolveCredentials() async throws(AWSError) -> AWSCredentials {
        if let chain = configuration.credentials as? CredentialChain { return try await chain.resolve() }
        guard let found = try await configuration.credentials.credentials() else {
            throw AWSError.noCredentials(checked: [configuration.credentials.name])
        }
        return found
    }

    /// Decodes an error reply of either protocol into a ``AWSError/ServiceError``.
    func decodeError(_ response: HTTPResponse, operation: String, credentials: AWSCredentials) -> AWSError.ServiceError {
        var code: String?
        var message: String?
        var requestID = Self.requestID(response)
        let legacy = response.headers["x-amzn-query-error"].flatMap { $0.split(separator: ";").first.map(String.init) }

        if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] {
            code = (object["__type"] as? String) ?? (object["code"] as? String) ?? (object["Code"] as? String)
            message = (object["message"] as? String) ?? (object["Message"] as? String) ?? (object["errorMessage"] as? String)
        } else if let root = try? XMLReader.parse(response.body), let error = root.first(named: "Error") {
            code = error.string("Code")
            message = error.string("Message")
            requestID =
                requestID ?? root.first(named: "RequestId")?.text.trimmingWhitespace()
                ?? root.first(named: "RequestID")?.text.trimmingWhitespace()
        }
        if code == nil || code?.isEmpty == true { code = response.headers["x-amzn-ErrorType"] }
        let cleaned = code.map(Self.cleanCode) ?? (legacy ?? "HTTP\(response.status)")
        return AWSError.ServiceError(
            service: service.serviceID, operation: operation, statusCode: response.status, code: cleaned,
            legacyCode: legacy == cleaned ? nil : legacy,
            message: Redactor.redact(message ?? "", secrets: credentials.secrets + [credentials.accessKeyID]),
            requestID: requestID, credentialSource: credentials.source)
    }

    /// `aws.protocoltests#Code:http://…` → `Code`: drop anything after `:`, keep the part after `#`.
    static func cleanCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return String(code).trimmingWhitespace()
    }

    static func requestID(_ response: HTTPResponse) -> String? {
        response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"] ?? response.headers["x-amzn-requestid"]
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(key.stringValue) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default:
            return "\(error)"
        }
    }
}

/// The difference between the service's clock and ours.
///
/// Why: a request signed more than ~5 minutes off the service's time is rejected (a
/// container on a host with a drifting clock, a laptop after sleep). Like the SDKs, the
/// client reads the reply's `Date` header on a clock-skew error, remembers the offset and
/// signs again; later requests of the same client use it from the start.
final class ClockSkew: Sendable {
    private let seconds = Mutex<TimeInterval>(0)

    static let codes: Set<String> = [
        "RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure", "RequestInTheFuture",
    ]

    var offset: TimeInterval { seconds.withLock { $0 } }

    /// Records the skew when `error` is a clock-skew rejection and the reply's `Date` is more
    /// than 4 minutes from the time the request was signed; true when the request should be
    /// signed again.
    func learn(from response: HTTPResponse, error: AWSError.ServiceError, signedAt: Date) -> Bool {
        guard Self.codes.contains(error.code), let header = response.headers["Date"], let serverDate = Self.parseHTTPDate(header) else {
            return false
        }
        let skew = serverDate.timeIntervalSince(signedAt)
        guard abs(skew) > 240 else { return false }
        seconds.withLock { $0 += skew }
        return true
    }

    /// RFC 7231 dates (`Wed, 25 Nov 2026 08:23:17 GMT`).
    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

/// An empty JSON object, for operations without input or with an ignored reply.
public struct EmptyShape: Codable, Sendable, Hashable {
    public init() {}
}
