// The Pinecone target: `PineconeIndex`, the `VectorIndex` of AWS mode, over Pinecone's REST
// API (control plane: describe/create indexes; data plane: upsert, query, fetch, delete,
// list, stats). It talks HTTP only through the HTTP target's `HTTPTransport` and must not
// import AWS, Postgres or anything above Catalog.

import Catalog
import Foundation
import HTTP
import Logging

/// A Pinecone API key that cannot leak by accident: printing, interpolating or dumping it
/// shows `****`. Only ``PineconeTransport`` reads ``secret`` to set the `Api-Key` header.
public struct PineconeAPIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The key itself; read it only to put it on the wire.
    public let secret: String

    public init(_ secret: String) { self.secret = secret }

    public var description: String { "****" }
    public var debugDescription: String { "****" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// Where and how to reach Pinecone: key, index, namespace, hosts, version and retries.
///
/// Hosts: the control plane defaults to `https://api.pinecone.io`; the data-plane host comes
/// from describing the index unless ``dataPlaneURL`` overrides it (`PINECONE_HOST`). A host
/// may be given bare (`idx-abc.svc.pinecone.io`, as describe returns it) or with a scheme.
/// Plain `http` is accepted only for loopback hosts (the test server, Pinecone Local):
/// anything else would send the API key in clear text, so it is refused.
public struct PineconeConfiguration: Sendable {
    /// The API version every request pins. Without it Pinecone uses its oldest supported
    /// version, which changes silently when that one retires.
    public static let apiVersion = "2026-04"
    /// Pinecone's control plane.
    public static let defaultControllerURL = "https://api.pinecone.io"

    public var apiKey: PineconeAPIKey
    /// The index to read and write (`PINECONE_INDEX`); nil when only the control plane is used.
    public var indexName: String?
    /// Every data-plane call names this namespace explicitly, so the `""` vs `__default__`
    /// question of older API versions never arises.
    public var namespace: String
    /// `scheme://host[:port]` of the control plane, validated.
    public private(set) var controllerURL: String
    /// `scheme://host[:port]` of the data plane when overridden; nil means "describe the index".
    public private(set) var dataPlaneURL: String?
    public var http: any HTTPTransport
    public var retry: PineconeRetryPolicy
    public var logger: Logger
    /// IDs asked for per `list` page (Pinecone's default is 100).
    public var listPageSize: Int
    /// Upper bound on one upsert request body; Pinecone's limit is 2 MB, kept under it.
    public var maxUpsertBytes: Int
    /// Upper bound on records per upsert request (Pinecone: 1,000).
    public var maxUpsertRecords: Int
    /// Upper bound on one record's metadata as JSON (Pinecone: 40 KB).
    public var maxMetadataBytes: Int
    /// Paces every data-plane request and halves its rate on a 429 (AIMD); shared by every
    /// copy of this configuration, so one index's calls bend together.
    public var rateLimiter: AdaptiveRateLimiter

    /// The default pacing: up to 1,000 requests a second (above every per-namespace limit,
    /// so unthrottled it costs nothing), halved on a 429 at most once a second, growing back
    /// by 50 a second, never under 1 a second.
    public static func defaultRateLimiter() -> AdaptiveRateLimiter {
        AdaptiveRateLimiter(.init(maxRate: 1_000, minRate: 1, increasePerSecond: 50))
    }

    /// Builds a configuration, validating the host overrides.
    ///
    /// - Throws: ``PineconeError/insecureHost(_:)`` for `http` to a non-loopback host,
    ///   ``PineconeError/invalidHost(_:)`` for something that is not a host.
    public init(
        apiKey: String,
        indexName: String? = nil,
        namespace: String = "products",
        controllerHost: String? = nil,
        dataPlaneHost: String? = nil,
        http: any HTTPTransport = HTTPClient(),
        retry: PineconeRetryPolicy = PineconeRetryPolicy(),
        logger: Logger = Logger(label: "refarch.pinecone"),
        listPageSize: Int = 100,
        maxUpsertBytes: Int = 2_000_000,
        maxUpsertRecords: Int = 1_000,
        maxMetadataBytes: Int = 40_960,
        rateLimiter: AdaptiveRateLimiter = PineconeConfiguration.defaultRateLimiter()
    ) throws(PineconeError) {
        self.apiKey = PineconeAPIKey(apiKey)
        self.indexName = indexName.flatMap { $0.isEmpty ? nil : $0 }
        self.namespace = namespace
        self.controllerURL = try Self.baseURL(for: controllerHost.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultControllerURL)
        if let dataPlaneHost, !dataPlaneHost.isEmpty {
            self.dataPlaneURL = try Self.baseURL(for: dataPlaneHost)
        } else {
            self.dataPlaneURL = nil
        }
        self.http = http
        self.retry = retry
        self.logger = logger
        self.listPageSize = max(1, listPageSize)
        self.maxUpsertBytes = maxUpsertBytes
        self.maxUpsertRecords = max(1, min(1_000, maxUpsertRecords))
        self.maxMetadataBytes = maxMetadataBytes
        self.rateLimiter = rateLimiter
    }

    /// Turns a host as configured or described into `scheme://host[:port]`.
    ///
    /// A bare host gets `https`, except a loopback host, which gets `http` (Pinecone Local and
    /// the test server describe their indexes as `localhost:5081`, without TLS). An explicit
    /// `http://` to any other host is refused: the `Api-Key` header would travel in clear.
    public static func baseURL(for host: String) throws(PineconeError) -> String {
        let trimmed = host.trimmingCharacters(in: .whitespaces)
        let hasScheme = trimmed.contains("://")
        guard let parts = URLComponentsLite(hasScheme ? trimmed : "https://" + trimmed),
            parts.path.isEmpty || parts.path == "/", parts.query == nil
        else {
            throw PineconeError.invalidHost(trimmed)
        }
        switch parts.scheme {
        case "https":
            return hasScheme || !isLoopback(parts.host) ? "https://\(parts.hostAndPort)" : "http://\(parts.hostAndPort)"
        case "http":
            guard isLoopback(parts.host) else { throw PineconeError.insecureHost(parts.hostAndPort) }
            return "http://\(parts.hostAndPort)"
        default:
            throw PineconeError.invalidHost(trimmed)
        }
    }

    /// True for `localhost`, `::1` and IPv4 literals in 127.0.0.0/8.
    ///
    /// Stricter than a prefix test: `127.example.com` is a DNS name that can point anywhere.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: ["[", "]"]).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { $0.count <= 3 && UInt8($0) != nil }
    }
}
