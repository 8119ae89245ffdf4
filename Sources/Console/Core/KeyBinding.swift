/// What a key does, independent of the key: bindings map keys to these and `update`
/// carries them out.
public enum ConsoleAction: Hashable, Sendable {
    // Everywhere
    case quit, help, back, nextView, previousView, commandLine, cycleTheme
    // Lists
    case open, focusInput, nextPage, previousPage, refresh
    // Search
    case priceRange, editSelected
    // Products
    case newProduct, deleteSelected, nextSort, reverseSort
    // Editor
    case save
    // Dead letters
    case toggleMark, redrive, deleteMessages, purge
    // Inputs: enter submits; the other keys edit the text
    case submit, edit
    /// An action a view defines for itself: its bindings and its `perform` agree on the name.
    case view(String)
}

/// One key binding: the keys, a short label for the hint bar, a sentence for the help
/// overlay, and what it does. The hint bar and `?` are generated from these lists, so
/// they cannot drift apart; read-only mode drops the bindings that write.
public struct KeyBinding: Hashable, Sendable {
    public var keys: [Key]
    public var label: String
    public var help: String
    public var action: ConsoleAction
    /// Changes data (hidden and refused in read-only mode).
    public var isWrite: Bool
    /// Deletes or discards something (asks first, shown in the error role).
    public var isDestructive: Bool
    /// Listed in the help overlay but not in the hint bar.
    public var isHidden: Bool

    public init(
        _ keys: [Key], _ label: String, _ help: String, _ action: ConsoleAction,
        isWrite: Bool = false, isDestructive: Bool = false, isHidden: Bool = false
    ) {
        self.keys = keys
        self.label = label
        self.help = help
        self.action = action
        self.isWrite = isWrite || isDestructive
        self.isDestructive = isDestructive
        self.isHidden = isHidden
    }

    public var keyLabel: String { keys.map(\.description).joined(separator: "/") }

    /// The bindings `readOnly` leaves.
    public static func visible(_ bindings: [KeyBinding], readOnly: Bool) -> [KeyBinding] {
        readOnly ? bindings.filter { !$0.isWrite } : bindings
    }

    /// The binding of `key` among `bindings`.
    public static func action(for key: Key, in bindings: [KeyBinding]) -> ConsoleAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }
}

/// Bindings every view shares (after its own).
public enum GlobalBindings {
    /// (The `:` sentence names the registered tabs and their aliases, so a new view is listed
    /// without an edit here.)
    public static var all: [KeyBinding] {
        // Views opened by name alone join the tabs in the list; those that take arguments follow it.
        let usages = ConsoleScreens.all.compactMap { $0.commandUsage }
        let byName = ViewID.tabs.map(commandName) + usages.filter { !$0.contains(" ") }.map { ":" + $0 }
        let withArguments = usages.filter { $0.contains(" ") }.map { ", or :" + $0 }
        return [
            KeyBinding(
                [.character(":")], "view", "Jump to a view by name (\(byName.joined(separator: ", ")))" + withArguments.joined(),
                .commandLine, isHidden: true)
        ] + fixed
    }

    /// ":services/:svc": a tab's `:` name and the others it answers to (as keys are written, "q/ctrl-c").
    static func commandName(_ view: ViewID) -> String {
        ([view.rawValue] + ConsoleScreens.screen(view).aliases).map { ":" + $0 }.joined(separator: "/")
    }

    static let fixed: [KeyBinding] = [
        KeyBinding([.tab], "next view", "Next view", .nextView, isHidden: true),
        KeyBinding([.backTab], "previous view", "Previous view", .previousView, isHidden: true),
        KeyBinding([.character("?"), .function(1)], "help", "Show every key of this view (F1 works in forms and inputs too)", .help),
        KeyBinding([.escape], "back", "Back to the previous view", .back, isHidden: true),
        KeyBinding([.character("T")], "theme", "Next colour theme", .cycleTheme, isHidden: true),
        KeyBinding([.character("q"), .control("c")], "quit", "Quit (asks first if a form has unsaved edits)", .quit),
    ]

    /// While an input has the focus, letters type: only these stay global.
    public static let whileTyping: [KeyBinding] = [
        KeyBinding([.tab], "next view", "Next view", .nextView, isHidden: true),
        KeyBinding([.function(1)], "help", "Show every key of this view", .help),
        KeyBinding([.control("c")], "quit", "Quit", .quit),
    ]

    /// In a form, tab moves between fields.
    public static let whileEditing: [KeyBinding] = [
        KeyBinding([.function(1)], "help", "Show every key of this form", .help),
        KeyBinding([.control("c")], "quit", "Quit (asks first if there are unsaved edits)", .quit),
    ]
}
