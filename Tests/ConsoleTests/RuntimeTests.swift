import AWS
import Catalog
import Console
import Foundation
import Operations
import Synchronization
import TestSupport
import Testing

/// The loop with a recording terminal and fake services: effects answer as messages, a
/// dead backend never freezes the screen.
@Suite("Console runtime")
struct RuntimeTests {
    struct Outcome: Sendable {
        var sawTypingWhileHung = false
        var sawTimeout = false
        var quit = false
        var stillRunning = 0
        var frames = 0
        var turns = 0
        var sawProducts = false
        var idleFrames = 0
    }

    @Test func keysAreAnsweredWhileTheDatabaseDoesNotAnswer() async throws {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        services.hang()
        let outcome = await MainActor.run { () -> Outcome in
            var outcome = Outcome()
            let terminal = RecordingTerminal(size: Size(columns: 80, rows: 24))
            let started = Date()
            terminal.onWait = { terminal in
                defer { outcome.turns += 1 }
                switch outcome.turns {
                case 0: return "mug".map { .key(.character($0)) } + [.key(.enter)]
                case 1...3: return []
                case 4: return [.key(.character("/"))] + " more".map { .key(.character($0)) }
                default:
                    let screen = terminal.last?.text ?? ""
                    if screen.contains("mug more") { outcome.sawTypingWhileHung = true }
                    if screen.contains("No answer after") { outcome.sawTimeout = true }
                    // Generous: effects run on Swift's pool, which other tests' synchronous work
                    // can hold for a minute on a loaded 2-core machine (seen in `make test`).
                    if outcome.sawTimeout || Date().timeIntervalSince(started) > 300 { return [.key(.control("c"))] }
                    return []
                }
            }
            let runtime = ConsoleRuntime(
                terminal: terminal, state: Sample.state(), themes: ThemeLibrary(themes: [BuiltInThemes.mono]),
                colour: false, services: services, requestTimeout: .milliseconds(400))
            runtime.run()
            outcome.quit = runtime.state.isQuitting
            outcome.stillRunning = runtime.runner.runningCount
            return outcome
        }
        #expect(outcome.sawTypingWhileHung, "typing showed up while the search hung")
        #expect(outcome.sawTimeout, "the hung request became an error line")
        #expect(outcome.quit)
        #expect(outcome.stillRunning == 0, "quitting cancels what is still running")
    }

    @Test func effectsAnswerAsMessagesAndTheScreenFollows() async throws {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        let outcome = await MainActor.run { () -> Outcome in
            var outcome = Outcome()
            let terminal = RecordingTerminal(size: Size(columns: 100, rows: 30))
            // The products' answer comes from another thread: wait for it by the clock, not by a
            // count of turns, and generously (under `make test` on a loaded 2-core machine other
            // tests held Swift's pool for over 30 s).
            let deadline = ContinuousClock.now + .seconds(300)
            var idleUntil = deadline
            terminal.onWait = { terminal in
                defer { outcome.turns += 1 }
                if outcome.turns == 0 { return [.key(.tab)] }
                if !outcome.sawProducts, terminal.last?.text.contains("Juniper Lite Headlamp") == true {
                    outcome.sawProducts = true
                    outcome.frames = outcome.turns
                    idleUntil = ContinuousClock.now + .milliseconds(2500)
                }
                if !outcome.sawProducts {
                    if ContinuousClock.now > deadline { return [.key(.character("q"))] }
                    usleep(1_000)
                    return []
                }
                // Then idle for a while, long enough for the once-a-second ticks to refresh the
                // workers and queues in the background (the screen stays the same).
                return outcome.turns > outcome.frames + 30 && ContinuousClock.now > idleUntil ? [.key(.character("q"))] : []
            }
            let runtime = ConsoleRuntime(
                terminal: terminal, state: Sample.state(), themes: ThemeLibrary(themes: [BuiltInThemes.mono]),
                colour: false, services: services)
            runtime.run()
            // How many frames repeat the one before: each is a redraw with nothing new on screen.
            outcome.idleFrames = zip(terminal.presented, terminal.presented.dropFirst()).filter { $0 == $1 }.count
            return outcome
        }
        #expect(outcome.sawProducts)
        // Frames are drawn only on change. How many changes the idle turns see (a refresh
        // answering, an expiring status) depends on how fast the machine is; a frame that
        // repeats the one before it does not.
        #expect(outcome.idleFrames == 0, "frames drawn with nothing changed on screen")
    }

