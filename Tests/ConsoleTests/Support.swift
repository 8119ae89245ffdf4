import Catalog
import Console
import Foundation
import Operations
import Synchronization
import TestSupport
import Testing

/// A small fixed catalog, with wide characters in names so widths are exercised.
enum Sample {
    static func product(_ id: Int64, _ name: String, _ sku: String, _ cents: Int64, _ description: String) -> Product {
        Product(
            id: ProductID(id), name: name, sku: sku, description: description, price: try! Price(cents: cents),
            lastUpdated: LocalDate(year: 2024, month: 5, day: Int(id % 28) + 1))
    }

    static let products: [Product] = [
        product(
            1, "Atlas Everyday Vacuum Flask", "KIT-233-61J", 1677,
            "Keeps coffee hot for up to twelve hours and iced drinks cold all day. Made of powder-coated steel with a silicone sleeve. The one-handed lid locks shut. Category: kitchen / drinkware."
        ),
        product(2, "保温杯 Thermal Tumbler", "KIT-253-FCC", 3796, "A double-walled tumbler. 保温 twelve hours. Category: kitchen / drinkware."),
        product(
            3, "☕ Café Travel Mug", "KIT-115-W82", 2101,
            "Fits most car cup holders, so your morning brew rides along. Category: kitchen / drinkware."),
        product(
            4, "Summit Trail Daypack 22 L", "OUT-409-706", 6450, "A light pack for day hikes with a rain cover. Category: outdoors / bags."),
        product(5, "Juniper Lite Headlamp", "OUT-304-4I", 2999, "300 lumens, USB-C charging. Category: outdoors / lighting."),
    ]

    static func hits(_ query: String, page: Int = 1) -> SearchResult {
        let hits = products.prefix(3).enumerated().map { i, p in
            SearchHit(rank: i + 1, score: 0.6 - Float(i) * 0.05, product: p)
        }
        return SearchResult(
            request: SearchRequest(query: query, topK: 20, page: page), hits: hits, totalMatched: 45,
            elapsed: .microseconds(8_400))
    }

    static let page = ProductPage(products: products, totalCount: 120)

    static func state(_ size: Size = Size(columns: 80, rows: 24), readOnly: Bool = false) -> ConsoleState {
        ConsoleState(
            size: size, readOnly: readOnly, themeName: "mono", themeNames: ["default", "light", "high-contrast", "mono"],
            backendLabel: "embedded")
    }
}

/// Sends keys through `update`, collecting the effects.
@discardableResult
func press(_ state: inout ConsoleState, _ keys: Key...) -> [ConsoleEffect] {
    keys.flatMap { ConsoleUpdate.update(&state, .keyPressed($0)) }
}

@discardableResult
func type(_ state: inout ConsoleState, _ text: String) -> [ConsoleEffect] {
    text.flatMap { ConsoleUpdate.update(&state, .keyPressed(.character($0))) }
}

/// The request number of the first effect (they all carry one).
func requestNumber(_ effects: [ConsoleEffect]) -> Int? {
    for effect in effects {
        switch effect {
        case .search(let r, _), .loadProducts(let r, _), .loadProduct(let r, _), .createProduct(let r, _), .updateProduct(let r, _, _),
            .deleteProduct(let r, _), .loadSyncStage(let r, _, _), .loadIndexProgress(let r), .loadQueueStats(let r),
            .loadWorkers(let r), .loadDeadLetters(let r, _), .redriveDeadLetters(let r, _), .deleteDeadLetters(let r, _),
            .purgeDeadLetters(let r), .view(let r, _, _):
            return r
        case .cancel, .quit: continue
        }
    }
    return nil
}

/// Golden screens: compares `grid` with `Snapshots/<name>.txt` (and `<name>.roles.txt` when
/// asked). A missing file, or RECORD_SNAPSHOTS=1, writes it and fails, so each new
/// baseline is read before it is trusted.
func assertSnapshot(_ grid: CellGrid, _ name: String, roles: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    var pairs = [(name + ".txt", grid.text + "\n")]
    if roles { pairs.append((name + ".roles.txt", grid.roles + "\n")) }
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    for (file, actual) in pairs {
        let url = folder.appendingPathComponent(file)
        guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("Recorded snapshot \(file): read it, then run the tests again.", sourceLocation: sourceLocation)
            continue
        }
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            var diff: [String] = []
            for i in 0..<max(e.count, a.count) {
                let el = i < e.count ? String(e[i]) : "<none>", al = i < a.count ? String(a[i]) : "<none>"
                if el != al { diff.append("line \(i + 1):\n- \(el)\n+ \(al)") }
            }
            Issue.record(
                "Snapshot \(file) differs (RECORD_SNAPSHOTS=1 re-records):\n\(diff.prefix(12).joined(separator: "\n"))",
                sourceLocation: sourceLocation)
        }
    }
}

