import Catalog
import Console
import Foundation
import Operations
import TestSupport
import Testing

/// Traces as `ProductTracer` words them, at a fixed time (the console's zone is UTC in tests).
enum Traces {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static let tracedAt = at("2026-12-07T11:06:00Z")

    static func trace(_ stages: [TraceStage]) -> ProductTrace {
        ProductTrace(
            productID: 1, sku: "KIT-233-61J", name: "Atlas Everyday Vacuum Flask", queueBackend: "postgres", indexBackend: "local",
            tracedAt: tracedAt, stages: stages)
    }

    static let change = TraceStage(
        kind: .change, status: .done, summary: "update, seq 4812 at 2026-12-07 11:02:03Z; changed price, description",
        at: at("2026-12-07T11:02:03Z"))
    static let outboxDone = TraceStage(kind: .outbox, status: .done, summary: "not waiting in the outbox")
    static let sent = TraceStage(
        kind: .pelican, status: .done, summary: "sent seq 4812 at 2026-12-07 11:02:04Z", at: at("2026-12-07T11:02:04Z"))
    static let processed = TraceStage(
        kind: .queue, status: .done, summary: "processed: in neither refarch_jobs nor refarch_jobs_dlq")
    static let current = TraceStage(kind: .index, status: .done, summary: "current: 2 vectors at seq 4812, text and template match")
    static let ranked = TraceStage(kind: .search, status: .done, summary: "ranks 1 of 100 for its name (score 0.912)")

    static let complete = trace([change, outboxDone, sent, processed, current, ranked])

    static let pausedInTheOutbox = trace([
        change,
        TraceStage(
            kind: .outbox, status: .waiting, summary: "waiting in the outbox since 2026-12-07 11:02:03Z (1 row)",
            at: at("2026-12-07T11:02:03Z"),
            remedy: TraceRemedy(
                action: .resume, text: "The sync is paused: changes wait until it is resumed.", command: "refarch-tui sync resume")),
        TraceStage(kind: .pelican, status: .waiting, summary: "not sent yet"),
        TraceStage(kind: .queue, status: .waiting, summary: "not in the queue yet"),
        TraceStage(kind: .index, status: .waiting, summary: "metadata stale: 2 vectors at seq 4790, latest 4812 (text matches)"),
        TraceStage(kind: .search, status: .done, summary: "ranks 1 of 100 for its name (score 0.905)"),
    ])

    static let deadLettered = trace([
        change, outboxDone, sent,
        TraceStage(
            kind: .queue, status: .failed,
            summary:
                "dead-lettered in refarch_jobs_dlq at 2026-12-06 16:41:02Z: embedding failed: the model folder "
                + ".refarch/models/all-MiniLM-L6-v2 has no vocab.txt",
            at: at("2026-12-06T16:41:02Z"),
            remedy: TraceRemedy(
                action: .redrive, text: "Fix the cause, then move it back to the jobs queue.",
                command: "refarch-tui queue redrive --id 7f3c2a9e-5d1b-4c8e-9a0f-2b6d4e8c1a37")),
        TraceStage(kind: .index, status: .waiting, summary: "text stale: 2 vectors at seq 4790 made from another text"),
        TraceStage(kind: .search, status: .waiting, summary: "ranks 14 of 100 for its name (score 0.533)"),
    ])

    static let textStale = trace([
        change, outboxDone, sent, processed,
        TraceStage(
            kind: .index, status: .failed,
            summary: "text stale: 2 vectors at seq 4790 made from another embedding template; nothing is on the way",
            remedy: TraceRemedy(
                action: .repair, text: "The change left the queue without reaching the index: enqueue the fix.",
                command: "refarch-tui verify --repair")),
        TraceStage(kind: .search, status: .waiting, summary: "ranks 9 of 100 for its name (score 0.611)"),
    ])

