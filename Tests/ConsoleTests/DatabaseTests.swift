import Catalog
import Console
import Foundation
import Operations
import TestSupport
import Testing

/// Database health samples: a healthy RDS-backed database, and its variations.
enum DatabaseSamples {
    static let readAt = Date(timeIntervalSince1970: 1_796_000_000)

    static var instance: RDSInstanceHealth {
        var db = RDSInstanceHealth(identifier: "refarch-catalog")
        db.status = "available"
        db.instanceClass = "db.t4g.micro"
        db.engine = "postgres"
        db.engineVersion = "16.3"
        db.allocatedStorageGiB = 20
        db.storageType = "gp3"
        db.freeStorageBytes = 17.5 * 1_073_741_824
        db.multiAZ = true
        db.endpointAddress = "refarch-catalog.aaaaaaaaaa.eu-west-1.rds.amazonaws.com"
        db.endpointPort = 5432
        db.backupWindow = "03:00-03:30"
        db.backupRetentionDays = 7
        db.storageEncrypted = true
        db.certificateAuthority = "rds-ca-rsa2048-g1"
        db.publiclyAccessible = false
        return db
    }

    static var healthy: DatabaseStatus {
        DatabaseStatus(
            backend: "rds", instance: DatabaseReading(value: instance),
            connections: DatabaseReading(value: ConnectionUsage(inUse: 12, max: 100, reserved: 3)),
            outbox: DatabaseReading(value: OutboxBacklog(rows: 3, oldestAgeSeconds: 4, syncPaused: false)),
            largestTables: DatabaseReading(value: [
                TableSize(name: "products_with_increment", totalBytes: 48_234_496, estimatedRows: 10_000),
                TableSize(name: "refarch_vectors", totalBytes: 21_102_592, estimatedRows: 30_125),
                TableSize(name: "refarch_product_versions", totalBytes: 1_236_992, estimatedRows: 10_004),
                TableSize(name: "refarch_outbox", totalBytes: 65_536, estimatedRows: -1),
            ]),
            schema: DatabaseReading(value: SchemaVersionStatus(database: 11, binary: 11)),
            activity: DatabaseReading(
                value: DatabaseActivity(
                    longestQueries: [
                        RunningQuery(
                            pid: 4242, user: "refarch", applicationName: "refarch-tui", state: "idle in transaction", runningSeconds: 95,
                            waitEvent: "Client: ClientRead", query: "UPDATE products_with_increment SET price = $1 WHERE id = $2"),
                        RunningQuery(
                            pid: 4317, user: "refarch", applicationName: "refarch-tui", state: "active", runningSeconds: 61,
                            waitEvent: "Lock: transactionid", query: "DELETE FROM products_with_increment WHERE id = $1"),
                    ],
                    lockWaits: [
                        LockWait(
                            pid: 4317, blockedBy: [4242], waitingSeconds: 61, waitEvent: "Lock: transactionid",
                            query: "DELETE FROM products_with_increment WHERE id = $1")
                    ])),
            readAt: readAt)
    }

    static var publiclyAccessible: DatabaseStatus {
        var status = healthy
        status.instance?.value?.publiclyAccessible = true
        return status
    }

    /// RDS describe denied and the schema behind the binary: the rest still shows.
    static var failingSource: DatabaseStatus {
        var status = healthy
        status.instance = DatabaseReading(
            error: "RDS DescribeDBInstances was denied (AccessDenied). Allow rds:DescribeDBInstances on the instance.")
        status.schema = DatabaseReading(value: SchemaVersionStatus(database: 9, binary: 11))
        status.activity = DatabaseReading(error: "Postgres refused: permission denied for view pg_stat_activity.")
        return status
    }

    /// The embedded backend: no instance, an idle database.
    static var embedded: DatabaseStatus {
        var status = healthy
        status.backend = "postgres"
        status.instance = nil
        status.outbox = DatabaseReading(value: OutboxBacklog(rows: 0, oldestAgeSeconds: nil, syncPaused: false))
        status.activity = DatabaseReading(value: DatabaseActivity(longestQueries: [], lockWaits: []))
        return status
    }
}