/// A terminal for tests: plays scripted events, keeps the last grid it was shown.
final class RecordingTerminal: TerminalBackend {
    let size: Size
    private let script = Mutex<[[TerminalEvent]]>([])
    private(set) var presented: [CellGrid] = []
    var last: CellGrid? { presented.last }
    /// Called before each wait, with the frames so far; returns events to deliver next.
    var onWait: ((RecordingTerminal) -> [TerminalEvent])?

    init(size: Size) { self.size = size }

    /// Waits are short (see below), so a wake-up needs no signal.
    var waker: @Sendable () -> Void { {} }

    func nextEvents(timeout: Duration) -> [TerminalEvent] {
        if let events = onWait?(self), !events.isEmpty { return events }
        // Wait a little (real time) so effects running elsewhere can answer.
        Thread.sleep(forTimeInterval: min(0.02, Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18))
        return []
    }

    func present(_ grid: CellGrid, theme: Theme) { presented.append(grid) }
}

/// Services for runtime tests: an in-memory store, canned search, a switch that makes
/// every call hang (a database that stopped answering), and the index's state for the
/// sync trail.
final class FakeConsoleServices: SystemOperations {
    /// How the index answers the sync trail (the store always answers).
    enum IndexState: Sendable, CustomStringConvertible {
        case ready
        /// Still loading its vectors: the trail's calls wait.
        case opening
        /// Not answering at all: the trail's calls fail.
        case unreachable
        var description: String { "\(self == .ready ? "ready" : self == .opening ? "opening" : "unreachable")" }
    }
    let store: any ProductStore
    private let hanging = Mutex(false)
    private let indexState = Mutex(IndexState.ready)
    init(store: any ProductStore) { self.store = store }

    private let queueFailure = Mutex<(any Error)?>(nil)

    func hang() { hanging.withLock { $0 = true } }
    /// Makes every queue request fail with `error` (an SQS error, say).
    func failQueue(with error: any Error) { queueFailure.withLock { $0 = error } }
    func setIndex(_ state: IndexState) { indexState.withLock { $0 = state } }

    /// What the sync trail meets: waits while the index is opening, fails when it is unreachable.
    func waitForIndex() async throws {
        while true {
            switch indexState.withLock({ $0 }) {
            case .ready: return
            case .opening: try await Task.sleep(for: .milliseconds(20))
            case .unreachable: throw ConsoleError(summary: "index unreachable", remedy: "Check the network.")
            }
        }
    }

    func waitIfHanging() async throws {
        while hanging.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
    }

    func search(_ request: SearchRequest) async throws -> SearchResult {
        try await waitIfHanging()
        return Sample.hits(request.query, page: request.page)
    }
    func changeSequence(of id: ProductID) async throws -> Int64? {
        try await waitForIndex()
        return 7
    }
    func syncStage(of id: ProductID, changeSequence: Int64) async throws -> SyncStage {
        try await waitForIndex()
        return .indexed
    }
    func indexProgress() async throws -> IndexProgress {
        try await waitIfHanging()
        return IndexProgress(indexed: 5, total: 5)
    }

    let queue = InMemoryJobQueue(name: "jobs")
    func queueStats() async throws -> JobQueueStats {
        try await waitIfHanging()
        if let error = queueFailure.withLock({ $0 }) { throw error }
        return try await queue.stats()
    }
    func workers() async throws -> WorkerRoster {
        try await waitIfHanging()
        return WorkerRoster(workers: [], readAt: Date(), leaderLockHeld: false)
    }
    func deadLetters(limit: Int) async throws -> [QueuedMessage] { try await queue.peek(.deadLetters, limit: limit) }
    func redriveDeadLetters(ids: [String]?, progress: @escaping @Sendable (Int) -> Void) async throws -> RedriveSummary {
        try await queue.redriveDeadLetters(messageIDs: ids) { progress($0.moved) }
    }
    func deleteDeadLetters(ids: [String]) async throws -> Int { try await queue.deleteDeadLetters(messageIDs: ids) }
    func purgeDeadLetters() async throws -> Int? { try await queue.purge(.deadLetters) }

