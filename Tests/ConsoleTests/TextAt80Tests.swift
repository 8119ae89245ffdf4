import Catalog
import Console
import Operations
import Testing

/// Sentences that must be whole at 80 columns (wrapped or short enough), and help that
/// says which keys type in a form.
@Suite("Text at 80 columns")
struct TextAt80Tests {
    @Test("the workers view's no-heartbeat sentence wraps: both commands are whole")
    func noHeartbeatWraps() {
        let s = Ops.state(view: .workers, roster: WorkerRoster(workers: [], readAt: Ops.epoch, leaderLockHeld: false))
        let text = ConsoleView.render(s).text
        for command in ["`refarch-tui run-local`", "`refarch-tui worker pelican`", "`refarch-tui worker emu`."] {
            #expect(text.contains(command), "\(command) is whole")
        }
    }

    @Test("the read-only refusal fits the status bar at 80 columns beside the index progress, and says what to do")
    func readOnlyRefusalFits() {
        var s = Sample.state(readOnly: true)
        _ = ConsoleUpdate.update(
            &s, .indexProgressLoaded(request: requestNumber(ConsoleUpdate.start(&s))!, IndexProgress(indexed: 3_204, total: 10_000)))
        press(&s, .tab)
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: s.products.pending!, Sample.page))
        press(&s, .character("d"))
        let message = s.status?.text ?? ""
        #expect(message.contains("--read-only"))
        let statusLine = ConsoleView.render(s).line(23)
        #expect(statusLine.contains(message), "whole: \(statusLine)")
        #expect(statusLine.contains("indexing 3,204/10,000"))
    }

    @Test("help opened in a form does not list ? and q as working everywhere")
    func helpInAForm() {
        var s = Sample.state(Size(columns: 80, rows: 60))
        press(&s, .tab)
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: s.products.pending!, Sample.page))
        let load = press(&s, .character("e"))
        _ = ConsoleUpdate.update(&s, .productLoaded(request: requestNumber(load)!, Sample.page.products[2]))
        press(&s, .function(1))
        let text = ConsoleView.render(s).text
        #expect(!text.contains("Everywhere"))
        #expect(text.contains("Elsewhere (here ? and q type; F1 helps)"))
        press(&s, .function(1), .escape, .character("?"))
        #expect(ConsoleView.render(s).text.contains("Everywhere"), "outside the form the keys work everywhere")
    }
}
