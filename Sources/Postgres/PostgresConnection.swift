import CLibPQ
import DedicatedThreads
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The format the server uses for result cells.
public enum PostgresResultFormat: Int32, Sendable {
    case text = 0
    /// Raw bytes: use for `bytea` columns read in bulk (vectors), where hex text would double the size.
    case binary = 1
}

/// One libpq connection, whose blocking calls all run on a thread of its own.
///
/// The actor's executor is a ``DedicatedThreadExecutor``: every method body (and so every
/// blocking libpq call) runs on that thread, never on Swift's cooperative pool; callers
/// just `await`. A connection serves one task at a time: an `await` inside
/// ``transaction(_:)`` lets no other caller in between only if nobody else holds this
/// connection, which is what ``PostgresPool`` guarantees. Statements take their values
/// as parameters only.
public actor PostgresConnection {
    private static let counter = Atomic<Int>(0)

    private let executor: DedicatedThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public nonisolated let configuration: PostgresConfiguration
    private let logger: Logger
    private var handle: OpaquePointer?
    private var inTransaction = false

    private init(configuration: PostgresConfiguration, logger: Logger) {
        let n = Self.counter.add(1, ordering: .relaxed).newValue
        executor = DedicatedThreadExecutor(name: "postgres-\(n)")
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens a connection; throws ``PostgresError/connectionFailed(endpoint:problem:)`` with a remedy.
    public static func connect(
        _ configuration: PostgresConfiguration,
        logger: Logger = Logger(label: "refarch.postgres")
    ) async throws -> PostgresConnection {
        let connection = PostgresConnection(configuration: configuration, logger: logger)
        do {
            try await connection.open()
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    private func open() throws {
        handle = try Self.openHandle(configuration)
        logger.debug("Connected to Postgres", metadata: ["server": "\(configuration.redactedDescription)"])
    }

    /// Opens a raw libpq handle with the session settings every connection of ours uses.
    /// Blocks the calling thread; callers are on a dedicated thread.
    static func openHandle(_ configuration: PostgresConfiguration) throws -> OpaquePointer {
        if let problem = configuration.urlProblem { throw PostgresError.malformedURL(problem: problem) }
        let pairs = configuration.connectionParameters
        let expand: Int32 = configuration.url == nil ? 0 : 1
        let conn: OpaquePointer? = withCStringArray(pairs.map(\.0)) { keywords in
            withCStringArray(pairs.map(\.1)) { values in
                PQconnectdbParams(keywords, values, expand)
            }
        }
        guard let conn else {
            throw PostgresError.connectionFailed(endpoint: configuration.endpointDescription, problem: .other("out of memory"))
        }
        refarch_pg_silence_notices(conn)
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(conn))
            PQfinish(conn)
            let parts = PostgresConfiguration.parseURL(configuration.url)
            throw PostgresError.connectionFailed(
                endpoint: configuration.endpointDescription,
                problem: PostgresError.classify(
                    connectionMessage: message,
                    database: configuration.database ?? parts.database,
                    user: configuration.user ?? parts.user))
        }
        var setup = [
            "SET TimeZone = 'UTC'", "SET client_encoding = 'UTF8'", "SET lc_monetary = 'C'",
            "SET client_min_messages = warning",
        ]
        if !configuration.searchPath.isEmpty {
            // Schema names come from our own code and tests, but are quoted as identifiers all the same.
            let path = configuration.searchPath.map { "\"" + $0.replacingAll("\"", with: "\"\"") + "\"" }
            setup.append("SET search_path = " + path.joined(separator: ", "))
        }
        for statement in setup {
            let result = PQexec(conn, statement)
            let ok = PQresultStatus(result) == PGRES_COMMAND_OK
            PQclear(result)
            if !ok {
                let message = String(cString: PQerrorMessage(conn))
                PQfinish(conn)
                throw PostgresError.connectionFailed(endpoint: configuration.endpointDescription, problem: .other(message))
            }
        }
        return conn
    }

    /// Closes the connection and ends its thread. Later calls fail with `connectionLost`.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        executor.shutdown()
    }

    /// False once the server went away or ``close()`` was called.
    public var isUsable: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The server process id of this session (for `pg_terminate_backend` in tests, advisory-lock owners).
    public var backendPID: Int32 { handle.map { PQbackendPID($0) } ?? 0 }

    /// Runs one statement with `$1…$n` parameters and returns its rows.
    ///
    /// - Parameter operation: what we were doing, for the error message ("list products").
    @discardableResult
    public func query(
        _ sql: String, _ parameters: [any PostgresEncodable] = [],
        resultFormat: PostgresResultFormat = .text,
        operation: String = "run a query"
    ) throws -> PostgresRows {
        guard let handle else { throw PostgresError.connectionLost(operation: operation, message: "the connection is closed") }
        let binds = parameters.map(\.postgresBind)
        let result: OpaquePointer? = withParameterArrays(binds) { values, lengths, formats in
            PQexecParams(handle, sql, Int32(binds.count), nil, values, lengths, formats, resultFormat.rawValue)
        }
        return try check(result, operation: operation)
    }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    public func execute(
        _ sql: String, _ parameters: [any PostgresEncodable] = [],
        operation: String = "run a statement"
    ) throws -> Int {
        try query(sql, parameters, operation: operation).affectedRows
    }

    /// Runs a script of statements with no parameters (schema DDL only, never values).
    public func executeScript(_ sql: String, operation: String) throws {
        guard let handle else { throw PostgresError.connectionLost(operation: operation, message: "the connection is closed") }
        _ = try check(PQexec(handle, sql), operation: operation)
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    ///
    /// The body may await other work (pelican sends to the queue inside its transaction);
    /// the connection must not be shared meanwhile (lease it from a ``PostgresPool``).
    public func transaction<T: Sendable>(
        operation: String = "run a transaction",
        _ body: @Sendable (isolated PostgresConnection) async throws -> T
    ) async throws -> T {
        precondition(!inTransaction, "nested transaction on one connection")
        try execute("BEGIN", operation: operation)
        inTransaction = true
        defer { inTransaction = false }
        do {
            let value = try await body(self)
            try execute("COMMIT", operation: operation)
            return value
        } catch {
            if isUsable { _ = try? execute("ROLLBACK", operation: operation) }
            throw error
        }
    }

    /// Loads rows with `COPY table (columns) FROM STDIN` — the fast path for seeding and imports.
    ///
    /// Each row has one value per column, nil for NULL; values are escaped for COPY's text
    /// format here. Returns the number of rows loaded.
    @discardableResult
    public func copyIn(table: String, columns: [String], rows: some Sequence<[String?]>) throws -> Int {
        let operation = "load rows into \(table)"
        guard let handle else { throw PostgresError.connectionLost(operation: operation, message: "the connection is closed") }
        let sql = "COPY \(quoteIdentifier(table)) (\(columns.map(quoteIdentifier).joined(separator: ", "))) FROM STDIN"
        let start = PQexec(handle, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try check(start, operation: operation)
            throw PostgresError.copyFailed(message: "the server did not enter COPY mode")
        }
        PQclear(start)
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20)
        var count = 0
        func flush() throws {
            guard !buffer.isEmpty else { return }
            let ok = buffer.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
            }
            buffer.removeAll(keepingCapacity: true)
            if ok != 1 { throw PostgresError.copyFailed(message: String(cString: PQerrorMessage(handle))) }
        }
        for row in rows {
            precondition(row.count == columns.count, "COPY row has \(row.count) values for \(columns.count) columns")
            for (i, value) in row.enumerated() {
                if i > 0 { buffer.append(9) }
                if let value { Self.appendCopyEscaped(value, to: &buffer) } else { buffer.append(contentsOf: [92, 78]) }  // \N
            }
            buffer.append(10)
            count += 1
            if buffer.count >= 1 << 20 { try flush() }
        }
        try flush()
        guard PQputCopyEnd(handle, nil) == 1 else { throw PostgresError.copyFailed(message: String(cString: PQerrorMessage(handle))) }
        while let result = PQgetResult(handle) {
            _ = try check(result, operation: operation)
        }
        return count
    }

    static func appendCopyEscaped(_ value: String, to buffer: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case 92: buffer.append(92); buffer.append(92)  // backslash
            case 9: buffer.append(92); buffer.append(116)  // \t
            case 10: buffer.append(92); buffer.append(110)  // \n
            case 13: buffer.append(92); buffer.append(114)  // \r
            default: buffer.append(byte)
            }
        }
    }

    private func check(_ result: OpaquePointer?, operation: String) throws -> PostgresRows {
        guard let result else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "no connection"
            throw PostgresError.connectionLost(operation: operation, message: message.firstLine)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(result: result)
        default:
            func field(_ code: Int32) -> String? {
                PQresultErrorField(result, code).map { String(cString: $0) }
            }
            let state = field(refarch_pg_diag_sqlstate())
            let message =
                field(refarch_pg_diag_message_primary())
                ?? handle.map { String(cString: PQerrorMessage($0)).firstLine } ?? "unknown error"
            let detail = field(refarch_pg_diag_message_detail())
            let hint = field(refarch_pg_diag_message_hint())
            PQclear(result)
            if state == nil, let handle, PQstatus(handle) != CONNECTION_OK {
                throw PostgresError.connectionLost(operation: operation, message: message)
            }
            let error = PostgresError.statementFailed(
                operation: operation, sqlState: state ?? "XX000",
                message: message, detail: detail, hint: hint)
            logger.debug("Statement failed", metadata: ["operation": "\(operation)", "sqlstate": "\(state ?? "")"])
            throw error
        }
    }

    /// Quotes an identifier that our own code supplies (table and column names).
    nonisolated func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    var firstLine: String {
        String(split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }

    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}

/// Calls `body` with a NULL-terminated-free C array of C strings that live for the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}

/// Lays out parameters as libpq wants them: value pointers, lengths and formats.
func withParameterArrays<R>(
    _ binds: [PostgresBind],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
) -> R {
    guard !binds.isEmpty else { return body(nil, nil, nil) }
    var storage: [UnsafeMutableRawPointer?] = []
    var lengths: [Int32] = []
    var formats: [Int32] = []
    for bind in binds {
        switch bind {
        case .null:
            storage.append(nil); lengths.append(0); formats.append(0)
        case .text(let text):
            storage.append(UnsafeMutableRawPointer(strdup(text))); lengths.append(0); formats.append(0)
        case .binary(let bytes):
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(pointer), byteCount: bytes.count) }
            storage.append(pointer); lengths.append(Int32(bytes.count)); formats.append(1)
        }
    }
    defer { storage.forEach { $0.map { free($0) } } }
    let values = storage.map { $0.map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) } }
    return values.withUnsafeBufferPointer { v in
        lengths.withUnsafeBufferPointer { l in
            formats.withUnsafeBufferPointer { f in body(v.baseAddress, l.baseAddress, f.baseAddress) }
        }
    }
}
