import Catalog
import Foundation
import HTTP
import UserFacing

/// Why a Pinecone call failed, with what we were doing and what to do next.
///
/// Messages from Pinecone are kept (they name the limit or the bad field) but any
/// occurrence of the API key is cut out before the error is built, so neither the error nor
/// a log line made from it can carry the key.
public enum PineconeError: UserFacingError, ThrottlingIndication, Equatable, Sendable {
    /// 401: the key was refused.
    case unauthorized(operation: String)
    /// 404 from the control plane, or from the data plane after describing the index again.
    case indexNotFound(index: String?, operation: String)
    /// 404 whose message names the namespace: the index is there, the namespace is not (yet).
    /// Reads treat it as empty; nothing is retried.
    case namespaceNotFound(namespace: String?, operation: String)
    /// 400 whose message is about the vector dimension.
    case dimensionMismatch(expected: Int?, found: Int?, message: String)
    /// 402, 403, or 429 after every retry: billing, plan quota or rate limit.
    case quotaExceeded(status: Int, operation: String, message: String)
    /// Any other 4xx (bad filter, oversized record, invalid name, …).
    case rejected(status: Int, operation: String, message: String)
    /// 5xx (or 408) after every retry.
    case unavailable(status: Int, operation: String, message: String)
    /// No reply came back after every retry.
    case transport(operation: String, error: HTTPError)
    /// A reply that is not what the API documents.
    case invalidResponse(operation: String, detail: String)
    /// `http://` to a host that is not loopback.
    case insecureHost(String)
    /// A host setting that is not a host.
    case invalidHost(String)
    /// The data plane was used without `PINECONE_INDEX`.
    case missingIndexName
    /// A record that cannot be sent (too large alone, non-finite values, bad id).
    case invalidRecord(id: String, reason: String)
    /// An index of that name exists with another dimension or metric.
    case indexShapeMismatch(index: String, expected: String, found: String)
    /// The index did not become ready in time.
    case indexNotReady(index: String, state: String)

    public var summary: String {
        switch self {
        case .unauthorized(let operation):
            return "Pinecone refused the API key (401) while trying to \(operation)."
        case .indexNotFound(let index, let operation):
            let name = index.map { " \"\($0)\"" } ?? ""
            return "Pinecone index\(name) not found (404) while trying to \(operation)."

        case .namespaceNotFound(let namespace, let operation):
            let name = namespace.map { " \"\($0)\"" } ?? ""
            return "Pinecone namespace\(name) not found (404) while trying to \(operation)."
        case .dimensionMismatch(let expected, let found, let message):
            if let expected, let found {
                return "Vector dimension mismatch: the Pinecone index holds \(expected)-dimensional vectors, this one has \(found)."
            }
            return "Vector dimension mismatch: \(message)"
        case .quotaExceeded(let status, let operation, let message):
            let what = status == 402 ? "a billing problem" : status == 429 ? "a rate limit or monthly quota" : "a quota or permission limit"
            return "Pinecone refused to \(operation) because of \(what) (\(status)): \(message)"
        case .rejected(let status, let operation, let message):
            return "Pinecone rejected the request to \(operation) (\(status)): \(message)"
        case .unavailable(let status, let operation, let message):
            return "Pinecone failed to \(operation) (\(status)) on every attempt: \(message)"
        case .transport(let operation, let error):
            return "Cannot reach Pinecone to \(operation): \(error)"
        case .invalidResponse(let operation, let detail):
            return "Pinecone's reply to \(operation) was not understood: \(detail)"
        case .insecureHost(let host):
            return "Refusing plain http to \(host): the API key would travel unencrypted."
        case .invalidHost(let host):
            return "\"\(host)\" is not a Pinecone host."
        case .missingIndexName:
            return "No Pinecone index is configured."
        case .invalidRecord(let id, let reason):
            return "Vector \(id.prefix(60)) cannot be sent to Pinecone: \(reason)"
        case .indexNotReady(let index, let state):
            return "Pinecone index \"\(index)\" is not ready (state \(state))."
        case .indexShapeMismatch(let index, let expected, let found):
            return "Pinecone index \"\(index)\" already exists with \(found), not \(expected)."
        }
    }

