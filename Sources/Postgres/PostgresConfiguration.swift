import CLibPQ
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where and how to connect to Postgres.
///
/// Built from `DATABASE_URL` (a libpq conninfo string or `postgresql://` URI) or from the
/// reference architecture's `POSTGRES_DB_HOST/_PORT/_NAME/_USER/_PASSWORD` set. Values are
/// handed to `PQconnectdbParams` as keyword/value pairs, never spliced into a string, so a
/// password with spaces or quotes works; ``redactedDescription`` is safe to print.
public struct PostgresConfiguration: Sendable, Hashable {
    /// A conninfo string or URI; when set, it wins over the separate fields.
    public var url: String?
    public var host: String?
    public var port: Int?
    public var database: String?
    public var user: String?
    public var password: String?
    public var sslMode: String?
    /// Schemas to put first on `search_path` (tests use one schema each).
    public var searchPath: [String]
    /// Seconds libpq waits for a connection.
    public var connectTimeoutSeconds: Int
    public var applicationName: String

    public init(
        url: String? = nil, host: String? = nil, port: Int? = nil, database: String? = nil,
        user: String? = nil, password: String? = nil, sslMode: String? = nil,
        searchPath: [String] = [], connectTimeoutSeconds: Int = 5,
        applicationName: String = "refarch-tui"
    ) {
        self.url = url
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
        self.sslMode = sslMode
        self.searchPath = searchPath
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.applicationName = applicationName
    }

    /// Reads `DATABASE_URL` or the `POSTGRES_DB_*` variables; nil when neither is set.
    public static func fromEnvironment(_ environment: [String: String]) -> PostgresConfiguration? {
        func value(_ key: String) -> String? {
            guard let v = environment[key], !v.isEmpty else { return nil }
            return v
        }
        if let url = value("DATABASE_URL") {
            return PostgresConfiguration(url: url, sslMode: value("POSTGRES_SSLMODE"))
        }
        guard value("POSTGRES_DB_HOST") != nil || value("POSTGRES_DB_NAME") != nil else { return nil }
        return PostgresConfiguration(
            host: value("POSTGRES_DB_HOST"), port: value("POSTGRES_DB_PORT").flatMap { Int($0) },
            database: value("POSTGRES_DB_NAME"), user: value("POSTGRES_DB_USER"),
            password: value("POSTGRES_DB_PASSWORD"), sslMode: value("POSTGRES_SSLMODE"))
    }

    /// Keyword/value pairs for `PQconnectdbParams` (with `expand_dbname` when a URL is used).
    var connectionParameters: [(String, String)] {
        var pairs: [(String, String)] = []
        // GSSAPI encryption stays off unless asked for (in the URL, or PGGSSENCMODE). libpq's
        // default ("prefer") probes for Kerberos credentials on every connection, and Kerberos'
        // teardown at process exit aborts a thread that is still connecting (k5_mutex_lock
        // assertion): a CLI command ending while a background connection opened crashed so.
        // First in the list, so a gssencmode in the URL, expanded after it, wins.
        if getenv("PGGSSENCMODE") == nil { pairs.append(("gssencmode", "disable")) }
        if let url { pairs.append(("dbname", url)) }
        if let host { pairs.append(("host", host)) }
        if let port { pairs.append(("port", String(port))) }
        if url == nil, let database { pairs.append(("dbname", database)) }
        if let user { pairs.append(("user", user)) }
        if let password { pairs.append(("password", password)) }
        if let sslMode = sslMode ?? Self.defaultSSLMode(for: self, environment: { getenv($0).map { String(cString: $0) } }) {
            pairs.append(("sslmode", sslMode))
        }
        pairs.append(("connect_timeout", String(connectTimeoutSeconds)))
        pairs.append(("application_name", applicationName))
        return pairs
    }

    /// The `sslmode` to add when none is given, or nil to keep libpq's own default (`prefer`).
    ///
    /// A database across a network gets `verify-full`: encrypted, and the server's certificate
    /// checked against the CA bundle (`PGSSLROOTCERT` / `sslrootcert`) and its host name, so a
    /// man in the middle cannot read the password. A loopback host or a Unix socket keeps libpq's
    /// default, as local servers (`make demo`, the tests) usually run without TLS. An `sslmode`
    /// in the URL, in ``sslMode`` (`POSTGRES_SSLMODE`) or in `PGSSLMODE` always wins;
    /// `sslmode=disable` is the explicit opt-out.
    static func defaultSSLMode(
        for configuration: PostgresConfiguration, environment: (String) -> String?
    ) -> String? {
        func given(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        let fromURL = configuration.url.map(conninfoValues) ?? [:]
        if given(configuration.sslMode) != nil || given(fromURL["sslmode"]) != nil || given(environment("PGSSLMODE")) != nil {
            return nil
        }
        // libpq's order: the host given here, the URL's host or hostaddr, then PGHOST / PGHOSTADDR;
        // none at all means the default Unix socket.
        let hosts =
            given(configuration.host) ?? given(fromURL["host"]) ?? given(fromURL["hostaddr"])
            ?? given(environment("PGHOST")) ?? given(environment("PGHOSTADDR"))
        guard let hosts else { return nil }
        let remote = hosts.split(separator: ",").contains { !isLoopback(String($0)) }
        return remote ? "verify-full" : nil
    }

    /// True for a Unix-socket directory, `localhost` and the 127.0.0.0/8 and ::1 addresses.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.trimmingCharacters(in: " ").lowercased()
        if host.isEmpty || host.hasPrefix("/") || host.hasPrefix("@") { return true }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return bare == "localhost" || bare.hasSuffix(".localhost") || bare.hasPrefix("127.") || bare == "::1"
            || bare == "0:0:0:0:0:0:0:1"
    }

