import Catalog
import Console
import ConsoleNcurses
import Foundation
import Operations

/// Console drawing costs: rendering a full 200×60 screen into a cell grid, a key press
/// through `update` and `render`, and, when run in a terminal, ncurses writing a full
/// redraw and a one-line change. `make bench-console` runs it in a 200×60 tmux window and
/// also times the real console (first frame, key press to screen).
///
///     ConsoleBench [--out FILE] [--iterations N]
@main
struct ConsoleBench {
    static func main() throws {
        var arguments = CommandLine.arguments.dropFirst()
        var outPath: String?
        var iterations = 2_000
        while let argument = arguments.popFirst() {
            switch argument {
            case "--out": outPath = arguments.popFirst()
            case "--iterations": iterations = Int(arguments.popFirst() ?? "") ?? iterations
            default:
                FileHandle.standardError.write(Data("usage: ConsoleBench [--out FILE] [--iterations N]\n".utf8))
                exit(64)
            }
        }
        let size = Size(columns: 200, rows: 60)
        var lines: [String] = []

        let search = searchState(size)
        lines.append(row("render search view, 200×60, 40 results", measure(iterations) { _ = ConsoleView.render(search) }))
        let products = productsState(size)
        lines.append(row("render products view, 200×60, 55 rows", measure(iterations) { _ = ConsoleView.render(products) }))
        var moving = search
        lines.append(row("key ↓ in results: update + render", measure(iterations) {
            _ = ConsoleUpdate.update(&moving, .keyPressed(moving.search.selection.selected >= 38 ? .home : .down))
            _ = ConsoleView.render(moving)
        }))
        var typing = search
        _ = ConsoleUpdate.update(&typing, .keyPressed(.character("/")))
        lines.append(row("typing in the search box: update + render", measure(iterations) {
            _ = ConsoleUpdate.update(&typing, .keyPressed(typing.search.query.text.count > 60 ? .control("u") : .character("x")))
            _ = ConsoleView.render(typing)
        }))

        if isatty(1) == 1 {
            lines += try terminalRows(search: search, iterations: min(iterations, 500))
        } else {
            lines.append("(not a terminal: ncurses rows skipped; run it through make bench-console)")
        }
        let text = lines.joined(separator: "\n") + "\n"
        if let outPath { try text.write(toFile: outPath, atomically: true, encoding: .utf8) } else { print(text, terminator: "") }
    }

    /// A full redraw (every cell written: the theme alternates, which forces one) and a
    /// selection move (two rows change), through ncurses to the terminal.
    static func terminalRows(search: ConsoleState, iterations: Int) throws -> [String] {
        let terminal = try NcursesBackend(colour: true)
        defer { terminal.restoreTerminal() }
        var state = search
        state.size = terminal.size
        let themes = [BuiltInThemes.standard, BuiltInThemes.mono]
        var frame = 0
        let full = measure(iterations) {
            terminal.present(ConsoleView.render(state), theme: themes[frame % 2])
            frame += 1
        }
        let incremental = measure(iterations) {
            _ = ConsoleUpdate.update(&state, .keyPressed(state.search.selection.selected >= 38 ? .home : .down))
            terminal.present(ConsoleView.render(state), theme: themes[0])
        }
        let shown = "\(terminal.size.columns)×\(terminal.size.rows)"
        return [row("full redraw through ncurses, \(shown) (render + write)", full),
                row("key ↓ through ncurses, \(shown) (update + render + changed cells)", incremental)]
    }

    // MARK: States

    static func searchState(_ size: Size) -> ConsoleState {
        var state = ConsoleState(size: size, themeName: "default", themeNames: ["default", "mono"],
                                 backendLabel: "embedded · Postgres queue · local index")
        let query = "something to keep coffee hot on a commute"
        for character in query { _ = ConsoleUpdate.update(&state, .keyPressed(.character(character))) }
        let effects = ConsoleUpdate.update(&state, .keyPressed(.enter))
        guard case let .search(request, searchRequest)? = effects.first(where: { if case .search = $0 { true } else { false } }) else {
            fatalError("enter did not start a search")
        }
        let hits = catalog(40).enumerated().map { SearchHit(rank: $0.offset + 1, score: 0.7 - Float($0.offset) * 0.01, product: $0.element) }
        _ = ConsoleUpdate.update(&state, .searchFinished(request: request, SearchResult(
            request: searchRequest, hits: hits, totalMatched: 120, elapsed: .milliseconds(8))))
        return state
    }

    static func productsState(_ size: Size) -> ConsoleState {
        var state = ConsoleState(size: size, themeName: "default", themeNames: ["default"], backendLabel: "embedded")
        let effects = ConsoleUpdate.update(&state, .keyPressed(.tab))
        guard case let .loadProducts(request, _)? = effects.first(where: { if case .loadProducts = $0 { true } else { false } }) else {
            fatalError("tab did not load products")
        }
        _ = ConsoleUpdate.update(&state, .productsLoaded(request: request, ProductPage(products: catalog(55), totalCount: 10_000)))
        return state
    }

    /// Products with long names and descriptions, some with wide characters.
    static func catalog(_ count: Int) -> [Product] {
        (1...count).map { i in
            let name = i % 7 == 0 ? "保温杯 Thermal Tumbler \(i) ☕" : "Fieldstone Everyday Insulated Travel Mug, model \(i)"
            return Product(id: ProductID(Int64(i)), name: name, sku: "KIT-\(i)-X\(i % 10)",
                           description: String(repeating: "Keeps coffee hot for up to twelve hours and iced drinks cold all day. ", count: 4),
                           price: try! Price(cents: Int64(1_000 + i * 37)), lastUpdated: LocalDate(year: 2025, month: 3, day: i % 28 + 1))
        }
    }

    // MARK: Measuring

    static func measure(_ iterations: Int, _ body: () -> Void) -> [Duration] {
        let clock = ContinuousClock()
        for _ in 0..<min(50, iterations) { body() }  // warm-up
        return (0..<iterations).map { _ in clock.measure(body) }
    }

    static func row(_ label: String, _ samples: [Duration]) -> String {
        let sorted = samples.sorted()
        func ms(_ q: Double) -> String {
            let d = sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
            return String(format: "%.3f", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
        }
        return "\(label): p50 \(ms(0.5)) ms, p99 \(ms(0.99)) ms (\(samples.count) runs)"
    }
}
