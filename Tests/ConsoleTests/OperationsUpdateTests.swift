import Catalog
import Console
import Foundation
import Operations
import Testing

/// `update` for the queues, dead letters, message and workers views: every key, the
/// confirmations, the background tasks and read-only mode.
@Suite("Operations views: update")
struct OperationsUpdateTests {
    func effectsOf<T>(_ effects: [ConsoleEffect], _ pick: (ConsoleEffect) -> T?) -> [T] { effects.compactMap(pick) }

    // MARK: Navigation and refresh

    @Test func tabReachesTheOperationsViewsAndColonNamesThem() {
        var s = Sample.state()
        s.search.focus = .results
        var seen: [ViewID] = []
        for _ in 0..<6 {
            press(&s, .tab)
            seen.append(s.view)
        }
        #expect(seen == [.products, .queues, .deadLetters, .workers, .services, .search])
        for name in ["dlq", "workers", "queues"] {
            press(&s, .character(":"))
            type(&s, name)
            press(&s, .enter)
            #expect(s.view.rawValue == name)
        }
    }

    @Test(": in an empty search box opens the command line; in a query it is just typed")
    func colonInTheSearchBox() {
        var s = Sample.state()
        #expect(s.search.focus == .query)
        press(&s, .character(":"))
        guard case .command? = s.overlay else {
            Issue.record("expected the command line, got \(String(describing: s.overlay))")
            return
        }
        type(&s, "dlq")
        press(&s, .enter)
        #expect(s.view == .deadLetters)
        var typing = Sample.state()
        type(&typing, "mug:")
        #expect(typing.overlay == nil && typing.search.query.text == "mug:")
    }

    @Test("queue depths and heartbeats are asked for every refresh interval, one request of each at a time")
    func refreshFollowsTheInterval() {
        var s = Sample.state()
        let start = ConsoleUpdate.start(&s)
        #expect(effectsOf(start) { if case .loadQueueStats = $0 { 1 } else { nil } }.count == 1)
        #expect(effectsOf(start) { if case .loadWorkers = $0 { 1 } else { nil } }.count == 1)
        // Still waiting for the answers: nothing more, however much time passes.
        #expect(!ConsoleUpdate.update(&s, .ticked(at: .seconds(5))).contains { if case .loadQueueStats = $0 { true } else { false } })
        Ops.answer(&s, start)
        #expect(s.queues.stats == Ops.stats() && s.queues.pending == nil && s.workers.roster == Ops.roster)
        // The next one is due an interval after the answer (at 5 s), not after the request.
        #expect(!ConsoleUpdate.update(&s, .ticked(at: .seconds(6))).contains { if case .loadQueueStats = $0 { true } else { false } })
        let due = ConsoleUpdate.update(&s, .ticked(at: .seconds(7)))
        #expect(due.contains { if case .loadQueueStats = $0 { true } else { false } })
        #expect(due.contains { if case .loadWorkers = $0 { true } else { false } })
    }

    @Test func rInTheQueuesViewRefreshesNow() {
        var s = Ops.state()
        #expect(s.queues.pending == nil)
        let effects = press(&s, .character("r"))
        #expect(effects.contains { if case .loadQueueStats = $0 { true } else { false } })
        #expect(s.queues.pending != nil)
    }

    @Test func aDLQThatStopsBeingEmptyRaisesANotice() {
        var s = Ops.state(stats: Ops.stats(dead: 0))
        Ops.answer(&s, press(&s, .character("r")), stats: Ops.stats(dead: 2))
        #expect(s.status?.text == "2 messages dead-lettered in products-dlq.fifo: :dlq shows why.")
        #expect(s.status?.level == .warn)
        // Still not empty: no second notice.
        s.status = nil
        Ops.answer(&s, press(&s, .character("r")), stats: Ops.stats(dead: 3))
        #expect(s.status == nil)
    }

    @Test func aFailedRefreshKeepsTheLastGoodFiguresMarkedStale() {
        var s = Ops.state(stats: Ops.stats(visible: 9, dead: 1))
        let effects = press(&s, .character("r"))
        guard case let .loadQueueStats(request)? = effects.first(where: { if case .loadQueueStats = $0 { true } else { false } }) else {
            Issue.record("r did not refresh")
            return
        }
        _ = ConsoleUpdate.update(&s, .requestFailed(request: request, ConsoleError(summary: "SQS did not answer.")))
        #expect(s.queues.isStale)
        #expect(s.queues.stats == Ops.stats(visible: 9, dead: 1))
        #expect(s.status?.level == .error && s.status?.text.contains("SQS did not answer.") == true)
        // The next good answer clears the mark.
        Ops.answer(&s, press(&s, .character("r")), stats: Ops.stats(visible: 3))
        #expect(!s.queues.isStale && s.queues.stats?.jobs.visible == 3)
    }

