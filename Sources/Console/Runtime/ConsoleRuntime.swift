import Foundation
import Operations
import Synchronization

/// The console's loop: terminal events and effect answers become messages, `update`
/// changes the state, and the screen is redrawn only when state, size or theme changed.
///
/// `run()` blocks the calling thread (the main thread) until quit; effects run elsewhere
/// and post into the inbox, waking the terminal's wait.
public final class ConsoleRuntime {
    public private(set) var state: ConsoleState
    let terminal: any TerminalBackend
    let themes: ThemeLibrary
    let colour: Bool
    let inbox: Inbox
    public private(set) var runner: EffectRunner!
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    /// Called after each frame with the time from the first message handled to the frame
    /// shown (what "key press to screen" measures), for the timings log.
    public var onFrame: ((_ latency: Duration, _ frame: Int) -> Void)?

    /// - Parameter colour: false for `NO_COLOR`: the `mono` theme whatever the state names.
    public init(
        terminal: any TerminalBackend, state: ConsoleState, themes: ThemeLibrary, colour: Bool,
        services: any SystemOperations, requestTimeout: Duration = .seconds(10),
        logFailure: @escaping @Sendable (ConsoleEffect, any Error) -> Void = { _, _ in }
    ) {
        self.terminal = terminal
        self.state = state
        self.themes = themes
        self.colour = colour
        let inbox = Inbox(wake: terminal.waker)
        self.inbox = inbox
        started = clock.now
        self.state.size = terminal.size
        runner = EffectRunner(services: services, timeout: requestTimeout, logFailure: logFailure) { inbox.post($0) }
    }

    /// Posts a message from anywhere (signals use it for ``ConsoleMessage/stopRequested``).
    public var post: @Sendable (ConsoleMessage) -> Void { { [inbox] in inbox.post($0) } }

    var theme: Theme {
        guard colour else { return themes.theme(named: "mono") ?? BuiltInThemes.mono }
        return themes.theme(named: state.themeName) ?? BuiltInThemes.standard
    }

    /// Runs until the user quits (or a stop is requested).
    public func run() {
        var frames = 0
        handle(ConsoleUpdate.start(&state))
        var shown = ConsoleView.render(state)
        var shownState = state
        var shownTheme = theme
        terminal.present(shown, theme: shownTheme)
        onFrame?(clock.now - started, frames)
        var lastTick = clock.now
        while !state.isQuitting {
            let interval: Duration = state.wantsFastTicks ? .milliseconds(100) : .seconds(1)
            let untilTick = interval - (clock.now - lastTick)
            let events = terminal.nextEvents(timeout: max(.zero, untilTick))
            let received = clock.now
            var messages = events.map { event -> ConsoleMessage in
                switch event {
                case .key(let key): .keyPressed(key)
                case .resized(let size): .resized(size)
                case .hungUp: .stopRequested
                }
            }
            messages += inbox.drain()
            if clock.now - lastTick >= interval {
                lastTick = clock.now
                messages.append(.ticked(at: clock.now - started))
            }
            for message in messages {
                handle(ConsoleUpdate.update(&state, message))
                if state.isQuitting { break }
            }
            if state.isQuitting { break }
            let theme = self.theme
            if !state.drawsTheSame(as: shownState) || theme != shownTheme {
                // A change the screen does not show (a background refresh in flight, the clock
                // while it is) renders the same grid: nothing is presented then.
                let rendered = ConsoleView.render(state)
                shownState = state
                if rendered != shown || theme != shownTheme {
                    shown = rendered
                    terminal.present(shown, theme: theme)
                    shownTheme = theme
                    frames += 1
                    if !events.isEmpty { onFrame?(clock.now - received, frames) }
                }
            }
        }
        runner.cancelAll()
    }

    func handle(_ effects: [ConsoleEffect]) {
        for effect in effects where effect != .quit { runner.run(effect) }
    }
}

/// Messages posted from other threads, waiting for the loop.
final class Inbox: Sendable {
    private let messages = Mutex<[ConsoleMessage]>([])
    private let wake: @Sendable () -> Void
    init(wake: @escaping @Sendable () -> Void) { self.wake = wake }

    func post(_ message: ConsoleMessage) {
        messages.withLock { $0.append(message) }
        wake()
    }

    func drain() -> [ConsoleMessage] {
        messages.withLock { messages in
            defer { messages.removeAll(keepingCapacity: true) }
            return messages
        }
    }
}