    /// The keywords a conninfo string or URI sets, parsed by libpq itself (no defaults filled in).
    /// Parsing does no I/O, so it is safe on any thread.
    static func conninfoValues(_ url: String) -> [String: String] {
        guard let options = PQconninfoParse(url, nil) else { return [:] }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return values
    }

    /// Why ``url`` is not something libpq can connect with, or nil when it is (or unset).
    ///
    /// libpq reads a string without `=` that is not a `postgres(ql)://` URI as a database
    /// name, so `not a url` or `postgres//host` would otherwise fail later as "connection
    /// refused at localhost". The text never contains the URL's password.
    public var urlProblem: String? {
        guard let url else { return nil }
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        if let schemeEnd = trimmed.range(of: "://") {
            let scheme = trimmed[..<schemeEnd.lowerBound]
            if scheme != "postgresql" && scheme != "postgres" {
                let shown = scheme.count <= 20 && scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) })
                return shown
                    ? "\(scheme):// is not a Postgres URI (it must start with postgresql:// or postgres://)."
                    : "it is not a Postgres URI (it must start with postgresql:// or postgres://)."
            }
        } else if !trimmed.contains("=") {
            return "it is neither a postgresql:// URI nor a conninfo string of key=value pairs."
        }
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &error) else {
            defer { if let error { PQfreemem(error) } }
            let message = error.map { String(cString: $0) } ?? "libpq cannot read it."
            return Self.redacting(url, from: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        PQconninfoFree(options)
        return nil
    }

    /// `message` with every part of `url` that may be a secret masked: libpq quotes the
    /// whole URI in some parse errors.
    static func redacting(_ url: String, from message: String) -> String {
        var secrets: [String] = []
        if let schemeEnd = url.range(of: "://") {
            let rest = url[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                secrets.append(String(authority[authority.index(after: colon)..<at]))
            }
            if let query = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: query)...].split(separator: "&") where pair.hasPrefix("password=") {
                    secrets.append(String(pair.dropFirst("password=".count)))
                }
            }
        } else {
            let words = url.split(separator: " ")
            for (index, word) in words.enumerated() where word.hasPrefix("password") {
                if let equals = word.firstIndex(of: "=") {
                    let value = word[word.index(after: equals)...]
                    secrets.append(String(value.isEmpty && index + 1 < words.count ? words[index + 1] : value))
                }
            }
        }
        var text = message
        for secret in secrets where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "****")
        }
        return text
    }

    /// Host, port, database and user, as far as known, without the password: for messages.
    public var redactedDescription: String {
        var parts = Self.parseURL(url)
        if let host { parts.host = host }
        if let port { parts.port = String(port) }
        if let database { parts.database = database }
        if let user { parts.user = user }
        let hostPort = "\(parts.host ?? "localhost")\(parts.port.map { ":\($0)" } ?? "")"
        var text = hostPort
        if let database = parts.database { text += "/\(database)" }
        if let user = parts.user { text += " as \(user)" }
        return text
    }

    /// The host and port (for "cannot connect to …" messages).
    public var endpointDescription: String {
        var parts = Self.parseURL(url)
        if let host { parts.host = host }
        if let port { parts.port = String(port) }
        return "\(parts.host ?? "localhost")\(parts.port.map { ":\($0)" } ?? "")"
    }

    struct URLParts {
        var host: String?
        var port: String?
        var database: String?
        var user: String?
    }

    /// Picks host, port, database and user out of a URI or conninfo, ignoring the password.
    static func parseURL(_ url: String?) -> URLParts {
        var parts = URLParts()
        guard let url else { return parts }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            var rest = Substring(url.drop(while: { $0 != "/" }).dropFirst(2))
            if let q = rest.firstIndex(of: "?") { rest = rest[..<q] }
            var authority = rest
            if let slash = rest.firstIndex(of: "/") {
                authority = rest[..<slash]
                let db = rest[rest.index(after: slash)...]
                if !db.isEmpty { parts.database = String(db) }
            }
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                parts.user = String(userInfo.split(separator: ":", maxSplits: 1).first ?? "")
                authority = authority[authority.index(after: at)...]
            }
            if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
                parts.host = String(authority[..<colon])
                parts.port = String(authority[authority.index(after: colon)...])
            } else if !authority.isEmpty {
                parts.host = String(authority)
            }
        } else {
            for pair in url.split(separator: " ") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2 else { continue }
                switch kv[0] {
                case "host", "hostaddr": parts.host = kv[1]
                case "port": parts.port = kv[1]
                case "dbname": parts.database = kv[1]
                case "user": parts.user = kv[1]
                default: break
                }
            }
        }
        return parts
    }
}
