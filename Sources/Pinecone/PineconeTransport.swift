import Catalog
import Foundation
import HTTP
import Logging

/// Sends one Pinecone call: sets the auth and version headers, paces it with the
/// configuration's ``AdaptiveRateLimiter``, retries by ``PineconeRetryPolicy``, and turns a
/// failure into a ``PineconeError``.
///
/// A 429 is back-pressure: it halves the limiter's rate and the retry waits for its next
/// (now later) slot, or for `Retry-After` when that is longer, instead of the exponential
/// backoff 5xx replies get: the limiter's decreases are the backoff, and they stay in force
/// for the requests that follow (Pinecone's Python client shrinks its concurrency the same way).
///
/// Shared by the control and the data plane. The API key goes into the `Api-Key` header and
/// nowhere else: log lines name the operation, host and status, never headers or bodies.
struct PineconeTransport: Sendable {
    let configuration: PineconeConfiguration

    var logger: Logger { configuration.logger }

    /// Sends `method path?query` to `baseURL` and returns the reply when its status is 2xx or
    /// in `accepting`; throws otherwise, after retrying what may succeed on another attempt.
    ///
    /// - Parameters:
    ///   - operation: what we are doing, in words that complete "while trying to …".
    ///   - index: the index the call concerns, for the 404 message.
    func send(
        _ method: HTTPMethod, baseURL: String, path: String, query: String? = nil, body: [UInt8]? = nil,
        operation: String, index: String?, accepting: Set<Int> = []
    ) async throws(PineconeError) -> HTTPResponse {
        var headers: HTTPHeaders = [
            "Api-Key": configuration.apiKey.secret,
            "X-Pinecone-Api-Version": PineconeConfiguration.apiVersion,
            "Accept": "application/json",
        ]
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        let url = baseURL + path + (query.map { $0.isEmpty ? "" : "?" + $0 } ?? "")
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body ?? [])
        let policy = configuration.retry
        let host = URLComponentsLite(baseURL)?.hostAndPort ?? baseURL
        let limiter = configuration.rateLimiter
        var attempt = 1
        while true {
            let failure: PineconeError
            var retryAfter: Duration?
            var throttled = false
            // Cancellation while waiting for a slot: send at once and let the transfer see it.
            try? await limiter.acquire()
            do {
                let response = try await configuration.http.send(request)
                if response.status == 429 {
                    throttled = true
                    limiter.recordThrottle()
                } else if response.status < 500 {
                    limiter.recordSuccess()
                }
                if response.isSuccess || accepting.contains(response.status) {
                    logger.debug(
                        "Pinecone call succeeded",
                        metadata: [
                            LogKey.operation: "\(operation)", LogKey.host: "\(host)", LogKey.status: "\(response.status)",
                            LogKey.attempt: "\(attempt)",
                        ])
                    return response
                }
                failure = PineconeError.from(
                    response: response, operation: operation, index: index, redacting: configuration.apiKey.secret)
                if PineconeRetryPolicy.isRetryable(status: response.status) {
                    retryAfter = PineconeRetryPolicy.retryAfter(response.headers["Retry-After"])
                }
            } catch {
                failure = .transport(operation: operation, error: error)
            }
            guard failure.isRetryable, attempt < policy.maxAttempts else {
                logger.debug(
                    "Pinecone call failed",
                    metadata: [
                        LogKey.operation: "\(operation)", LogKey.host: "\(host)", LogKey.attempt: "\(attempt)",
                        LogKey.error: "\(failure.summary)",
                    ])
                throw failure
            }
            let delay =
                throttled
                ? min(retryAfter ?? .zero, policy.maxRetryAfter) : policy.delay(beforeRetry: attempt, retryAfter: retryAfter)
            logger.warning(
                "Pinecone call will be retried",
                metadata: [
                    LogKey.operation: "\(operation)", LogKey.host: "\(host)", LogKey.attempt: "\(attempt)",
                    LogKey.delayMilliseconds: "\(delay.milliseconds)", LogKey.error: "\(failure.summary)",
                ])
            do {
                if delay > .zero { try await policy.sleep(delay) }
            } catch {
                throw failure
            }
            attempt += 1
        }
    }

    /// Decodes a reply body, naming the operation when it does not fit.
    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, operation: String) throws(PineconeError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body.isEmpty ? Array("{}".utf8) : response.body))
        } catch {
            throw PineconeError.invalidResponse(operation: operation, detail: Self.describe(error))
        }
    }

    /// Encodes a request body.
    func encode<T: Encodable>(_ value: T, operation: String) throws(PineconeError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(value))
        } catch {
            throw PineconeError.invalidRecord(id: "-", reason: "cannot encode the \(operation) request (\(error))")
        }
    }

    /// A decoding error in one line, with the path to the field.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "unexpected value at \(path(context.codingPath)): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return "not JSON (\(context.debugDescription))"
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (so `#` becomes `%23`).
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

/// Metadata keys of the Pinecone layer's log lines, spelled once.
enum LogKey {
    static let attempt = "attempt"
    static let batchSize = "batch_size"
    static let delayMilliseconds = "delay_ms"
    static let error = "error"
    static let host = "host"
    static let index = "index"
    static let operation = "operation"
    static let requests = "requests"
    static let status = "status"
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