    /// The trace requests among `effects`.
    static func requests(_ effects: [ConsoleEffect]) -> [(request: Int, target: TraceTarget)] {
        effects.compactMap {
            if case let .view(r, .trace, payload) = $0, let request = payload.as(TraceRequest.self) { (r, request.target) } else { nil }
        }
    }

    /// Opens `:trace <text>` on the command line.
    @discardableResult
    static func command(_ s: inout ConsoleState, _ text: String) -> [ConsoleEffect] {
        press(&s, .character(":"))
        type(&s, text)
        return press(&s, .enter)
    }

    /// A console at `size` that ran `:trace 1` (or `:trace 999` for a failure) from search and got `answer`.
    static func shown(_ answer: Result<ProductTrace, ConsoleError>, _ size: Size) -> ConsoleState {
        var s = Sample.state(size)
        _ = ConsoleUpdate.update(
            &s, .indexProgressLoaded(request: requestNumber(ConsoleUpdate.start(&s))!, IndexProgress(indexed: 120, total: 120)))
        let request = requests(command(&s, answer.isSuccess ? "trace 1" : "trace 999"))[0].request
        switch answer {
        case .success(let trace): _ = ConsoleUpdate.update(&s, .viewAnswered(request: request, .trace, AnyViewPayload(trace)))
        case .failure(let error): _ = ConsoleUpdate.update(&s, .requestFailed(request: request, error))
        }
        return s
    }
}

extension CellGrid {
    /// The role letters of the first row whose text contains `text` (empty if none does).
    func roleLetters(ofLineContaining text: String) -> Set<Character> {
        let lines = self.text.split(separator: "\n", omittingEmptySubsequences: false)
        let roles = self.roles.split(separator: "\n", omittingEmptySubsequences: false)
        guard let y = lines.firstIndex(where: { $0.contains(text) }) else { return [] }
        return Set(roles[y])
    }
}

extension Result {
    var isSuccess: Bool { if case .success = self { true } else { false } }
}