    public var remedy: String? {
        switch self {
        case .unauthorized:
            return "Check PINECONE_API_KEY (pinecone.api_key): copy the key again from the Pinecone console."
        case .indexNotFound:
            return "Check PINECONE_INDEX, or create the index with `refarch-tui index create`."
        case .namespaceNotFound:
            return "Check PINECONE_NAMESPACE (pinecone.namespace); a namespace appears with its first upsert."
        case .dimensionMismatch:
            return "Use the same embedding model for the index and the vectors (all-MiniLM-L6-v2: 384), or recreate the index."
        case .quotaExceeded(let status, _, _):
            return status == 429
                ? "Wait and retry, or lower the write rate (more batching, fewer workers); the Starter plan has monthly read/write unit limits."
                : "Check the plan, billing and project limits in the Pinecone console."
        case .rejected:
            return nil
        case .unavailable, .transport:
            return "Check https://status.pinecone.io and the network; the call was retried with backoff."
        case .invalidResponse:
            return "Check PINECONE_HOST / PINECONE_CONTROLLER_HOST point at Pinecone."
        case .insecureHost:
            return "Use https (or a bare host name); plain http is allowed only for 127.0.0.1, ::1 and localhost."
        case .invalidHost:
            return "Give a host such as my-index-abc123.svc.aped-1234.pinecone.io or https://api.pinecone.io."
        case .missingIndexName:
            return "Set PINECONE_INDEX (pinecone.index in refarch.toml)."
        case .invalidRecord:
            return "Every value must be finite and the record (values and metadata) under 2 MB."
        case .indexNotReady:
            return "Wait a minute and retry; `refarch-tui index stats` shows when it is ready."
        case .indexShapeMismatch:
            return "Use another PINECONE_INDEX, or delete the index in the Pinecone console and create it again."
        }
    }

    /// Builds the error for a non-success reply, reading either of Pinecone's error shapes.
    ///
    /// Data plane: `{"code": 3, "message": "…", "details": []}`; control plane:
    /// `{"status": 404, "error": {"code": "NOT_FOUND", "message": "…"}}`; some replies (401)
    /// are a bare JSON string or plain text. Anything unreadable falls back to the status.
    static func from(
        response: HTTPResponse, operation: String, index: String?, redacting secret: String
    ) -> PineconeError {
        let message = redact(errorMessage(response), secret: secret)
        switch response.status {
        case 401:
            return .unauthorized(operation: operation)
        case 404 where message.lowercased().contains("namespace"):
            return .namespaceNotFound(namespace: nil, operation: operation)
        case 404:
            return .indexNotFound(index: index, operation: operation)
        case 400 where message.lowercased().contains("dimension"):
            let (expected, found) = dimensions(in: message)
            return .dimensionMismatch(expected: expected, found: found, message: message)
        case 402, 403, 429:
            return .quotaExceeded(status: response.status, operation: operation, message: message)
        case 408, 500...599:
            return .unavailable(status: response.status, operation: operation, message: message)
        default:
            return .rejected(status: response.status, operation: operation, message: message)
        }
    }

    /// The message of an error reply in any of its shapes, or `HTTP <status>`.
    static func errorMessage(_ response: HTTPResponse) -> String {
        let fallback = "HTTP \(response.status)"
        let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return fallback }
        if let json = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) {
            switch json {
            case .string(let s):
                return s.isEmpty ? fallback : s
            case .object(let object):
                if case .string(let m)? = object["message"], !m.isEmpty { return m }
                if case .object(let inner)? = object["error"] {
                    if case .string(let m)? = inner["message"], !m.isEmpty { return m }
                    if case .string(let c)? = inner["code"], !c.isEmpty { return c }
                }
                if case .string(let m)? = object["error"], !m.isEmpty { return m }
                return fallback
            default:
                return fallback
            }
        }
        // Plain text: keep one short line of it.
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        return String(line.prefix(300))
    }

    static func redact(_ text: String, secret: String) -> String {
        guard !secret.isEmpty else { return text }
        return text.replacingOccurrences(of: secret, with: "****")
    }

    /// Reads "Vector dimension 3 does not match the dimension of the index 384": (384, 3).
    static func dimensions(in message: String) -> (expected: Int?, found: Int?) {
        let numbers = message.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count >= 2 else { return (nil, nil) }
        return (numbers[numbers.count - 1], numbers[0])
    }

    /// True for a 429 after every retry: the rate limit (back-pressure), not a failure.
    public var isThrottling: Bool {
        if case .quotaExceeded(429, _, _) = self { return true }
        return false
    }

    /// True when another attempt could succeed.
    var isRetryable: Bool {
        switch self {
        case .unavailable: return true
        case .quotaExceeded(let status, _, _): return status == 429
        case .transport(_, let error): return error.isRetryable
        default: return false
        }
    }
}
