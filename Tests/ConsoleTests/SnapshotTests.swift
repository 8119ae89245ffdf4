import Catalog
import Console
import Operations
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
            if case let .loadSyncStage(r, _, _) = effect {
                _ = ConsoleUpdate.update(&s, .syncProgressed(request: r, .sent, changeSequence: 9))
            }
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

    /// In a form `?` is typed, so help opens with F1 there: the footer names F1 as a way out too.
    @Test func helpInAFormOpensWithF1AndSaysSo() {
        var s = products(Size(columns: 80, rows: 24))
        let load = press(&s, .character("e"))
        _ = ConsoleUpdate.update(&s, .productLoaded(request: requestNumber(load)!, Sample.page.products[2]))
        press(&s, .function(1))
        assertSnapshot(ConsoleView.render(s), "help-editor-80x24")
        press(&s, .function(1))
        #expect(s.overlay == nil, "F1 closes it again")
    }

    @Test func aFailedLoadShowsItsErrorAndRemedyInTheBody() {
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

    @Test func tooSmallWrapsItsSentence() {
        assertSnapshot(ConsoleView.render(Sample.state(Size(columns: 40, rows: 12))), "too-small-40x12")
    }

    /// With the backend down before any search, the body says so (with the remedy)
    /// instead of inviting a query; the status bar has one line.
    @Test func searchWithTheBackendDown() {
        var s = Sample.state(Size(columns: 120, rows: 40))
        let start = ConsoleUpdate.start(&s)
        let error = ConsoleError(
            summary: "cannot connect to Postgres at localhost:5432 (connection refused).",
            remedy: "Start it with scripts/pg.sh start pg, or point database.url at a running server; the console keeps retrying.")
        for effect in start {
            if case .loadQueueStats(let r) = effect { _ = ConsoleUpdate.update(&s, .requestFailed(request: r, error)) }
        }
        assertSnapshot(ConsoleView.render(s), "search-backend-down-120x40", roles: true)
    }

    /// At 200 columns free-text columns stop at a sensible width and a large price shows whole.
    @Test func productsOnAWideWindow() {
        var s = Sample.state(Size(columns: 200, rows: 30))
        press(&s, .tab)
        var rows = Sample.products
        rows[0].name = "Atlas Everyday Vacuum Flask with a Very Long Name That Goes On and On for Ever and Ever"
        rows[0].price = try! Price(cents: 99_999_999_99)
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: s.products.pending!, ProductPage(products: rows, totalCount: 5)))
        assertSnapshot(ConsoleView.render(s), "products-wide-200x30")
    }

    /// A page of products longer than the window, scrolled to its end: the header says which
    /// rows show and a mark on the right where they are.
    @Test func productsScrolled() {
        var s = Sample.state()
        press(&s, .tab)
        let many = (1...40).map { Sample.product(Int64($0), "Product \($0)", "SKU-\($0)", Int64(100 * $0), "") }
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: s.products.pending!, ProductPage(products: many, totalCount: 10_000)))
        press(&s, .character("G"))
        assertSnapshot(ConsoleView.render(s), "products-scrolled-80x24")
    }

    /// The help overlay at 200 columns is as wide as its sentences; at 60 it wraps them.
    @Test func helpWrapsWithinItsBox() {
        var wide = Ops.state(Size(columns: 200, rows: 50), view: .deadLetters, stats: Ops.stats(dead: 3))
        press(&wide, .character("?"))
        assertSnapshot(ConsoleView.render(wide), "help-dlq-200x50")
        var narrow = Ops.state(Size(columns: 60, rows: 30), view: .deadLetters, stats: Ops.stats(dead: 3))
        press(&narrow, .character("?"))
        assertSnapshot(ConsoleView.render(narrow), "help-dlq-60x30")
    }

    /// The price dialog grows to its hint and its error.
    @Test func priceRangeWithAnError() {
        var s = searchWithResults(Size(columns: 120, rows: 30))
        press(&s, .character("$"))
        type(&s, "a lot")
        press(&s, .tab, .enter)
        assertSnapshot(ConsoleView.render(s), "price-range-error-120x30")
    }

    @Test func theSameStateRendersTheSameScreen() {
        let s = searchWithResults(Size(columns: 120, rows: 40))
        #expect(ConsoleView.render(s) == ConsoleView.render(s))
    }
}