@Suite("Trace view")
struct TraceTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)]

    // MARK: Opening

    @Test("t on a search result traces that product, over search")
    func tFromSearch() {
        var s = Sample.state()
        type(&s, "coffee")
        let search = requestNumber(press(&s, .enter))!
        _ = ConsoleUpdate.update(&s, .searchFinished(request: search, Sample.hits("coffee")))
        press(&s, .down)
        let requests = Traces.requests(press(&s, .character("t")))
        #expect(requests.map(\.target) == [.id(ProductID(2))])
        #expect(s.view == .trace && s.stack == [.search])
        #expect(s.trace.target == .id(ProductID(2)))
    }

    @Test("t in the search box types a t")
    func tInTheSearchBoxTypes() {
        var s = Sample.state()
        #expect(Traces.requests(type(&s, "t")).isEmpty)
        #expect(s.view == .search && s.search.query.text == "t")
    }

    @Test("t on the products list traces the selected row, over products")
    func tFromProducts() {
        var s = Sample.state()
        press(&s, .tab)
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: s.products.pending!, Sample.page))
        press(&s, .down, .down)
        let requests = Traces.requests(press(&s, .character("t")))
        #expect(requests.map(\.target) == [.id(Sample.page.products[2].id)])
        #expect(s.view == .trace && s.stack == [.products])
    }

    @Test("t on a product's details traces it; esc goes back to the details, then to search")
    func tFromDetailsAndBack() {
        var s = Sample.state()
        type(&s, "coffee")
        let search = requestNumber(press(&s, .enter))!
        _ = ConsoleUpdate.update(&s, .searchFinished(request: search, Sample.hits("coffee")))
        press(&s, .down, .enter)
        #expect(s.view == .details)
        let opened = s.details!.product.id
        #expect(Traces.requests(press(&s, .character("t"))).map(\.target) == [.id(opened)])
        #expect(s.view == .trace && s.stack == [.search, .details])
        press(&s, .escape)
        #expect(s.view == .details && s.details?.product.id == opened, "back where it was opened")
        #expect(s.trace.target == nil, "the trace forgot its product")
        press(&s, .escape)
        #expect(s.view == .search)
    }

    @Test("t works in read-only mode (a trace only reads)")
    func tInReadOnlyMode() {
        var s = Sample.state(readOnly: true)
        press(&s, .tab)
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: s.products.pending!, Sample.page))
        #expect(Traces.requests(press(&s, .character("t"))).count == 1)
        #expect(s.view == .trace && s.status == nil)
    }

    @Test(":trace 42 traces product 42 over the current view; esc comes back")
    func commandWithAnID() {
        var s = Ops.state(view: .workers)
        let requests = Traces.requests(Traces.command(&s, "trace 42"))
        #expect(requests.map(\.target) == [.id(ProductID(42))])
        #expect(s.view == .trace && s.stack == [.workers])
        press(&s, .escape)
        #expect(s.view == .workers && s.stack.isEmpty)
    }

    @Test(":trace SKU traces by SKU (anything that is not a positive id)")
    func commandWithASKU() {
        var s = Sample.state()
        press(&s, .escape)
        #expect(Traces.requests(Traces.command(&s, "trace KIT-233-61J")).map(\.target) == [.sku("KIT-233-61J")])
        #expect(s.view == .trace)
        #expect(Traces.requests(Traces.command(&s, "TRACE  -3 ")).map(\.target) == [.sku("-3")])
        #expect(s.stack == [.search], "a trace opened from the trace view replaces it: one esc goes back")
    }

    @Test("traced by SKU, the header names the product found")
    func crumbNamesTheProductFound() {
        var s = Sample.state()
        press(&s, .escape)
        let request = Traces.requests(Traces.command(&s, "trace kit-233-61j"))[0].request
        #expect(ConsoleView.render(s).line(0).contains("Trace SKU kit-233-61j"))
        _ = ConsoleUpdate.update(&s, .viewAnswered(request: request, .trace, AnyViewPayload(Traces.complete)))
        #expect(ConsoleView.render(s).line(0).contains("Trace product 1"))
    }

    @Test(":trace alone says how to use it and stays put")
    func commandWithoutArguments() {
        var s = Sample.state()
        press(&s, .escape)
        #expect(Traces.requests(Traces.command(&s, "trace")).isEmpty)
        #expect(s.view == .search && s.status?.level == .error && s.status?.text.contains(":trace ID") == true)
    }

    @Test("tab on the command line completes trace")
    func commandCompletes() {
        var s = Sample.state()
        press(&s, .escape, .character(":"))
        type(&s, "tr")
        press(&s, .tab)
        #expect(s.overlay == .command(TextField("trace")))
    }

    // MARK: Answers

    @Test("r traces again, replacing a trace on its way; only the newest answer is shown")
    func refresh() {
        var s = Sample.state()
        let first = Traces.requests(Traces.command(&s, "trace 1"))[0].request
        _ = ConsoleUpdate.update(&s, .viewAnswered(request: first, .trace, AnyViewPayload(Traces.pausedInTheOutbox)))
        #expect(s.trace.trace == Traces.pausedInTheOutbox)
        let second = press(&s, .character("r"))
        let again = Traces.requests(second)
        #expect(again.map(\.target) == [.id(ProductID(1))] && again[0].request != first)
        #expect(s.trace.trace == Traces.pausedInTheOutbox, "the last answer stays while it traces again")
        let third = press(&s, .character("r"))
        #expect(third.contains(.cancel(request: again[0].request)), "the older trace is cancelled")
        let newest = Traces.requests(third)[0].request
        _ = ConsoleUpdate.update(&s, .viewAnswered(request: again[0].request, .trace, AnyViewPayload(Traces.deadLettered)))
        #expect(s.trace.trace == Traces.pausedInTheOutbox, "a replaced answer is dropped")
        _ = ConsoleUpdate.update(&s, .viewAnswered(request: newest, .trace, AnyViewPayload(Traces.complete)))
        #expect(s.trace.trace == Traces.complete && s.trace.pending == nil)
    }

    @Test("an answer that arrives after esc is dropped")
    func lateAnswerAfterLeaving() {
        var s = Sample.state()
        let request = Traces.requests(Traces.command(&s, "trace 1"))[0].request
        press(&s, .escape)
        _ = ConsoleUpdate.update(&s, .viewAnswered(request: request, .trace, AnyViewPayload(Traces.complete)))
        #expect(s.trace.trace == nil && s.view == .search && s.inFlight[request] == nil)
    }

    @Test("an unknown product's error and remedy go to the body; r asks again")
    func unknownProduct() {
        let error = ConsoleError(TraceError.unknownID(999))
        var s = Traces.shown(.failure(error), Size(columns: 80, rows: 24))
        #expect(s.loadErrors[.trace] == error && error.remedy != nil)
        let text = ConsoleView.render(s).text
        #expect(text.contains("no product with id 999"))
        #expect(Traces.requests(press(&s, .character("r"))).map(\.target) == [.id(ProductID(999))])
        press(&s, .escape)
        #expect(s.loadErrors[.trace] == nil, "leaving forgets the error")
    }

    @Test("the first stage not done is highlighted in the error role when stuck, warn when waiting")
    func highlight() {
        let stuck = ConsoleView.render(Traces.shown(.success(Traces.deadLettered), Size(columns: 80, rows: 24)))
        let waiting = ConsoleView.render(Traces.shown(.success(Traces.pausedInTheOutbox), Size(columns: 80, rows: 24)))
        #expect(stuck.roleLetters(ofLineContaining: "▸ queue").contains("E"))
        #expect(!stuck.roleLetters(ofLineContaining: "pelican").contains("E"), "only the first stage not done")
        #expect(waiting.roleLetters(ofLineContaining: "▸ outbox").contains("w"))
        #expect(!waiting.roleLetters(ofLineContaining: "▸ outbox").contains("E"))
    }

    @Test("the view's request runs the services' trace; its errors keep their remedy")
    func runsTheServicesTrace() async throws {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        let screen = ConsoleScreens.screen(.trace)
        let answer = try await screen.run(AnyViewPayload(TraceRequest(target: .id(ProductID(1)))), services: services)
        #expect(answer.as(ProductTrace.self) == Traces.complete)
        do {
            _ = try await screen.run(AnyViewPayload(TraceRequest(target: .sku("NOPE"))), services: services)
            Issue.record("an unknown SKU traced")
        } catch {
            #expect(ConsoleError(error) == ConsoleError(TraceError.unknownSKU("NOPE")) && ConsoleError(error).remedy != nil)
        }
    }

    // MARK: Golden screens

    @Test(arguments: sizes) func complete(size: Size) {
        assertSnapshot(ConsoleView.render(Traces.shown(.success(Traces.complete), size)), "trace-complete-\(size.columns)x\(size.rows)")
    }

    @Test(arguments: sizes) func pausedInTheOutbox(size: Size) {
        assertSnapshot(
            ConsoleView.render(Traces.shown(.success(Traces.pausedInTheOutbox), size)), "trace-outbox-paused-\(size.columns)x\(size.rows)",
            roles: size.columns == 80)
    }

    @Test(arguments: sizes) func deadLettered(size: Size) {
        assertSnapshot(
            ConsoleView.render(Traces.shown(.success(Traces.deadLettered), size)), "trace-dead-lettered-\(size.columns)x\(size.rows)",
            roles: size.columns == 80)
    }

    @Test(arguments: sizes) func textStale(size: Size) {
        assertSnapshot(ConsoleView.render(Traces.shown(.success(Traces.textStale), size)), "trace-text-stale-\(size.columns)x\(size.rows)")
    }

    @Test(arguments: sizes) func unknown(size: Size) {
        let error = ConsoleError(TraceError.unknownID(999))
        assertSnapshot(ConsoleView.render(Traces.shown(.failure(error), size)), "trace-unknown-\(size.columns)x\(size.rows)")
    }
}