    @Test func oneMessageAMinuteIsSingular() {
        var s = Ops.state(now: .seconds(100))
        s.workers.processedHistory = [ProcessedSample(at: .seconds(40), total: 10), ProcessedSample(at: .seconds(100), total: 11)]
        #expect(s.workers.throughputPerMinute == 1)
        #expect(ConsoleView.render(s).text.contains("1 message/min processed"))
    }

    @Test("throughput counts what the emus processed between refreshes, across a restart")
    func throughputFromHeartbeats() {
        var s = Ops.state(now: .seconds(100))
        func beat(_ processed: Int64, at seconds: Int64) {
            let roster = WorkerRoster(
                workers: [Ops.worker("emu", "task-new", seen: 1, processed: processed)], readAt: Ops.epoch,
                leaderLockHeld: true)
            Ops.answer(&s, ConsoleUpdate.update(&s, .ticked(at: .seconds(seconds))), roster: roster)
        }
        beat(1_000, at: 102)  // first sight of this emu: its earlier work does not count
        beat(1_300, at: 132)
        beat(200, at: 162)  // restarted: counted from zero
        #expect(s.workers.processedTotal == 500)
        let perMinute = s.workers.throughputPerMinute
        #expect(perMinute.map { abs($0 - 500) < 1 } == true, "500 messages in the last 60 s: \(String(describing: perMinute))")
    }

    // MARK: Dead letters

    @Test func enterInTheQueuesViewOpensTheDeadLettersWhichLoad() {
        var s = Ops.state(stats: Ops.stats(dead: 3))
        let effects = press(&s, .enter)
        #expect(s.view == .deadLetters)
        #expect(effects.contains { if case .loadDeadLetters = $0 { true } else { false } })
        Ops.answer(&s, effects)
        #expect(s.deadLetters.rows?.map(\.productID) == ["?", "7", "42"])
        #expect(s.deadLetters.rows?.map(\.operation) == ["?", "upsert", "update"])
    }

