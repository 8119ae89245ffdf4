import Logging

/// A few connections shared by many tasks, each lent to one task at a time.
///
/// Why not one connection for everyone: a transaction that awaits (pelican sending to the
/// queue) must not let another task's statements into it. A broken connection is closed on
/// return and a new one is opened on the next lease.
public actor PostgresPool {
    public nonisolated let configuration: PostgresConfiguration
    private let maxConnections: Int
    private let logger: Logger
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var closed = false

    public init(
        configuration: PostgresConfiguration, maxConnections: Int = 4,
        logger: Logger = Logger(label: "refarch.postgres")
    ) {
        self.configuration = configuration
        self.maxConnections = max(1, maxConnections)
        self.logger = logger
    }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    public func withConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let value = try await body(connection)
            await giveBack(connection)
            return value
        } catch {
            await giveBack(connection)
            throw error
        }
    }

    /// Shorthand for one statement on a pooled connection.
    @discardableResult
    public func query(
        _ sql: String, _ parameters: [any PostgresEncodable] = [],
        resultFormat: PostgresResultFormat = .text, operation: String = "run a query"
    ) async throws -> PostgresRows {
        try await withConnection { try await $0.query(sql, parameters, resultFormat: resultFormat, operation: operation) }
    }

    /// Closes idle connections; leased ones close when given back.
    public func close() async {
        closed = true
        for connection in idle { await connection.close() }
        idle.removeAll()
    }

    private func lease() async throws -> PostgresConnection {
        while true {
            if let connection = idle.popLast() { return connection }
            if open < maxConnections {
                open += 1
                do {
                    return try await PostgresConnection.connect(configuration, logger: logger)
                } catch {
                    open -= 1
                    wakeOne()
                    throw error
                }
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    private func giveBack(_ connection: PostgresConnection) async {
        if !closed, await connection.isUsable {
            idle.append(connection)
        } else {
            open -= 1
            await connection.close()
        }
        wakeOne()
    }

    private func wakeOne() {
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }
}