    @Test("a terminal that hangs up ends the loop, as a quit does")
    func hangUpQuits() async throws {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        let (quit, waits) = await MainActor.run { () -> (Bool, Int) in
            let terminal = RecordingTerminal(size: Size(columns: 80, rows: 24))
            var waits = 0
            terminal.onWait = { _ in
                waits += 1
                // Typing first (the console is busy), then the hang-up; a loop that ignored
                // it would come back for more and be stopped here.
                return waits == 1 ? [.key(.character("x"))] : waits == 2 ? [.hungUp] : [.key(.control("c"))]
            }
            let runtime = ConsoleRuntime(
                terminal: terminal, state: Sample.state(), themes: ThemeLibrary(themes: [BuiltInThemes.mono]),
                colour: false, services: services)
            runtime.run()
            return (runtime.state.isQuitting, waits)
        }
        #expect(quit)
        #expect(waits == 2, "the loop stopped at the hang-up, not at the ctrl-c after it")
    }

    /// Waits (generously) until `posted` holds a message for `request`.
    static func answer(to request: Int, in posted: borrowing Mutex<[ConsoleMessage]>) async throws -> ConsoleMessage? {
        // Generous: on a loaded CI machine the parallel suites can hold the pool for a minute.
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            let found = posted.withLock { messages in
                messages.first {
                    switch $0 {
                    case .productSaved(let r, _), .syncProgressed(let r, _, _), .requestFailed(let r, _): r == request
                    default: false
                    }
                }
            }
            if let found { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test(arguments: [FakeConsoleServices.IndexState.opening, .unreachable])
    func aSaveIsReportedSavedWhateverTheIndex(index: FakeConsoleServices.IndexState) async throws {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        services.setIndex(index)
        let posted = Mutex<[ConsoleMessage]>([])
        let runner = EffectRunner(services: services, timeout: .seconds(600)) { message in posted.withLock { $0.append(message) } }
        defer { runner.cancelAll() }
        var s = Sample.state()
        let list = ConsoleUpdate.update(&s, .keyPressed(.tab))
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: requestNumber(list)!, Sample.page))
        let load = ConsoleUpdate.update(&s, .keyPressed(.character("e")))
        _ = ConsoleUpdate.update(&s, .productLoaded(request: requestNumber(load)!, Sample.products[0]))
        _ = ConsoleUpdate.update(&s, .keyPressed(.character("!")))
        let save = ConsoleUpdate.update(&s, .keyPressed(.control("s")))
        let saveRequest = try #require(requestNumber(save))
        save.forEach(runner.run)
        let answer = try #require(try await Self.answer(to: saveRequest, in: posted), "the save is answered although the index is \(index)")
        let poll = ConsoleUpdate.update(&s, answer)
        #expect(s.status?.text == "Saved product 1." && s.status?.level == .ok)
        #expect(ConsoleView.render(s).text.contains("saved ✓"))
        #expect(try await services.store.product(id: ProductID(1))?.name == "Atlas Everyday Vacuum Flask!")
        // The trail follows in the background and never turns the save into an error.
        let pollRequest = try #require(requestNumber(poll.filter { if case .loadSyncStage = $0 { true } else { false } }))
        poll.forEach(runner.run)
        if index == .unreachable {
            let failure = try #require(try await Self.answer(to: pollRequest, in: posted))
            _ = ConsoleUpdate.update(&s, failure)
            #expect(s.editor?.sync?.note == "index unreachable")
        }
        #expect(s.status?.text == "Saved product 1." && s.status?.level == .ok)
        #expect(s.editor?.sync?.stage == .saved && s.editor?.sync?.reached[.saved] != nil)
    }

    /// Regression: the console's error wording had no case for AWS errors, so an SQS failure
    /// reached the Queues view as its bare description, without the remedy it carries.
    @Test func anSQSFailureReachesTheConsoleWithItsRemedy() async throws {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        let failure = AWSError.service(
            .init(
                service: "SQS", operation: "GetQueueAttributes", statusCode: 400, code: "QueueDoesNotExist",
                legacyCode: "AWS.SimpleQueueService.NonExistentQueue", message: "The specified queue does not exist."))
        services.failQueue(with: failure)
        let posted = Mutex<[ConsoleMessage]>([])
        let runner = EffectRunner(services: services, timeout: .seconds(600)) { message in posted.withLock { $0.append(message) } }
        defer { runner.cancelAll() }
        runner.run(.loadQueueStats(request: 41))
        let answer = try #require(try await Self.answer(to: 41, in: posted))
        guard case .requestFailed(_, let error) = answer else {
            Issue.record("expected a failure, got \(answer)")
            return
        }
        #expect(error.summary == failure.summary)
        #expect(error.remedy == "Check SQS_QUEUE_URL (or SQS_DLQ_URL) and AWS_REGION.")
        #expect(error.line.hasSuffix("Check SQS_QUEUE_URL (or SQS_DLQ_URL) and AWS_REGION."))
    }
}
