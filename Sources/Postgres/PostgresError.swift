import Foundation
import UserFacing

/// What went wrong talking to Postgres, with what we were doing and what to do next.
///
/// Messages name the server as host:port/database and user, never the password.
public enum PostgresError: UserFacingError, Equatable {
    /// Why a connection could not be made, classified from libpq's message.
    public enum ConnectionProblem: Equatable, Sendable {
        case refused
        case unknownHost
        case timedOut
        case wrongPassword
        case databaseMissing(String)
        case roleMissing(String)
        /// TLS was required (`sslmode` require or stricter, the default for a remote host) and the server has none.
        case serverWithoutTLS
        /// The server's certificate could not be checked: no CA bundle, an unknown CA, or a host-name mismatch.
        case certificateNotVerified(String)
        case other(String)
    }

    case connectionFailed(endpoint: String, problem: ConnectionProblem)
    /// The database URL is neither a `postgresql://` URI nor a `key=value` conninfo string
    /// (`problem` says why, without the URL's password).
    case malformedURL(problem: String)
    /// The server answered a statement with an error.
    case statementFailed(operation: String, sqlState: String, message: String, detail: String?, hint: String?)
    /// The connection broke while a statement was running (server restart, network).
    case connectionLost(operation: String, message: String)
    /// The tables this build needs are missing or older than it expects.
    case schemaNotMigrated(current: Int, required: Int)
    /// A value in a row could not be read as the type asked for.
    case decodingFailed(column: String, type: String, text: String)
    case copyFailed(message: String)

    public var summary: String {
        switch self {
        case let .connectionFailed(endpoint, problem):
            switch problem {
            case .refused: return "Cannot connect to Postgres at \(endpoint) (connection refused)."
            case .unknownHost: return "Cannot connect to Postgres at \(endpoint) (unknown host name)."
            case .timedOut: return "Cannot connect to Postgres at \(endpoint) (timed out)."
            case .wrongPassword: return "Postgres at \(endpoint) rejected the password."
            case let .databaseMissing(name): return "Postgres at \(endpoint) has no database \"\(name)\"."
            case let .roleMissing(name): return "Postgres at \(endpoint) has no role \"\(name)\"."
            case .serverWithoutTLS: return "Postgres at \(endpoint) does not offer TLS, and this connection requires it."
            case let .certificateNotVerified(message):
                return "Cannot verify the TLS certificate of Postgres at \(endpoint): \(message)"
            case let .other(message): return "Cannot connect to Postgres at \(endpoint): \(message)"
            }
        case let .malformedURL(problem):
            return "The database URL is malformed: \(problem)"
        case let .statementFailed(operation, sqlState, message, _, _):
            return "Postgres refused to \(operation): \(message) (SQLSTATE \(sqlState))."
        case let .connectionLost(operation, message):
            return "The connection to Postgres broke while trying to \(operation): \(message)"
        case let .schemaNotMigrated(current, required):
            return current == 0
                ? "The database has no refarch-tui schema yet."
                : "The database schema is at version \(current); this build needs \(required)."
        case let .decodingFailed(column, type, text):
            return "Column \(column) holds \"\(text.prefix(40))\", which is not a \(type)."
        case let .copyFailed(message):
            return "Bulk load into Postgres failed: \(message)"
        }
    }

    public var remedy: String? {
        switch self {
        case let .connectionFailed(_, problem):
            switch problem {
            case .refused, .timedOut, .unknownHost:
                return "Start the local stack with `make demo`, or set DATABASE_URL (or POSTGRES_DB_HOST/_PORT) to a running server."
            case .wrongPassword:
                return "Check POSTGRES_DB_PASSWORD or the password in DATABASE_URL."
            case .databaseMissing:
                return "Create it (`createdb`), or set POSTGRES_DB_NAME / the database in DATABASE_URL."
            case .roleMissing:
                return "Check POSTGRES_DB_USER or the user in DATABASE_URL."
            case .serverWithoutTLS:
                return "A remote host defaults to sslmode=verify-full. Enable TLS on the server, or opt out explicitly "
                    + "with sslmode=disable (in DATABASE_URL, POSTGRES_SSLMODE or PGSSLMODE) on a network you trust."
            case .certificateNotVerified:
                return "Point PGSSLROOTCERT (or sslrootcert in DATABASE_URL) at the CA bundle that signed the server's "
                    + "certificate and connect by the name on it; sslmode=require encrypts without checking, "
                    + "sslmode=disable turns TLS off."
            case .other:
                return "Check DATABASE_URL or the POSTGRES_DB_* settings (`refarch-tui config` shows them)."
            }
        case .malformedURL:
            return "Write it as postgresql://USER@HOST:PORT/DATABASE or as host=HOST port=PORT dbname=DATABASE "
                + "(`refarch-tui config` shows where database.url was set: --database-url, DATABASE_URL or refarch.toml)."
        case .schemaNotMigrated:
            return "Run `refarch-tui db migrate`."
        case .connectionLost:
            return "Check that Postgres is running; the command can be run again safely."
        case let .statementFailed(_, _, _, detail, hint):
            return [detail, hint].compactMap { $0 }.joined(separator: " ").nilIfEmpty
        case .decodingFailed, .copyFailed:
            return nil
        }
    }

    /// The SQLSTATE of a statement error (e.g. `23505` for a unique violation).
    public var sqlState: String? {
        if case let .statementFailed(_, state, _, _, _) = self { return state }
        return nil
    }

    /// True when trying again on a fresh connection may succeed.
    public var isConnectionProblem: Bool {
        switch self {
        case .connectionFailed, .connectionLost: return true
        case let .statementFailed(_, state, _, _, _):
            // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 08xxx connection exceptions
            return state.hasPrefix("08") || state == "57P01" || state == "57P02" || state == "57P03"
        default: return false
        }
    }

    /// Classifies libpq's connection error text, which is all libpq offers before a session exists.
    static func classify(connectionMessage message: String, database: String?, user: String?) -> ConnectionProblem {
        let m = message.lowercased()
        if m.contains("connection refused") || m.contains("no such file or directory") { return .refused }
        if m.contains("could not translate host name") || m.contains("name or service not known") { return .unknownHost }
        if m.contains("timeout expired") || m.contains("timed out") || m.contains("no route to host")
            || m.contains("network is unreachable")
        {
            return .timedOut
        }
        if m.contains("password authentication failed") || m.contains("no password supplied") { return .wrongPassword }
        if m.contains("server does not support ssl") { return .serverWithoutTLS }
        let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
        if m.contains("root certificate file") || m.contains("certificate verify failed")
            || m.contains("does not match host name") || m.contains("ssl error: certificate")
        {
            return .certificateNotVerified(firstLine.trimmingCharacters(in: " "))
        }
        if m.contains("database"), m.contains("does not exist") {
            return .databaseMissing(extractQuoted(message, after: "database") ?? database ?? "?")
        }
        if m.contains("role"), m.contains("does not exist") {
            return .roleMissing(extractQuoted(message, after: "role") ?? user ?? "?")
        }
        return .other(firstLine.trimmingCharacters(in: " "))
    }

    /// The quoted name after `word` in libpq's message (`FATAL:  database "x" does not exist`).
    private static func extractQuoted(_ text: String, after word: String) -> String? {
        guard let marker = text.range(of: word + " \"", options: .backwards) else { return nil }
        let rest = text[marker.upperBound...]
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<close])
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
    func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