    /// The sync's pause switch, as `sync pause|resume` would leave it in Postgres.
    let pause = Mutex(SyncPauseStatus(paused: false))
    func syncPauseStatus() async throws -> SyncPauseStatus { pause.withLock { $0 } }
    func setSyncPaused(_ paused: Bool) async throws {
        pause.withLock {
            $0.paused = paused
            $0.changedBy = "tester@console"
        }
    }

    /// The services view's backend: the list it answers (or the error it throws), and the
    /// actions it was asked to do ("scale emu 3", "redeploy emu", "rollback emu").
    let serviceList = Mutex<Result<ServiceList, ConsoleError>>(.success(ServiceSamples.healthy))
    let serviceActions = Mutex<[String]>([])
    /// The database view's answer (or the error it throws).
    let database = Mutex<Result<DatabaseStatus, ConsoleError>>(.success(DatabaseSamples.healthy))
    func databaseStatus() async throws -> DatabaseStatus { try database.withLock { $0 }.get() }
    /// The index view's fake (IndexSamples.swift).
    let indexFake = IndexFake()
    var backendName: String { "ecs" }
    func listServices() async throws -> ServiceList { try serviceList.withLock { $0 }.get() }
    func tasks(of service: ServiceReference) async throws -> [ServiceTask] { ServiceSamples.tasks }
    func containers(ofTask taskID: String, in service: ServiceReference) async throws -> [TaskContainer] {
        ServiceSamples.containers
    }
    /// Three lines at first, one more on each follow; the filter keeps lines containing it.
    /// The embedded backend's services (cluster `local`) keep no logs, as `LocalWorkerServices` says.
    func logs(of service: ServiceReference, _ request: LogTailRequest) async throws -> LogTail {
        if service.cluster == "local" { throw ServiceOperationError.embeddedLogs(service: service.name) }
        let lines =
            request.after == nil
            ? ServiceSamples.logLines
            : [LogLine(timestamp: ServiceSamples.at, stream: "emu/1", raw: #"{"level":"info","msg":"batch of 10 indexed"}"#)]
        let kept = lines.filter { line in request.filter.map { line.raw.localizedCaseInsensitiveContains($0) } ?? true }
        return LogTail(
            source: "log group /refarch/\(service.name)", lines: kept,
            cursor: LogCursor(timestamp: ServiceSamples.at, eventIDs: ["\(request.after?.eventIDs.count ?? 0)"]))
    }
    func scale(_ service: ServiceReference, to desired: Int) async throws -> ServiceChange {
        serviceActions.withLock { $0.append("scale \(service.name) \(desired)") }
        return ServiceChange(cluster: service.cluster ?? "", service: service.name, action: "scale", desired: desired)
    }
    func forceNewDeployment(_ service: ServiceReference) async throws -> ServiceChange {
        serviceActions.withLock { $0.append("redeploy \(service.name)") }
        return ServiceChange(cluster: service.cluster ?? "", service: service.name, action: "redeploy")
    }
    func rollBack(_ service: ServiceReference) async throws -> ServiceChange {
        serviceActions.withLock { $0.append("rollback \(service.name)") }
        return ServiceChange(cluster: service.cluster ?? "", service: service.name, action: "rollback")
    }

    /// The alerts view's backend: the overview it answers, and the actions asked ("subscribe …", "unsubscribe …").
    let alertOverviewAnswer = Mutex<AlertOverview>(AlertSamples.healthy)
    let alertActions = Mutex<[String]>([])
    func alertOverview() async throws -> AlertOverview { alertOverviewAnswer.withLock { $0 } }
    func subscribeToAlerts(_ endpoint: AlertEndpoint) async throws -> AlertSubscription {
        alertActions.withLock { $0.append("subscribe \(endpoint.address)") }
        return AlertSubscription(subscriptionARN: nil, protocolName: endpoint.protocolName, endpoint: endpoint.address)
    }
    func unsubscribeFromAlerts(subscriptionARN: String) async throws -> AlertSubscription {
        alertActions.withLock { $0.append("unsubscribe \(subscriptionARN)") }
        return AlertSubscription(subscriptionARN: subscriptionARN, protocolName: "email", endpoint: "ops@example.com")
    }

    /// Product 1 is traced complete; any other is unknown, as the tracer says.
    func trace(_ target: TraceTarget) async throws -> ProductTrace {
        switch target {
        case .id(let id) where id == ProductID(1): return Traces.complete
        case .id(let id): throw TraceError.unknownID(id.rawValue)
        case .sku(let sku): throw TraceError.unknownSKU(sku)
        }
    }
}
