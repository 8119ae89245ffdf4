import Foundation
import Operations

/// The console's update function: pure and synchronous. It changes the state for a
/// message and returns the effects to run; time arrives only in `ticked(at:)`.
///
/// The root handles what every view shares (time, overlays, the command line, navigation,
/// the index progress in the status bar) and routes everything else once: keys and actions
/// to the current view, answers and failures to the view that asked (``ConsoleScreen``).
public enum ConsoleUpdate {
    /// The effects to run when the console opens.
    public static func start(_ state: inout ConsoleState) -> [ConsoleEffect] {
        requestIndexProgress(&state) + ConsoleScreens.all.flatMap { $0.ticked(&state) }
    }

    public static func update(_ state: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect] {
        var effects = dispatch(&state, message)
        // Second guard behind the hidden bindings: nothing that writes leaves in read-only mode.
        if state.readOnly, effects.contains(where: \.isWrite) {
            effects.removeAll(where: \.isWrite)
            refuseInReadOnlyMode(&state)
        }
        return effects
    }

    /// The one read-only message, for a write key and for a write that reached the guard.
    static func refuseInReadOnlyMode(_ s: inout ConsoleState) {
        // Short enough for the status bar at 80 columns beside the index progress.
        s.show("Read-only mode: restart without --read-only to edit.", .error)
    }

    static func dispatch(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect] {
        switch message {
        case .keyPressed(let key):
            return keyPressed(&s, key)
        case .resized(let size):
            s.size = size
            clampSelections(&s)
            return []
        case .ticked(let now):
            return ticked(&s, now)
        case .stopRequested:
            s.isQuitting = true
            return [.quit]
        case let .indexProgressLoaded(request, progress):
            guard s.end(request), s.indexProgressRequest == request else { return [] }
            s.indexProgressRequest = nil
            s.indexProgressError = nil
            s.indexProgress = progress
            return []
        case let .requestFailed(request, error):
            return requestFailed(&s, request: request, error: error)
        case let .viewAnswered(_, view, _):
            return ConsoleScreens.screen(view).received(&s, message) ?? []
        default:
            for screen in ConsoleScreens.all {
                if let effects = screen.received(&s, message) { return effects }
            }
            return []
        }
    }

    // MARK: Time

    static func ticked(_ s: inout ConsoleState, _ now: Duration) -> [ConsoleEffect] {
        s.now = now
        if let expires = s.status?.expires, now >= expires { s.status = nil }
        return requestIndexProgress(&s) + ConsoleScreens.all.flatMap { $0.ticked(&s) } + retryFailedLoad(&s)
    }

    /// While the current view shows a failed load, asks again every refresh interval, so a
    /// recovered backend clears the error at once.
    static func retryFailedLoad(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard s.loadErrors[s.view] != nil, let failedAt = s.loadErrorsAt, s.now - failedAt >= s.refreshInterval else { return [] }
        s.loadErrorsAt = s.now
        return ConsoleScreens.screen(s.view).retryFailedLoad(&s)
    }

    static func requestIndexProgress(_ s: inout ConsoleState) -> [ConsoleEffect] {
        guard s.indexProgressRequest == nil else { return [] }
        let interval = (s.indexProgress?.isComplete ?? false) ? s.indexProgressInterval * 5 : s.indexProgressInterval
        if let checked = s.indexProgressCheckedAt, s.now - checked < interval { return [] }
        let request = s.begin("index progress")
        // Index progress is background information: not shown in the spinner.
        s.inFlight[request]?.label = ""
        s.indexProgressRequest = request
        s.indexProgressCheckedAt = s.now
        return [.loadIndexProgress(request: request)]
    }

    // MARK: Keys