/// The database view (`:db`): opened by command, refreshed while shown, a failed refresh
/// keeps the last figures, and its golden screens.
@Suite("Database view")
struct DatabaseTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)]

    func name(_ base: String, _ size: Size) -> String { "\(base)-\(size.columns)x\(size.rows)" }

    func drive(_ s: inout ConsoleState, _ effects: [ConsoleEffect], _ services: FakeConsoleServices) async {
        await Ops.drive(&s, effects, services, screen: DatabaseView.self)
    }

    func opened(
        _ size: Size = Size(columns: 80, rows: 24), status: DatabaseStatus = DatabaseSamples.healthy, readOnly: Bool = false
    ) async -> (ConsoleState, FakeConsoleServices) {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        services.database.withLock { $0 = .success(status) }
        var s = Ops.state(size, readOnly: readOnly)
        await drive(&s, press(&s, .character(":")) + Ops.typeAndEnter(&s, "db"), services)
        return (s, services)
    }

    @Test func colonDbOpensTheViewOverTheCurrentOneAndEscGoesBack() async {
        var (s, _) = await opened()
        #expect(s.view == .database)
        #expect(s.database.status == DatabaseSamples.healthy)
        press(&s, .escape)
        #expect(s.view != .database)
        #expect(s.database.status == nil)
    }

    @Test func slashFiltersTheTablesQueriesAndLockWaitsEscClearsThenGoesBack() async {
        var (s, _) = await opened(Size(columns: 120, rows: 40))
        press(&s, .character("/"))
        type(&s, "name:refarch_v")
        press(&s, .enter)
        var screen = ConsoleView.render(s).text
        #expect(screen.contains("refarch_vectors") && !screen.contains("products_with_increment  "))
        #expect(screen.contains("NAME  (1 of 4)"))
        // A table's column keeps no query: each list says the filter left none.
        #expect(screen.contains("no query matches name:refarch_v — esc clears, / changes it"))
        #expect(screen.contains("no lock wait matches name:refarch_v"))
        press(&s, .character("/"), .control("u"))
        type(&s, "state:idle")
        press(&s, .enter)
        screen = ConsoleView.render(s).text
        #expect(screen.contains("UPDATE products_with_increment") && !screen.contains("DELETE FROM products_with_increment"))
        #expect(screen.contains("QUERY  (1 of 2)"))
        #expect(screen.contains("no table matches state:idle"))
        press(&s, .escape)
        #expect(s.view == .database && s.database.filter.applied == nil)
        #expect(!ConsoleView.render(s).text.contains("matches"))
        press(&s, .escape)
        #expect(s.view != .database)
    }

    @Test func theFiguresAreRefreshedEveryIntervalWhileShown() async {
        var (s, services) = await opened()
        #expect(ConsoleUpdate.update(&s, .ticked(at: s.now)).allSatisfy { if case .view(_, .database, _) = $0 { false } else { true } })
        services.database.withLock { $0 = .success(DatabaseSamples.publiclyAccessible) }
        let effects = ConsoleUpdate.update(&s, .ticked(at: s.now + s.refreshInterval))
        #expect(effects.contains { if case .view(_, .database, _) = $0 { true } else { false } })
        await drive(&s, effects, services)
        #expect(s.database.status == DatabaseSamples.publiclyAccessible)
    }

    @Test func rRefreshesAtOnce() async {
        var (s, _) = await opened()
        let effects = press(&s, .character("r"))
        #expect(effects.contains { if case .view(_, .database, _) = $0 { true } else { false } })
    }

    @Test func aFailedRefreshKeepsTheLastFiguresMarkedStale() async {
        var (s, services) = await opened()
        services.database.withLock { $0 = .failure(ConsoleError(summary: "Postgres is not reachable.", remedy: "Start it.")) }
        await drive(&s, press(&s, .character("r")), services)
        #expect(s.database.isStale)
        #expect(s.database.status == DatabaseSamples.healthy)
        #expect(ConsoleView.render(s).text.contains("stale"))
    }

    @Test func publicAccessIsAnErrorAndASchemaBehindAWarning() async {
        let (publicly, _) = await opened(status: DatabaseSamples.publiclyAccessible)
        #expect(role(of: "publicly accessible", in: ConsoleView.render(publicly)) == .error)
        #expect(role(of: "publicly accessible", in: ConsoleView.render(await opened().0)) == nil)
        let (behind, _) = await opened(status: DatabaseSamples.failingSource)
        #expect(role(of: "version 9, this binary needs 11: run refarch-tui db migrate", in: ConsoleView.render(behind)) == .warn)
        #expect(ConsoleView.render(behind).text.contains("error: RDS DescribeDBInstances was denied"))
    }

    /// The role of the first cell of `text` where it first appears on screen; nil when it does not.
    func role(of text: String, in grid: CellGrid) -> Role? {
        for y in 0..<grid.size.rows {
            let line = grid.line(y)
            guard let range = line.range(of: text) else { continue }
            return grid[line.distance(from: line.startIndex, to: range.lowerBound), y].role
        }
        return nil
    }

    @Test(arguments: sizes) func goldens(_ size: Size) async {
        let (healthy, _) = await opened(size)
        assertSnapshot(ConsoleView.render(healthy), name("db-healthy", size), roles: size.columns == 80)
        let (publicly, _) = await opened(size, status: DatabaseSamples.publiclyAccessible)
        assertSnapshot(ConsoleView.render(publicly), name("db-publicly-accessible", size), roles: size.columns == 80)
        let (failing, _) = await opened(size, status: DatabaseSamples.failingSource)
        assertSnapshot(ConsoleView.render(failing), name("db-failing-source", size), roles: size.columns == 80)
        let (readOnly, _) = await opened(size, status: DatabaseSamples.embedded, readOnly: true)
        assertSnapshot(ConsoleView.render(readOnly), name("db-read-only-embedded", size))
    }
}