    @Test func spaceMarksAndRedriveAsksNamingQueueAndCountThenReportsProgress() throws {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3))
        press(&s, .character(" "), .character(" "))
        #expect(s.deadLetters.marked == ["1001", "1002"])
        #expect(s.deadLetters.selection.selected == 2)
        press(&s, .character("R"))
        guard case let .confirm(dialog, action)? = s.overlay else { throw Failure("R should ask first") }
        #expect(dialog.message == "Redrive 2 messages from products-dlq.fifo to products-jobs.fifo?")
        #expect(action == .redriveDeadLetters(["1001", "1002"]))
        let effects = press(&s, .character("y"))
        guard case let .redriveDeadLetters(request, ids)? = effects.first else { throw Failure("y should redrive: \(effects)") }
        #expect(ids == ["1001", "1002"])
        #expect(s.queueTask?.total == 2 && s.queueTask?.kind == .redrive)
        _ = ConsoleUpdate.update(&s, .queueTaskProgressed(request: request, done: 1))
        #expect(s.queueTask?.done == 1)
        let after = ConsoleUpdate.update(&s, .deadLettersRedriven(request: request, RedriveSummary(moved: 2)))
        #expect(s.queueTask == nil && s.deadLetters.marked.isEmpty)
        #expect(s.status?.text == "Redrove 2 messages from products-dlq.fifo to products-jobs.fifo.")
        #expect(after.contains { if case .loadDeadLetters = $0 { true } else { false } }, "the list is read again")
        #expect(after.contains { if case .loadQueueStats = $0 { true } else { false } }, "and the depths")
    }

    @Test func redriveWithoutMarksAsksForAllAndNCancels() throws {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3))
        press(&s, .character("R"))
        guard case let .confirm(dialog, action)? = s.overlay else { throw Failure("R should ask first") }
        #expect(dialog.message == "Redrive all 3 messages from products-dlq.fifo to products-jobs.fifo?")
        #expect(action == .redriveDeadLetters(nil))
        #expect(press(&s, .character("n")).isEmpty)
        #expect(s.overlay == nil && s.queueTask == nil)
        // R in the queues view is the same redrive of all.
        _ = ConsoleUpdate.update(&s, .keyPressed(.tab))
        _ = ConsoleUpdate.update(&s, .keyPressed(.backTab))
        press(&s, .character(":"))
        type(&s, "queues")
        press(&s, .enter)
        press(&s, .character("R"))
        guard case .confirm(_, .redriveDeadLetters(nil))? = s.overlay else { throw Failure("R in queues redrives all") }
    }

    @Test func deleteAppliesToTheMarkedOrTheSelectedMessage() throws {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3))
        press(&s, .down, .character("D"))
        guard case let .confirm(dialog, action)? = s.overlay else { throw Failure("D should ask first") }
        #expect(dialog.message == "Delete 1 message from products-dlq.fifo? It is gone for good.")
        #expect(dialog.isDestructive)
        #expect(action == .deleteDeadLetters(["1002"]))
        let effects = press(&s, .enter)
        guard case let .deleteDeadLetters(request, ids)? = effects.first else { throw Failure("enter confirms: \(effects)") }
        #expect(ids == ["1002"])
        _ = ConsoleUpdate.update(&s, .deadLettersDeleted(request: request, count: 1))
        #expect(s.status?.text == "Deleted 1 message from products-dlq.fifo.")
    }

    @Test func purgeAsksAndAnEmptyDLQIsRefusedWithAClearLine() throws {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3))
        press(&s, .character("P"))
        guard case let .confirm(dialog, .purgeDeadLetters)? = s.overlay else { throw Failure("P should ask first") }
        #expect(dialog.message == "Purge all 3 messages from products-dlq.fifo? They are gone for good.")
        let effects = press(&s, .character("y"))
        guard case let .purgeDeadLetters(request)? = effects.first else { throw Failure("y purges: \(effects)") }
        _ = ConsoleUpdate.update(&s, .deadLettersPurged(request: request, count: nil))
        #expect(s.status?.text == "Purge of products-dlq.fifo started: SQS deletes the messages within a minute.")

        var counted = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 1))
        press(&counted, .character("P"))
        guard case let .confirm(one, _)? = counted.overlay else { throw Failure("P should ask first") }
        #expect(one.message == "Purge the 1 message from products-dlq.fifo? It is gone for good.")
        guard case let .purgeDeadLetters(r)? = press(&counted, .character("y")).first else { throw Failure("y purges") }
        let reload = ConsoleUpdate.update(&counted, .deadLettersPurged(request: r, count: 1))
        #expect(counted.status?.text == "Purged products-dlq.fifo: 1 message deleted.")
        Ops.answer(&counted, reload, stats: Ops.stats(dead: 0), deadLetters: [])
        #expect(ConsoleView.render(counted).text.contains("products-dlq.fifo is empty: you purged 1 message from it."))

        var empty = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 0))
        #expect(press(&empty, .character("P")).isEmpty)
        #expect(empty.overlay == nil)
        #expect(empty.status?.text == "products-dlq.fifo is already empty: nothing to purge.")
        press(&empty, .character("R"))
        #expect(empty.overlay == nil && empty.status?.text == "products-dlq.fifo is empty: nothing to redrive.")
    }

    @Test func aTaskInProgressRefusesAnother() {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3))
        press(&s, .character("R"), .character("y"))
        #expect(s.queueTask != nil)
        press(&s, .character("P"))
        #expect(s.overlay == nil)
        #expect(s.status?.text.hasPrefix("Wait for the running task to finish") == true)
    }

    @Test func aFailedRedriveSaysHowFarItGotAndReloads() throws {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3))
        let effects = press(&s, .character("R"), .character("y"))
        guard case let .redriveDeadLetters(request, _)? = effects.last else { throw Failure("no redrive: \(effects)") }
        _ = ConsoleUpdate.update(&s, .queueTaskProgressed(request: request, done: 2))
        let after = ConsoleUpdate.update(&s, .requestFailed(request: request, ConsoleError(summary: "SQS throttled the request.")))
        #expect(s.queueTask == nil)
        #expect(s.status?.text == "Redriving products-dlq.fifo stopped after 2: SQS throttled the request.")
        #expect(after.contains { if case .loadDeadLetters = $0 { true } else { false } })
    }

    @Test func slashFiltersEnterAppliesEscLeavesItAsItWas() {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3))
        press(&s, .character("/"))
        type(&s, "version")
        #expect(s.deadLetters.filterField?.text == "version")
        press(&s, .enter)
        #expect(s.deadLetters.filter == "version")
        #expect(s.shownDeadLetters.map(\.message.messageID) == ["1002"])
        press(&s, .character("/"), .control("u"))
        type(&s, "42")
        press(&s, .escape)
        #expect(s.deadLetters.filter == "version", "esc leaves the filter as it was")
        press(&s, .character("/"), .control("u"), .enter)
        #expect(s.deadLetters.filter == nil && s.shownDeadLetters.count == 3)
    }

    @Test func columnValueFiltersOneColumnAndEscOnTheListClears() {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3))
        func filter(_ text: String) -> [String] {
            press(&s, .character("/"), .control("u"))
            type(&s, text)
            press(&s, .enter)
            return s.shownDeadLetters.map(\.message.messageID)
        }
        #expect(filter("op:up") == ["1002", "1003"])
        #expect(filter("product:7") == ["1002"])
        #expect(filter("recv:5 op:update") == ["1003"])
        // A plain word still reads the body; a column only its own cell.
        #expect(filter("flask") == ["1003"])
        #expect(filter("reason:flask") == [])
        press(&s, .escape)
        #expect(s.deadLetters.filter == nil && s.shownDeadLetters.count == 3, "esc on the list clears the filter")
        #expect(s.view == .deadLetters)
        #expect(filter("body:flask") == ["1001", "1002", "1003"], "an unknown column changes nothing…")
        #expect(s.deadLetters.filterField?.text == "body:flask", "…and the input stays open to fix it")
        #expect(s.status?.text.hasPrefix("No column “body”: filter by message id, product, op, recv,") == true)
    }

    @Test func enterShowsAMessageWhoseKeysActOnIt() throws {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3))
        press(&s, .end, .enter)
        #expect(s.view == .deadLetter)
        #expect(s.deadLetter?.row.message.messageID == "1003")
        #expect(s.deadLetter?.bodyLines.first == "{" && s.deadLetter?.bodyLines.contains("  \"action\" : \"UPDATE\",") == true)
        press(&s, .down, .down, .up)
        #expect(s.deadLetter?.scroll == 1)
        press(&s, .character("R"))
        guard case .confirm(_, .redriveDeadLetters(["1003"]))? = s.overlay else { throw Failure("R redrives this message") }
        press(&s, .escape)
        press(&s, .character("D"))
        guard case .confirm(_, .deleteDeadLetters(["1003"]))? = s.overlay else { throw Failure("D deletes this message") }
        press(&s, .escape, .escape)
        #expect(s.view == .deadLetters && s.deadLetter == nil)
    }

    // MARK: Read-only

    @Test("read-only hides redrive, delete and purge", arguments: [ViewID.queues, .deadLetters])
    func readOnlyHidesTheActions(view: ViewID) {
        let s = Ops.state(view: view, stats: Ops.stats(dead: 3), readOnly: true)
        let keys = ConsoleUpdate.bindings(for: s).flatMap(\.keys)
        #expect(!keys.contains(.character("R")) && !keys.contains(.character("D")) && !keys.contains(.character("P")))
    }

    @Test("read-only: R, D and P do nothing", arguments: [Key.character("R"), .character("D"), .character("P")])
    func readOnlyKeysDoNothing(key: Key) {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3), readOnly: true)
        #expect(press(&s, key, .character("y")).isEmpty)
        #expect(s.overlay == nil && s.queueTask == nil)
    }

    @Test func readOnlyRefusesAConfirmedRedriveAsASecondGuard() {
        var s = Ops.state(view: .deadLetters, stats: Ops.stats(dead: 3), readOnly: true)
        s.overlay = .confirm(
            ConfirmDialog(title: "Redrive", message: "?", confirmLabel: "redrive", isDestructive: false), .redriveDeadLetters(nil))
        #expect(press(&s, .character("y")).isEmpty)
        #expect(s.status?.level == .error && s.status?.text.hasPrefix("Read-only mode") == true)
    }

    // MARK: Workers

    @Test func workersMoveRefreshAndSpotTheMissingOne() {
        var s = Ops.state(view: .workers)
        press(&s, .character("j"), .character("j"))
        #expect(s.workers.selection.selected == 2)
        press(&s, .character("G"))
        #expect(s.workers.selection.selected == 3)
        #expect(press(&s, .character("r")).contains { if case .loadWorkers = $0 { true } else { false } })
        let roster = Ops.roster
        #expect(roster.workers.map { $0.isMissing(at: roster.readAt) } == [false, false, false, true])
        #expect(roster.leader?.id == "task-7f3a")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