    static func keyPressed(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect] {
        if let overlay = s.overlay { return overlayKey(&s, overlay, key) }
        if s.isTooSmall { return key == .character("q") || key == .control("c") ? perform(&s, .quit) : [] }
        let screen = ConsoleScreens.screen(s.view)
        // Views with a focused input take typing first; only a few keys stay global.
        if let effects = screen.inputKey(&s, key) { return effects }
        // `.edit` bindings only document keys (movement, editing) the view handles itself.
        if let action = KeyBinding.action(for: key, in: bindings(for: s)), action != .edit, action != .submit {
            return perform(&s, action)
        }
        if s.readOnly, KeyBinding.action(for: key, in: allBindings(for: s).filter(\.isWrite)) != nil {
            // A write key read-only mode hides: say why nothing happens.
            refuseInReadOnlyMode(&s)
            return []
        }
        screen.otherKey(&s, key)
        return []
    }

    /// The bindings of the current view (its own, then the global ones), as read-only mode leaves them.
    public static func bindings(for s: ConsoleState) -> [KeyBinding] {
        KeyBinding.visible(allBindings(for: s), readOnly: s.readOnly)
    }

    static func allBindings(for s: ConsoleState) -> [KeyBinding] {
        let screen = ConsoleScreens.screen(s.view)
        return screen.bindings(for: s) + screen.globalBindings(for: s)
    }

    static func overlayKey(_ s: inout ConsoleState, _ overlay: Overlay, _ key: Key) -> [ConsoleEffect] {
        switch overlay {
        case .help(let scroll):
            let last = ConsoleView.helpScrollLimit(s)
            switch key {
            case .escape, .character("?"), .function(1), .character("q"), .enter: s.overlay = nil
            case .down, .character("j"): s.overlay = .help(scroll: min(last, scroll + 1))
            case .up, .character("k"): s.overlay = .help(scroll: max(0, scroll - 1))
            case .pageDown, .character(" "): s.overlay = .help(scroll: min(last, scroll + 10))
            case .pageUp: s.overlay = .help(scroll: max(0, scroll - 10))
            default: break
            }
            return []
        case .confirm(_, let action):
            switch key {
            case .character("y"), .character("Y"), .enter:
                s.overlay = nil
                return confirmed(&s, action)
            case .character("n"), .character("N"), .escape, .character("q"):
                s.overlay = nil
                return []
            default:
                return []
            }
        case .command(var field):
            switch key {
            case .enter:
                s.overlay = nil
                return command(&s, field.text)
            case .escape:
                s.overlay = nil
                return []
            case .tab:
                // Complete a view name.
                let typed = field.text.trimmingCharacters(in: .whitespaces).lowercased()
                if let match = commandNames.first(where: { $0.hasPrefix(typed) }) { field.set(match) }
                s.overlay = .command(field)
                return []
            default:
                field.handle(key)
                s.overlay = .command(field)
                return []
            }
        case .priceRange(let form):
            return SearchView.priceRangeKey(&s, form, key)
        }
    }

    static var commandNames: [String] {
        ViewID.tabs.map(\.rawValue) + ConsoleScreens.all.filter { $0.commandUsage != nil }.map { $0.id.rawValue } + ["quit"]
    }

    static func command(_ s: inout ConsoleState, _ text: String) -> [ConsoleEffect] {
        let typed = text.trimmingCharacters(in: .whitespaces)
        // `:trace 42`: a view that takes arguments gets the rest of the line.
        let word = typed.prefix { $0 != " " }.lowercased()
        if let screen = ConsoleScreens.all.first(where: { $0.commandUsage != nil && $0.id.rawValue == word }) {
            return screen.command(&s, arguments: typed.dropFirst(word.count).trimmingCharacters(in: .whitespaces))
        }
        let name = typed.lowercased()
        if name == "q" || name == "quit" { return perform(&s, .quit) }
        let named = ViewID.tabs.first { $0.rawValue == name || ConsoleScreens.screen($0).aliases.contains(name) }
        guard let view = named ?? ViewID.tabs.first(where: { $0.rawValue.hasPrefix(name) && !name.isEmpty }) else {
            if name.isEmpty { return [] }
            s.show("No view named \"\(name)\": try :\(ViewID.tabs.map(\.rawValue).joined(separator: ", :")) or :quit.", .error)
            return []
        }
        return switchTo(&s, view)
    }

