import Foundation

/// Navigation and the input helpers every view uses the same way: the view stack, jumps,
/// a list's `/` filter, and scrolling a long text.
extension ConsoleUpdate {
    /// Opens `view` over the current one (esc comes back).
    public static func push(_ s: inout ConsoleState, _ view: ViewID) {
        s.stack.append(s.view)
        s.view = view
    }

    /// Back to the previous view; the view left behind forgets what only it needed.
    public static func goBack(_ s: inout ConsoleState) {
        let leaving = s.view
        guard let previous = s.stack.popLast() else { return }
        s.view = previous
        ConsoleScreens.screen(leaving).closed(&s)
    }

    /// Jumps to a tab (from `tab` or `:`), closing the views opened on the way; refused
    /// while a form there has unsaved edits.
    public static func switchTo(_ s: inout ConsoleState, _ view: ViewID) -> [ConsoleEffect] {
        let state = s
        if let subject = (s.stack + [s.view]).lazy.compactMap({ ConsoleScreens.screen($0).unsavedWork(state) }).first {
            s.show("Save (ctrl-s) or discard (esc) the edits to \(subject) first.", .warn)
            return []
        }
        s.stack = []
        for screen in ConsoleScreens.all where !screen.isTab { screen.closed(&s) }
        s.view = view
        return ConsoleScreens.screen(view).opened(&s)
    }

    /// The first unsaved work of any view, described ("product 1 “Atlas”").
    static func unsavedWork(_ s: ConsoleState) -> String? {
        ConsoleScreens.all.lazy.compactMap { $0.unsavedWork(s) }.first
    }

    /// Keys while a list's `/` filter is typed: enter applies the trimmed text (nil when
    /// empty), esc leaves the filter as it was, tab and ctrl-c still do what they do
    /// everywhere, and every other key edits.
    public static func filterKey(
        _ s: inout ConsoleState, _ key: Key, field: WritableKeyPath<ConsoleState, TextField?>,
        apply: (inout ConsoleState, String?) -> [ConsoleEffect]
    ) -> [ConsoleEffect] {
        switch key {
        case .enter:
            let text = s[keyPath: field]?.text.trimmingCharacters(in: .whitespaces) ?? ""
            s[keyPath: field] = nil
            return apply(&s, text.isEmpty ? nil : text)
        case .escape:
            s[keyPath: field] = nil
            return []
        case .function(1):
            return perform(&s, .help)
        case .tab, .backTab, .control("c"):
            s[keyPath: field] = nil
            return globalKey(&s, key)
        default:
            s[keyPath: field]?.handle(key)
            return []
        }
    }

    /// Keys while a list's `/` filter (``ListFilterInput``) is typed, as ``filterKey(_:_:field:apply:)``;
    /// enter checks the columns it names against `columns` first: an unknown or ambiguous one
    /// says so in the status bar and leaves the input open with the text, to fix it.
    /// `applied` runs after a filter is set or cleared (the view resets its selection).
    public static func listFilterKey(
        _ s: inout ConsoleState, _ key: Key, filter: WritableKeyPath<ConsoleState, ListFilterInput>, columns: [String],
        applied: (inout ConsoleState) -> [ConsoleEffect]
    ) -> [ConsoleEffect] {
        filterKey(&s, key, field: filter.appending(path: \.field)) { s, text in
            let typed = ListFilter(text ?? "")
            if let problem = typed.problem(columns: columns) {
                s[keyPath: filter].field = TextField(typed.text)
                s.show(problem, .warn, for: .seconds(15))
                return []
            }
            s[keyPath: filter].applied = typed.isEmpty ? nil : typed
            return applied(&s)
        }
    }

    /// esc on a filtered list clears its filter (true), before it goes back.
    public static func clearListFilter(_ s: inout ConsoleState, _ filter: WritableKeyPath<ConsoleState, ListFilterInput>) -> Bool {
        guard s[keyPath: filter].isActive else { return false }
        s[keyPath: filter].applied = nil
        return true
    }

    /// What `key` does among the keys every view shares (for inputs that take the rest).
    public static func globalKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect] {
        KeyBinding.action(for: key, in: GlobalBindings.all).map { perform(&s, $0) } ?? []
    }

    /// Scroll keys of the views that show one long text (a product, a dead letter).
    public static func scroll(_ offset: inout Int, _ key: Key) {
        switch key {
        case .down, .character("j"): offset += 1
        case .up, .character("k"): offset = max(0, offset - 1)
        case .pageDown: offset += 10
        case .pageUp: offset = max(0, offset - 10)
        default: break
        }
    }
}
