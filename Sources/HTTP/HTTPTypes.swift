import Foundation

// The HTTP target: the transport under the AWS and Pinecone clients.
//
// This layer owns libcurl (the only importer of CCurl) and its threads. It knows nothing of
// AWS or Pinecone: it sends a request with headers and a body and hands back the status,
// headers and body. Blocking libcurl calls run on threads the HTTPClient owns, never on
// Swift's cooperative pool. It must not import AWS or anything above it.

/// An HTTP method, spelled as it goes on the wire.
public struct HTTPMethod: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let delete = HTTPMethod(rawValue: "DELETE")
    public static let patch = HTTPMethod(rawValue: "PATCH")
    public static let head = HTTPMethod(rawValue: "HEAD")

    public var description: String { rawValue }
}

/// One header line: a name (case kept as given) and a value.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// An ordered list of headers with case-insensitive lookup.
///
/// Order and spelling are kept because a signer signs what is sent; lookups ignore case
/// because HTTP does.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [HTTPHeader] = []

    public init() {}
    public init(_ pairs: [(String, String)]) {
        entries = pairs.map { HTTPHeader(name: $0.0, value: $0.1) }
    }
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The first value for `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return entries.first { $0.name.lowercased() == lower }?.value
    }

    /// All values for `name` (case-insensitive), in order.
    public func values(for name: String) -> [String] {
        let lower = name.lowercased()
        return entries.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    /// Adds a header line, keeping any existing ones of the same name.
    public mutating func add(name: String, value: String) {
        entries.append(HTTPHeader(name: name, value: value))
    }

    /// Replaces every header of this name with a single line.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every header of this name.
    public mutating func remove(name: String) {
        let lower = name.lowercased()
        entries.removeAll { $0.name.lowercased() == lower }
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }
    public var count: Int { entries.count }
    public func makeIterator() -> IndexingIterator<[HTTPHeader]> { entries.makeIterator() }
}

/// A request to send: method, absolute URL, headers, body and time limits.
public struct HTTPRequest: Sendable, Hashable {
    public var method: HTTPMethod
    /// The absolute URL as it goes on the wire (path and query already percent-encoded).
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Limit for the whole exchange; nil uses the client's default. Long polls need more
    /// than their wait time (an SQS 20 s long poll wants about 30 s).
    public var timeout: Duration?
    /// Limit for establishing the connection; nil uses the client's default.
    public var connectTimeout: Duration?

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        timeout: Duration? = nil,
        connectTimeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }
}

/// What came back: status, headers and the whole body.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8 (invalid bytes replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Why a request got no HTTP response. Every case names the host, never the full URL,
/// because query strings can carry signatures.
public enum HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL could not be parsed or uses a scheme other than http/https.
    case invalidURL(String)
    /// DNS failure, refused or unreachable: nothing was sent.
    case couldNotConnect(host: String, detail: String)
    /// The connect or total time limit passed.
    case timedOut(host: String, detail: String)
    /// The connection broke or the reply was not HTTP (reset, empty reply, TLS failure).
    case transferFailed(host: String, detail: String)
    /// A header name or value holds a line break (it would inject headers); nothing was sent.
    case invalidHeader(name: String)
    /// The calling task was cancelled; the transfer was aborted.
    case cancelled
    /// The client was shut down before the request ran.
    case shutDown

    /// True for failures that a retry may fix (AWS "no response" errors).
    public var isRetryable: Bool {
        switch self {
        case .couldNotConnect, .timedOut, .transferFailed: true
        case .invalidURL, .invalidHeader, .cancelled, .shutDown: false
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let url): "Invalid URL \(url)."
        case .couldNotConnect(let host, let detail): "Cannot connect to \(host) (\(detail))."
        case .timedOut(let host, let detail): "Request to \(host) timed out (\(detail))."
        case .transferFailed(let host, let detail): "Request to \(host) failed (\(detail))."
        case .invalidHeader(let name): "Header \(name) contains a line break."
        case .cancelled: "Request cancelled."
        case .shutDown: "The HTTP client was shut down."
        }
    }
}

/// The parts of an absolute URL that callers need without re-encoding anything.
public struct URLComponentsLite: Sendable, Hashable {
    public var scheme: String
    /// Host as written (IPv6 keeps its brackets), without user info and port.
    public var host: String
    public var port: Int?
    /// Path exactly as written ("" when absent).
    public var path: String
    /// Query after "?" exactly as written, or nil.
    public var query: String?

    /// Splits `url` without decoding or normalising; nil when it is not `scheme://host…`.
    public init?(_ url: String) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        scheme = url[..<schemeEnd.lowerBound].lowercased()
        var rest = url[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let afterAuthority = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[...close])
            let tail = authority[authority.index(after: close)...]
            if tail.hasPrefix(":") {
                guard let p = Int(tail.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            let portText = authority[authority.index(after: colon)...]
            if portText.isEmpty {
                port = nil
            } else {
                guard let p = Int(portText) else { return nil }
                port = p
            }
        } else {
            host = String(authority)
        }
        if host.isEmpty { return nil }
        if let q = afterAuthority.firstIndex(of: "?") {
            path = String(afterAuthority[..<q])
            query = String(afterAuthority[afterAuthority.index(after: q)...])
        } else {
            path = String(afterAuthority)
            query = nil
        }
    }

    /// The port to connect to: the explicit one, else 80/443 by scheme.
    public var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }

    /// `host[:port]` for messages and logs: never the path or query.
    public var hostAndPort: String { port.map { "\(host):\($0)" } ?? host }

    /// True when the host is a loopback address or `localhost`.
    public var isLoopback: Bool {
        let bare = host.trimmingCharacters(in: ["[", "]"]).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        // Only a numeric 127.x.x.x address: a name like 127.evil.example.com is not loopback.
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
