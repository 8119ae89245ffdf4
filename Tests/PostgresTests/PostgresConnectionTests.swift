import Catalog
import Foundation
import TestSupport
import Testing

@testable import Postgres

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct PostgresConnectionTests {
    @Test func typedValuesRoundTrip() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            defer { Task { await conn.close() } }
            let rows = try await conn.query(
                """
                SELECT $1::int4, $2::int8, $3::text, $4::numeric, '12.50'::money, '2024-02-29'::date::text,
                       '2026-11-25 08:13:34.5+01'::timestamptz, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid::text,
                       $5::bytea, '{"a": [1, 2]}'::jsonb, NULL::text, true
                """, [Int32(-7), Int64.max, "héllo ✓", "1234.56", [UInt8]([0, 1, 255, 92])])
            let row = rows[0]
            #expect(try row.decode(Int32.self, at: 0) == -7)
            #expect(try row.decode(Int64.self, at: 1) == Int64.max)
            #expect(try row.decode(String.self, at: 2) == "héllo ✓")
            #expect(try row.decode(Double.self, at: 3) == 1234.56)
            #expect(try Price(parsing: try row.decode(String.self, at: 4)).cents == 1250)
            #expect(try row.decode(String.self, at: 5) == "2024-02-29")
            #expect(try row.decode(PostgresTimestamp.self, at: 6).secondsSince1970 == 1_795_590_814.5)
            #expect(try row.decode(String.self, at: 7) == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
            #expect(try row.decode([UInt8].self, at: 8) == [0, 1, 255, 92])
            #expect(try row.decode(String.self, at: 9) == #"{"a": [1, 2]}"#)
            #expect(try row.decode(String?.self, at: 10) == nil)
            #expect(try row.decode(Bool.self, at: 11))
        }
    }

    @Test func binaryResultsReadRawBytes() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            defer { Task { await conn.close() } }
            let rows = try await conn.query(
                "SELECT $1::bytea, 42::int8, 7::int4", [[UInt8](repeating: 7, count: 1536)],
                resultFormat: .binary)
            #expect(try rows[0].decode([UInt8].self, at: 0).count == 1536)
            #expect(try rows[0].decode(Int64.self, at: 1) == 42)
            #expect(try rows[0].decode(Int.self, at: 2) == 7)
        }
    }

    @Test func transactionRollsBackOnError() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            defer { Task { await conn.close() } }
            try await conn.execute("CREATE TABLE t (v text)")
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await conn.transaction { c in
                    try c.execute("INSERT INTO t VALUES ($1)", ["x"])
                    throw Boom()
                }
            }
            _ = try await conn.transaction { c in try c.execute("INSERT INTO t VALUES ($1)", ["y"]) }
            let values = try await conn.query("SELECT v FROM t").map { try $0.decode(String.self, at: 0) }
            #expect(values == ["y"])
        }
    }

    @Test func statementErrorsCarrySQLState() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            defer { Task { await conn.close() } }
            do {
                try await conn.execute("SELECT * FROM no_such_table", operation: "read the void")
                Issue.record("expected an error")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42P01")
                #expect(error.summary.contains("read the void"))
            }
            // The connection is still usable after a statement error.
            #expect(try await conn.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        }
    }

    @Test func copyInEscapesEverything() async throws {
        try await TestDatabase.withSchema { config in
            let conn = try await PostgresConnection.connect(config)
            defer { Task { await conn.close() } }
            try await conn.execute("CREATE TABLE t (a text, b text)")
            let tricky = "tab\there\nnew line\\backslash\r\\N 'quote' \"dq\" ✓"
            let n = try await conn.copyIn(table: "t", columns: ["a", "b"], rows: [[tricky, nil], ["plain", "\\N"]])
            #expect(n == 2)
            let rows = try await conn.query("SELECT a, b FROM t ORDER BY a DESC")
            #expect(try rows[0].decode(String.self, at: 0) == tricky)
            #expect(try rows[0].decode(String?.self, at: 1) == nil)
            #expect(try rows[1].decode(String?.self, at: 1) == "\\N")
        }
    }

    @Test func listenerReceivesNotifications() async throws {
        try await TestDatabase.withSchema { config in
            let channel = "test_" + UUID().uuidString.lowercased().prefix(8)
            var events = PostgresListener(configuration: config, channels: [channel]).events.makeAsyncIterator()
            #expect(await events.next() == .listening)
            let conn = try await PostgresConnection.connect(config)
            defer { Task { await conn.close() } }
            try await conn.execute("SELECT pg_notify($1, $2)", [channel, "hello"])
            #expect(await events.next() == .notification(channel: channel, payload: "hello"))
        }
    }

    @Test func stoppingAListenerEndsItsEventsAndClosesItsSession() async throws {
        try await TestDatabase.withSchema { config in
            let channel = "test_" + UUID().uuidString.lowercased().prefix(8)
            let listener = PostgresListener(configuration: config, channels: [channel])
            var events = listener.events.makeAsyncIterator()
            #expect(await events.next() == .listening)
            let conn = try await PostgresConnection.connect(config)
            defer { Task { await conn.close() } }
            let sessions = "SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN ' || $1"
            #expect(try await conn.query(sessions, [channel])[0].decode(Int.self, at: 0) == 1)
            await listener.stop()
            // stop() returned after the thread ended: nothing more can arrive.
            try await conn.execute("SELECT pg_notify($1, 'late')", [channel])
            #expect(await events.next() == nil)
            // The server ends the backend once it reads the Terminate libpq sent before stop() returned.
            var open = 1
            for _ in 0..<100 where open > 0 {
                open = try await conn.query(sessions, [channel])[0].decode(Int.self, at: 0)
                if open > 0 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(open == 0)
        }
    }

    @Test func stoppingAListenerThatCannotConnectReturns() async throws {
        // Port 1 on loopback refuses: the listener is in its connect-and-back-off loop.
        let unreachable = PostgresConfiguration(host: "127.0.0.1", port: 1, database: "none", user: "none")
        let listener = PostgresListener(configuration: unreachable, channels: ["nobody"], maxBackoff: .seconds(30))
        try await Task.sleep(for: .milliseconds(300))
        let stopped = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await listener.stop()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(20))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(stopped)
        var events = listener.events.makeAsyncIterator()
        #expect(await events.next() == nil)
    }

    @Test func listenerReconnectsAfterItsSessionIsKilled() async throws {
        try await TestDatabase.withSchema { config in
            let channel = "test_" + UUID().uuidString.lowercased().prefix(8)
            var events = PostgresListener(configuration: config, channels: [channel]).events.makeAsyncIterator()
            #expect(await events.next() == .listening)
            let conn = try await PostgresConnection.connect(config)
            defer { Task { await conn.close() } }
            try await conn.execute(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE pid <> pg_backend_pid() AND query ILIKE 'LISTEN%' AND query ILIKE '%' || $1 || '%'
                """, [channel])
            var sawDisconnect = false
            while let event = await events.next() {
                if case .disconnected = event { sawDisconnect = true }
                if event == .listening { break }
            }
            #expect(sawDisconnect)
            try await conn.execute("SELECT pg_notify($1, 'again')", [channel])
            #expect(await events.next() == .notification(channel: channel, payload: "again"))
        }
    }

    @Test func poolLendsEachConnectionToOneTaskAtATime() async throws {
        try await TestDatabase.withSchema { config in
            let pool = PostgresPool(configuration: config, maxConnections: 2)
            let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await pool.withConnection { conn in
                            try await conn.transaction { c in
                                try c.execute("SELECT pg_sleep(0.05)")
                                return c.backendPID
                            }
                        }
                    }
                }
                return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
            }
            #expect(pids.count <= 2)
            await pool.close()
        }
    }
}

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"))
struct PostgresTLSRequiredTests {
    @Test func serverWithoutTLSNamesTheExplicitOptOut() async throws {
        // The test cluster runs without TLS, as a remote server without it would look.
        var config = try TestDatabase.baseConfiguration()
        config.sslMode = "require"
        do {
            let conn = try await PostgresConnection.connect(config)
            await conn.close()
            Issue.record("expected the connection to be refused for lack of TLS")
        } catch let error as PostgresError {
            guard case .connectionFailed(_, .serverWithoutTLS) = error else {
                Issue.record("expected serverWithoutTLS, got \(error)")
                return
            }
            #expect(error.remedy?.contains("sslmode=disable") == true)
        }
    }
}

/// Which `sslmode` a connection gets when none is given (issue 21: TLS verified end to end).
@Suite struct PostgresSSLModeDefaultTests {
    static let remote = "verify-full"

    @Test(arguments: [
        // A host across the network, with nothing said: verify the certificate and the name.
        (PostgresConfiguration(url: "postgresql://app@db.example.com:5432/shop"), [String: String](), remote),
        (PostgresConfiguration(url: "host=10.0.3.17 dbname=shop"), [:], remote),
        (PostgresConfiguration(url: "hostaddr=10.0.3.17 dbname=shop"), [:], remote),
        (PostgresConfiguration(host: "mydb.abc123.eu-west-1.rds.amazonaws.com", port: 5432), [:], remote),
        (PostgresConfiguration(url: "dbname=shop"), ["PGHOST": "db.internal"], remote),
        (PostgresConfiguration(url: "postgresql://app@localhost,db.example.com/shop"), [:], remote),
        // Loopback and Unix sockets keep libpq's default.
        (PostgresConfiguration(url: "postgresql://app@localhost/shop"), [:], nil),
        (PostgresConfiguration(url: "postgresql://app@127.0.0.1:55432/shop"), [:], nil),
        (PostgresConfiguration(url: "postgresql://app@[::1]:5432/shop"), [:], nil),
        (PostgresConfiguration(url: "host=/var/run/postgresql dbname=shop"), [:], nil),
        (PostgresConfiguration(url: "postgresql:///shop?host=%2Ftmp"), [:], nil),
        (PostgresConfiguration(url: "dbname=shop"), [:], nil),
        (PostgresConfiguration(host: "127.0.0.1", database: "shop"), [:], nil),
        // An explicit sslmode always wins, wherever it is given.
        (PostgresConfiguration(url: "postgresql://app@db.example.com/shop?sslmode=disable"), [:], nil),
        (PostgresConfiguration(url: "host=db.example.com sslmode=require dbname=shop"), [:], nil),
        (PostgresConfiguration(url: "postgresql://app@db.example.com/shop", sslMode: "prefer"), [:], nil),
        (PostgresConfiguration(host: "db.example.com"), ["PGSSLMODE": "disable"], nil),
    ])
    func defaultFollowsTheHost(config: PostgresConfiguration, environment: [String: String], expected: String?) {
        #expect(PostgresConfiguration.defaultSSLMode(for: config, environment: { environment[$0] }) == expected)
    }

    @Test func explicitModeIsPassedAndNoDefaultIsAdded() {
        let pairs = PostgresConfiguration(host: "db.example.com", sslMode: "require").connectionParameters
        #expect(pairs.filter { $0.0 == "sslmode" }.map(\.1) == ["require"])
        let fromURL = PostgresConfiguration(url: "postgresql://a@db.example.com/c?sslmode=disable").connectionParameters
        #expect(!fromURL.contains { $0.0 == "sslmode" })
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["PGSSLMODE"] == nil, "PGSSLMODE is set here"))
    func remoteHostGetsVerifyFullInTheConnectionParameters() {
        let pairs = PostgresConfiguration(url: "postgresql://a@db.example.com/c").connectionParameters
        #expect(pairs.filter { $0.0 == "sslmode" }.map(\.1) == ["verify-full"])
        #expect(!PostgresConfiguration(url: "postgresql://a@127.0.0.1/c").connectionParameters.contains { $0.0 == "sslmode" })
    }

    @Test func tlsFailuresAreClassifiedWithTheirRemedy() {
        let noTLS = PostgresError.classify(
            connectionMessage: "connection to server at \"10.0.0.1\", port 5432 failed: server does not support SSL, but SSL was required",
            database: nil, user: nil)
        #expect(noTLS == .serverWithoutTLS)
        #expect(PostgresError.connectionFailed(endpoint: "e", problem: noTLS).remedy?.contains("sslmode=disable") == true)
        let noRoot = PostgresError.classify(
            connectionMessage:
                "connection to server at \"10.0.0.1\", port 5432 failed: root certificate file \"/home/app/.postgresql/root.crt\" does not exist\nEither provide the file or change sslmode to disable server certificate verification.",
            database: nil, user: nil)
        guard case .certificateNotVerified = noRoot else {
            Issue.record("expected certificateNotVerified, got \(noRoot)")
            return
        }
        #expect(PostgresError.connectionFailed(endpoint: "e", problem: noRoot).remedy?.contains("PGSSLROOTCERT") == true)
    }
}

@Suite struct PostgresConnectionErrorTests {
    @Test func refusedConnectionSaysWhatToDo() async throws {
        let config = PostgresConfiguration(url: "postgresql://someone:hunter2@127.0.0.1:1/db")
        do {
            _ = try await PostgresConnection.connect(config)
            Issue.record("expected a connection error")
        } catch let error as PostgresError {
            #expect(error == .connectionFailed(endpoint: "127.0.0.1:1", problem: .refused))
            #expect(error.remedy?.contains("make demo") == true)
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test(
        "a URL libpq would take for a database name, or cannot read, is malformed, not a refused connection",
        arguments: [
            ("not a url", "neither a postgresql:// URI nor a conninfo"), ("mysql://x@y/z", "mysql:// is not a Postgres URI"),
            ("postgres//host", "neither a postgresql:// URI nor a conninfo"), ("host=h bogus=1", "invalid connection option"),
            ("postgresql://u:hunter2@[::1/db", "IPv6 host address"),
        ])
    func malformedURLIsNamed(url: String, expected: String) async throws {
        do {
            _ = try await PostgresConnection.connect(PostgresConfiguration(url: url))
            Issue.record("expected a malformed URL error")
        } catch let error as PostgresError {
            guard case let .malformedURL(problem) = error else {
                Issue.record("expected .malformedURL, got \(error)")
                return
            }
            #expect(problem.contains(expected), "\(problem)")
            #expect(!"\(error)".contains("hunter2"))
        }
        #expect(PostgresConfiguration(url: "postgresql://u:pw@h:5432/db?sslmode=require").urlProblem == nil)
        #expect(PostgresConfiguration(url: "host=h port=5432 dbname=db").urlProblem == nil)
    }

    @Test func unknownHostIsNamed() async throws {
        let config = PostgresConfiguration(host: "no-such-host.invalid", port: 5432, database: "x", password: "hunter2")
        do {
            _ = try await PostgresConnection.connect(config)
            Issue.record("expected a connection error")
        } catch let error as PostgresError {
            #expect(error == .connectionFailed(endpoint: "no-such-host.invalid:5432", problem: .unknownHost))
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test(arguments: [
        (
            "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password authentication failed for user \"bob\"",
            PostgresError.ConnectionProblem.wrongPassword
        ),
        ("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  database \"shop\" does not exist", .databaseMissing("shop")),
        ("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  role \"bob\" does not exist", .roleMissing("bob")),
        ("connection to server at \"10.0.0.1\", port 5432 failed: timeout expired", .timedOut),
    ])
    func libpqMessagesAreClassified(message: String, expected: PostgresError.ConnectionProblem) {
        #expect(PostgresError.classify(connectionMessage: message, database: nil, user: nil) == expected)
    }

    @Test func gssEncryptionIsOffUnlessTheURLAsksForIt() {
        // libpq processes the pairs in order and expands the URL where it stands: the default
        // comes first, so a gssencmode in the URL overrides it.
        let pairs = PostgresConfiguration(url: "postgresql://a@b/c?gssencmode=prefer").connectionParameters
        #expect(pairs.first.map { [$0.0, $0.1] } == ["gssencmode", "disable"])
        #expect((pairs.firstIndex { $0.0 == "dbname" } ?? 0) > 0)
        #expect(PostgresConfiguration(host: "h").connectionParameters.contains { $0 == ("gssencmode", "disable") })
    }

    @Test func redactedDescriptionHidesThePassword() {
        let config = PostgresConfiguration(url: "postgresql://app:s3cret@db.example.com:6543/shop?sslmode=require")
        #expect(config.redactedDescription == "db.example.com:6543/shop as app")
        #expect(PostgresConfiguration(host: "h", port: 1, database: "d", user: "u", password: "p").redactedDescription == "h:1/d as u")
    }

    @Test func environmentPrefersDatabaseURL() {
        let env = ["DATABASE_URL": "postgresql://a@b/c", "POSTGRES_DB_HOST": "ignored", "POSTGRES_SSLMODE": "require"]
        #expect(PostgresConfiguration.fromEnvironment(env) == PostgresConfiguration(url: "postgresql://a@b/c", sslMode: "require"))
        let reference = [
            "POSTGRES_DB_HOST": "db", "POSTGRES_DB_PORT": "5433", "POSTGRES_DB_NAME": "n",
            "POSTGRES_DB_USER": "u", "POSTGRES_DB_PASSWORD": "p",
        ]
        #expect(
            PostgresConfiguration.fromEnvironment(reference)
                == PostgresConfiguration(host: "db", port: 5433, database: "n", user: "u", password: "p"))
    }
}
