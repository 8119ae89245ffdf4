import Catalog
import Console
import Foundation
import Operations
import TestSupport
import Testing

/// The index view (`:index`): figures, drift, the last verify; `v` verifies in the background
/// with progress while the keys keep working; `R` and `X` confirmed, refused in read-only mode.
@Suite("Index view")
struct IndexTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)]

    func name(_ base: String, _ size: Size) -> String { "\(base)-\(size.columns)x\(size.rows)" }

    /// A verify request is held back (returned) when `holdVerify`, as if still running.
    @discardableResult
    func drive(_ s: inout ConsoleState, _ effects: [ConsoleEffect], _ services: FakeConsoleServices, holdVerify: Bool = false) async
        -> [ConsoleEffect]
    {
        await Ops.drive(&s, effects, services, screen: IndexView.self) { holdVerify && $0.description.contains("verify") }.held
    }

    func opened(_ size: Size = Size(columns: 80, rows: 24), status: IndexStatus = IndexSamples.inSync, readOnly: Bool = false) async
        -> (ConsoleState, FakeConsoleServices)
    {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        services.indexFake.status.withLock { $0 = status }
        var s = Ops.state(size, readOnly: readOnly)
        await drive(&s, press(&s, .character(":")) + Ops.typeAndEnter(&s, "index"), services)
        return (s, services)
    }

    @Test func colonIndexOpensTheViewOverTheCurrentOneAndEscGoesBack() async {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        var s = Ops.state()
        let before = s.view
        await drive(&s, press(&s, .character(":")) + Ops.typeAndEnter(&s, "index"), services)
        #expect(s.view == .index)
        #expect(s.index.status == IndexSamples.inSync)
        press(&s, .escape)
        #expect(s.view == before)
    }

    @Test func verifyRunsInTheBackgroundWhileTheKeysKeepWorkingThenShowsTheResult() async {
        var (s, services) = await opened()
        services.indexFake.status.withLock {
            $0 = IndexSamples.status(running: IndexVerifyProgress(checked: 40, total: 120, startedAt: IndexSamples.readAt))
        }
        let held = await drive(&s, press(&s, .character("v")), services, holdVerify: true)
        #expect(held.count == 1)
        #expect(s.index.verifyPending != nil)
        #expect(s.index.status?.verifyRunning?.checked == 40)
        // The keys keep working: a refresh reads the figures while the verify runs.
        let refresh = press(&s, .character("r"))
        #expect(refresh.contains { if case .view(_, .index, _) = $0 { true } else { false } })
        await drive(&s, refresh, services)
        // A second v does not start another verify.
        #expect(press(&s, .character("v")).isEmpty)
        // While it runs, ticks read the progress again.
        let ticked = ConsoleUpdate.update(&s, .ticked(at: s.now + .seconds(1)))
        #expect(ticked.contains { if case .view(_, .index, _) = $0 { true } else { false } })
        await drive(&s, ticked, services)
        // The verify answers: done, the result said.
        services.indexFake.status.withLock { $0 = IndexSamples.drift }
        services.indexFake.verifyResult.withLock { $0 = IndexSamples.drift.lastVerify! }
        await drive(&s, held, services)
        #expect(s.index.verifyPending == nil)
        #expect(s.status?.text.contains("drift in 7 products") == true)
        #expect(s.index.status == IndexSamples.drift)
        #expect(services.indexFake.actions.withLock { $0 } == ["verify"])
    }

    /// Counting the products in the index lists every vector id: the periodic refresh reuses
    /// the last count; opening, `r` and the end of a verify or repair count again.
    @Test func refreshesReuseTheProductCountWhileOpeningRAndAVerifyCountAgain() async {
        var (s, services) = await opened()
        #expect(services.indexFake.statusReads.withLock { $0 } == [true], "opening counts")
        for _ in 0..<3 { await drive(&s, ConsoleUpdate.update(&s, .ticked(at: s.now + s.refreshInterval)), services) }
        #expect(services.indexFake.statusReads.withLock { $0 } == [true, false, false, false], "refreshes do not")
        await drive(&s, press(&s, .character("r")), services)
        #expect(services.indexFake.statusReads.withLock { $0.last } == true, "r counts")
        services.indexFake.statusReads.withLock { $0 = [] }
        // A verify: the read beside it shows its progress only; its end counts again.
        await drive(&s, press(&s, .character("v")), services)
        #expect(services.indexFake.statusReads.withLock { $0 } == [false, true])
        services.indexFake.statusReads.withLock { $0 = [] }
        await drive(&s, press(&s, .character("X"), .character("y")), services)
        #expect(services.indexFake.statusReads.withLock { $0 } == [true], "a reindex counts again")
    }

    /// A read that reused an older count says when it was counted.
    @Test func aReusedCountSaysWhenItWasCounted() async {
        var status = IndexSamples.inSync
        status.productsCountedAt = IndexSamples.readAt.addingTimeInterval(-90)
        let (s, _) = await opened(status: status)
        #expect(ConsoleView.render(s).text.contains("120 in the index (counted"))
        let (fresh, _) = await opened()
        #expect(!ConsoleView.render(fresh).text.contains("counted"))
    }

    @Test func repairAsksNamingTheCountsThenEnqueues() async {
        var (s, services) = await opened(status: IndexSamples.drift)
        press(&s, .character("R"))
        guard case .confirm(let dialog, _)? = s.overlay else {
            Issue.record("expected a confirmation, got \(String(describing: s.overlay))")
            return
        }
        #expect(dialog.message.contains("2 missing, 1 text-stale, 3 metadata-stale and 1 orphaned"))
        #expect(services.indexFake.actions.withLock { $0 }.isEmpty)
        await drive(&s, press(&s, .character("y")), services)
        #expect(services.indexFake.actions.withLock { $0 } == ["repair"])
        #expect(s.status?.text.contains("Enqueued 6 upserts and 1 delete;") == true)
    }

    @Test func reindexAllAsksThenEnqueuesAndNSaysNo() async {
        var (s, services) = await opened()
        press(&s, .character("X"), .character("n"))
        #expect(services.indexFake.actions.withLock { $0 }.isEmpty)
        press(&s, .character("X"))
        guard case .confirm(let dialog, _)? = s.overlay else {
            Issue.record("expected a confirmation, got \(String(describing: s.overlay))")
            return
        }
        #expect(dialog.message.contains("all 120 products"))
        await drive(&s, press(&s, .character("y")), services)
        #expect(services.indexFake.actions.withLock { $0 } == ["reindex"])
        #expect(s.status?.text.contains("Enqueued 120 products") == true)
    }

    @Test func readOnlyRefusesRepairAndReindexButVerifies() async {
        for key in ["R", "X"] {
            var (s, services) = await opened(status: IndexSamples.drift, readOnly: true)
            let effects = press(&s, .character(Character(key)))
            #expect(effects.isEmpty)
            #expect(s.overlay == nil)
            #expect(s.status?.text == "Read-only mode: restart without --read-only to edit.")
            #expect(services.indexFake.actions.withLock { $0 }.isEmpty)
        }
        var (s, services) = await opened(readOnly: true)
        await drive(&s, press(&s, .character("v")), services)
        #expect(services.indexFake.actions.withLock { $0 } == ["verify"])
    }

    @Test func readOnlyIndexOperationsRefusesRepairAndReindexBeforeTheBackend() async throws {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        let guarded = ReadOnlyIndexOperations(services)
        await #expect(throws: IndexOperationError.readOnly(action: "repair the index")) { try await guarded.repairIndex() }
        await #expect(throws: IndexOperationError.readOnly(action: "reindex all products")) { try await guarded.reindexAll() }
        #expect(services.indexFake.actions.withLock { $0 }.isEmpty)
        #expect(try await guarded.verifyIndex { _ in }.isClean)
    }

    // MARK: Golden screens

    @Test(arguments: sizes)
    func inSync(size: Size) async {
        let (s, _) = await opened(size)
        assertSnapshot(ConsoleView.render(s), name("index-in-sync", size), roles: size.columns == 80)
    }

    @Test(arguments: sizes)
    func drift(size: Size) async {
        let (s, _) = await opened(size, status: IndexSamples.drift)
        assertSnapshot(ConsoleView.render(s), name("index-drift", size), roles: size.columns == 80)
    }

    @Test(arguments: sizes)
    func verifyRunning(size: Size) async {
        var (s, services) = await opened(size)
        services.indexFake.status.withLock {
            $0 = IndexSamples.status(running: IndexVerifyProgress(checked: 40, total: 120, startedAt: IndexSamples.readAt))
        }
        await drive(&s, press(&s, .character("v")), services, holdVerify: true)
        assertSnapshot(ConsoleView.render(s), name("index-verify-running", size))
    }

    @Test(arguments: sizes)
    func readOnly(size: Size) async {
        let (s, _) = await opened(size, status: IndexSamples.drift, readOnly: true)
        assertSnapshot(ConsoleView.render(s), name("index-read-only", size))
    }
}
