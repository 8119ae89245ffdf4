import Catalog
import Console
import Testing

/// Golden screens: each view at 80×24 and 160×48 with fixed state and clock, compared with
/// `Snapshots/<name>.txt` (RECORD_SNAPSHOTS=1 rewrites them, and fails so they get read).
@Suite("Golden screens")
struct SnapshotTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)]

    func name(_ base: String, _ size: Size) -> String { "\(base)-\(size.columns)x\(size.rows)" }

    func searchWithResults(_ size: Size, readOnly: Bool = false) -> ConsoleState {
        var s = Sample.state(size, readOnly: readOnly)
        _ = ConsoleUpdate.update(
            &s, .indexProgressLoaded(request: requestNumber(ConsoleUpdate.start(&s))!, IndexProgress(indexed: 3_204, total: 10_000)))
        type(&s, "something to keep coffee hot")
        let request = requestNumber(press(&s, .enter))!
        _ = ConsoleUpdate.update(&s, .searchFinished(request: request, Sample.hits("something to keep coffee hot")))
        press(&s, .down)
        return s
    }

    func products(_ size: Size, readOnly: Bool = false) -> ConsoleState {
        var s = Sample.state(size, readOnly: readOnly)
        _ = ConsoleUpdate.update(
            &s, .indexProgressLoaded(request: requestNumber(ConsoleUpdate.start(&s))!, IndexProgress(indexed: 120, total: 120)))
        press(&s, .tab)
        press(&s, .character("s"), .character("s"), .character("S"))
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: s.products.pending!, Sample.page))
        press(&s, .down, .down)
        return s
    }

    @Test(arguments: sizes) func searchBeforeTheFirstQuery(size: Size) {
        var s = Sample.state(size)
        _ = ConsoleUpdate.start(&s)
        assertSnapshot(ConsoleView.render(s), name("search-empty", size))
    }

    @Test(arguments: sizes) func searchResults(size: Size) {
        assertSnapshot(ConsoleView.render(searchWithResults(size)), name("search-results", size), roles: size.columns == 80)
    }

    @Test func searchWhileTheQueryRuns() {
        var s = Sample.state()
        type(&s, "hiking gift")
        press(&s, .enter)
        _ = ConsoleUpdate.update(&s, .ticked(at: .milliseconds(1_250)))
        assertSnapshot(ConsoleView.render(s), "search-running-80x24")
    }

    @Test(arguments: sizes) func details(size: Size) {
        var s = searchWithResults(size)
        press(&s, .enter)
        assertSnapshot(ConsoleView.render(s), name("details", size))
    }

    @Test(arguments: sizes) func productsView(size: Size) {
        assertSnapshot(ConsoleView.render(products(size)), name("products", size))
    }

    @Test func productsReadOnly() {
        assertSnapshot(ConsoleView.render(products(Size(columns: 80, rows: 24), readOnly: true)), "products-read-only-80x24")
    }

    @Test func deleteConfirmation() {
        var s = products(Size(columns: 80, rows: 24))
        press(&s, .character("d"))
        assertSnapshot(ConsoleView.render(s), "products-confirm-delete-80x24", roles: true)
    }

    @Test(arguments: sizes) func editorWithProblems(size: Size) {
        var s = products(size)
        let load = press(&s, .character("e"))
        _ = ConsoleUpdate.update(&s, .productLoaded(request: requestNumber(load)!, Sample.page.products[2]))
        press(&s, .control("u"), .tab)
        type(&s, " X")
        press(&s, .control("s"))
        assertSnapshot(ConsoleView.render(s), name("editor-problems", size), roles: size.columns == 80)
    }

    @Test(arguments: sizes) func editorFollowingASave(size: Size) {
        var s = products(size)
        let load = press(&s, .character("e"))
        _ = ConsoleUpdate.update(&s, .productLoaded(request: requestNumber(load)!, Sample.page.products[0]))
        press(&s, .tab, .tab, .tab, .tab)
        type(&s, " Now with a lifetime warranty.")
        let save = requestNumber(press(&s, .control("s")))!
        _ = ConsoleUpdate.update(&s, .ticked(at: .seconds(5)))
        var saved = Sample.page.products[0]
        saved.description += " Now with a lifetime warranty."
        let poll = ConsoleUpdate.update(&s, .productSaved(request: save, saved))
        _ = ConsoleUpdate.update(&s, .ticked(at: .milliseconds(5_040)))
        for effect in poll {
            if case let .loadSyncStage(r, _, _) = effect { _ = ConsoleUpdate.update(&s, .syncProgressed(request: r, .sent, changeSequence: 9)) }
        }
        _ = ConsoleUpdate.update(&s, .ticked(at: .milliseconds(5_180)))
        assertSnapshot(ConsoleView.render(s), name("editor-syncing", size))
    }

    @Test func helpOverlay() {
        var s = searchWithResults(Size(columns: 80, rows: 24))
        press(&s, .character("?"))
        assertSnapshot(ConsoleView.render(s), "help-search-80x24")
        press(&s, .pageDown)
        assertSnapshot(ConsoleView.render(s), "help-search-80x24-scrolled")
        var big = searchWithResults(Size(columns: 160, rows: 48))
        big.logPath = ".refarch/logs/console.log"
        press(&big, .character("?"))
        assertSnapshot(ConsoleView.render(big), "help-search-160x48")
    }

    @Test func aStaleBackendShowsItsErrorInTheStatusBar() {
        var s = products(Size(columns: 80, rows: 24))
        let request = requestNumber(press(&s, .character("r")))!
        _ = ConsoleUpdate.update(
            &s,
            .requestFailed(
                request: request,
                ConsoleError(
                    summary: "No answer after 10 s: the database or index is not responding.", remedy: "Check that Postgres is running.")))
        assertSnapshot(ConsoleView.render(s), "products-backend-error-80x24", roles: true)
    }

    @Test func tooSmall() {
        assertSnapshot(ConsoleView.render(Sample.state(Size(columns: 50, rows: 10))), "too-small-50x10")
    }

    @Test func theSameStateRendersTheSameScreen() {
        let s = searchWithResults(Size(columns: 120, rows: 40))
        #expect(ConsoleView.render(s) == ConsoleView.render(s))
    }
}
