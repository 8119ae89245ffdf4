import Foundation
import HTTP

/// AWS Signature Version 4 for non-S3 services, as botocore computes it.
///
/// Why each rule (the fixture file pins every one):
/// - The path is normalised (empty, `.` and `..` segments dropped) and then percent-encoded
///   *again*, because the service re-encodes what it received before it compares.
/// - The query is sorted by encoded name then value, in byte order, so both sides agree on one
///   spelling regardless of the order the client sent.
/// - Header values are trimmed and inner whitespace runs folded, because proxies may reflow them.
/// - Hop-by-hop and tracing headers are never signed: proxies and tracers change them.
public struct SigV4Signer: Sendable {
    public var region: String
    /// The signing name (`sqs`, `monitoring`, `application-autoscaling`).
    public var service: String

    public init(region: String, service: String) {
        self.region = region
        self.service = service
    }

    /// The intermediate strings and the result of one signature, for tests and debugging.
    public struct Signature: Sendable, Hashable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        public var authorization: String
        public var signedHeaders: String
    }

    /// Headers botocore never signs, even when present.
    static let unsignedHeaders: Set<String> = [
        "baggage", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "traceparent", "tracestate", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// Adds `X-Amz-Date`, `X-Amz-Security-Token` (with a session token) and `Authorization`
    /// to `request`, replacing any earlier ones, and returns the intermediate strings.
    @discardableResult
    public func sign(_ request: inout HTTPRequest, credentials: AWSCredentials, date: Date) -> Signature {
        let amzDate = Self.amzDate(date)
        request.headers.remove(name: "Authorization")
        request.headers.replaceOrAdd(name: "X-Amz-Date", value: amzDate)
        if let token = credentials.sessionToken, !token.isEmpty {
            request.headers.replaceOrAdd(name: "X-Amz-Security-Token", value: token)
        } else {
            request.headers.remove(name: "X-Amz-Security-Token")
        }
        let result = signature(for: request, credentials: credentials, amzDate: amzDate)
        request.headers.add(name: "Authorization", value: result.authorization)
        return result
    }

    /// Computes the signature of `request` as it stands (its `X-Amz-Date` must equal `amzDate`).
    public func signature(for request: HTTPRequest, credentials: AWSCredentials, amzDate: String) -> Signature {
        let parts = URLComponentsLite(request.url)
        let scopeDate = String(amzDate.prefix(8))
        let scope = "\(scopeDate)/\(region)/\(service)/aws4_request"

        // Headers: lower-cased names, folded values, the unsigned set dropped, host added.
        var headerMap: [String: [String]] = [:]
        for header in request.headers {
            let name = header.name.lowercased()
            if Self.unsignedHeaders.contains(name) || name == "authorization" { continue }
            headerMap[name, default: []].append(Self.fold(header.value))
        }
        if headerMap["host"] == nil, let parts {
            headerMap["host"] = [Self.canonicalHost(parts)]
        }
        let names = headerMap.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let canonicalHeaders = names.map { "\($0):\(headerMap[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")

        let canonicalRequest = [
            request.method.rawValue,
            Self.canonicalPath(parts?.path ?? "/"),
            Self.canonicalQuery(parts?.query),
            canonicalHeaders,
            signedHeaders,
            Crypto.hex(Crypto.sha256(request.body)),
        ].joined(separator: "\n")

        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Crypto.hex(Crypto.sha256(Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")

        let dateKey = Crypto.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), message: scopeDate)
        let regionKey = Crypto.hmacSHA256(key: dateKey, message: region)
        let serviceKey = Crypto.hmacSHA256(key: regionKey, message: service)
        let signingKey = Crypto.hmacSHA256(key: serviceKey, message: "aws4_request")
        let signature = Crypto.hex(Crypto.hmacSHA256(key: signingKey, message: stringToSign))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature, authorization: authorization,
            signedHeaders: signedHeaders)
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2) + "Z"
    }

    /// Parses an `X-Amz-Date` value back into a date.
    public static func date(fromAmzDate text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }

    /// Trims and folds runs of whitespace into one space.
    static func fold(_ value: String) -> String {
        // Character.isWhitespace also catches "\r\n" (one Character) and Unicode spaces, as
        // Python's str.split() in botocore does.
        value.split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
    }

    /// The Host value as the service sees it: default ports dropped, others kept.
    static func canonicalHost(_ parts: URLComponentsLite) -> String {
        let host = parts.host.lowercased()
        guard let port = parts.port else { return host }
        if (parts.scheme == "http" && port == 80) || (parts.scheme == "https" && port == 443) { return host }
        return "\(host):\(port)"
    }

    /// Dot segments and empty segments removed, then encoded once more.
    static func canonicalPath(_ path: String) -> String {
        if path.isEmpty { return "/" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty || segment == "." { continue }
            if segment == ".." {
                if !output.isEmpty { output.removeLast() }
            } else {
                output.append(segment)
            }
        }
        let leading = path.hasPrefix("/") ? "/" : ""
        let trailing = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        let normalised = leading + output.joined(separator: "/") + trailing
        return percentEncode(normalised, keepSlash: true)
    }

    /// Pairs split at the first `=`, sorted by name then value in byte order, left encoded as sent.
    static func canonicalQuery(_ query: String?) -> String {
        guard let query, !query.isEmpty else { return "" }
        let pairs: [(name: [UInt8], value: [UInt8])] = query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return (Array(pair[..<eq].utf8), Array(pair[pair.index(after: eq)...].utf8))
            }
            return (Array(pair.utf8), [])
        }
        let sorted = pairs.sorted { a, b in
            a.name == b.name ? a.value.lexicographicallyPrecedes(b.value) : a.name.lexicographicallyPrecedes(b.name)
        }
        return sorted.map { String(decoding: $0.name, as: UTF8.self) + "=" + String(decoding: $0.value, as: UTF8.self) }
            .joined(separator: "&")
    }

    /// RFC 3986 encoding: unreserved characters stay, everything else becomes `%XX`.
    public static func percentEncode(_ text: String, keepSlash: Bool = false) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepSlash:
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