    // MARK: Actions

    /// Carries out an action: the current view's first, then the ones every view shares.
    static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect] {
        if let effects = ConsoleScreens.screen(s.view).perform(&s, action) { return effects }
        switch action {
        case .quit:
            if let subject = unsavedWork(s) {
                s.overlay = .confirm(
                    ConfirmDialog(
                        title: "Unsaved edits", message: "Quit and discard the unsaved edits to \(subject)?",
                        confirmLabel: "quit", isDestructive: true), .quit)
                return []
            }
            s.isQuitting = true
            return [.quit]
        case .help:
            s.overlay = .help(scroll: 0)
            return []
        case .back:
            // esc only ever goes back: out of an input (handled there), then to the previous
            // view. At the root of Search it does nothing, so a `:` typed next opens the
            // command line instead of landing in the query.
            goBack(&s)
            return []
        case .nextView, .previousView:
            let tabs = ViewID.tabs
            let current = tabs.firstIndex(of: s.stack.first ?? s.view) ?? 0
            let step = action == .nextView ? 1 : tabs.count - 1
            return switchTo(&s, tabs[(current + step) % tabs.count])
        case .commandLine:
            s.overlay = .command(TextField())
            return []
        case .cycleTheme:
            guard let i = s.themeNames.firstIndex(of: s.themeName), !s.themeNames.isEmpty else {
                s.themeName = s.themeNames.first ?? s.themeName
                return []
            }
            s.themeName = s.themeNames[(i + 1) % s.themeNames.count]
            s.show("Theme: \(s.themeName)", .info, for: .seconds(3))
            return []
        default:
            return []
        }
    }

    static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect] {
        switch action {
        case .quit:
            s.isQuitting = true
            return [.quit]
        case .view(let view, _):
            return ConsoleScreens.screen(view).confirmed(&s, action) ?? []
        default:
            for screen in ConsoleScreens.all {
                if let effects = screen.confirmed(&s, action) { return effects }
            }
            return []
        }
    }

    // MARK: Answers

    static func requestFailed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect] {
        guard s.end(request) else { return [] }
        if s.indexProgressRequest == request {
            s.indexProgressRequest = nil
            // Once per cause: a retry every few seconds must not push newer notices away.
            if s.indexProgressError != error { s.show("Index progress unavailable: \(error.summary)", .warn) }
            s.indexProgressError = error
            return []
        }
        for screen in ConsoleScreens.all {
            if let effects = screen.failed(&s, request: request, error: error) { return effects }
        }
        return showFailure(&s, error)
    }

    /// A failure nothing else shows: one line in the status bar.
    static func showFailure(_ s: inout ConsoleState, _ error: ConsoleError) -> [ConsoleEffect] {
        s.show(error.line, .error, for: .seconds(15))
        return []
    }

    /// A failed load: the error and its remedy go to the view's body (until the load
    /// succeeds); the status bar gets one line, once, not on every retry.
    static func loadFailed(_ s: inout ConsoleState, _ view: ViewID, _ error: ConsoleError, _ what: String) -> [ConsoleEffect] {
        let repeated = s.loadErrors[view] == error
        s.loadErrors[view] = error
        s.loadErrorsAt = s.now
        if !repeated { s.show("\(what): \(error.summary)", .error, for: .seconds(15)) }
        return []
    }

    static func clampSelections(_ s: inout ConsoleState) {
        for screen in ConsoleScreens.all { screen.clampSelection(&s) }
    }
}

/// "0.42 s", "12 ms": elapsed times for people.
public func formatSeconds(_ duration: Duration) -> String {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
    return String(format: "%.2f s", seconds)
}
