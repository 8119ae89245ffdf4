import Operations
/// One view of the console: its name, its key bindings (data), its update for its own keys
/// and answers, and its render. Each lives in `Views/<Name>/` and is registered once in
/// ``ConsoleScreens/all``; the root update and view route to it and know nothing else of it.
///
/// Every requirement but `id`, `title`, `bindings` and `render` has a default that does
/// nothing, so a view implements only what it has.
public protocol ConsoleScreen {
    /// The name `:` jumps to.
    static var id: ViewID { get }
    /// Its tab's title ("Workers"), also the help overlay's.
    static var title: String { get }
    /// Whether `tab` cycles through it and `:` names it (false: opened from another view).
    static var isTab: Bool { get }
    /// What follows the parent tab's title while it is open (" › Product"); nil for tabs.
    static func crumb(_ s: ConsoleState) -> String?

    /// Other names `:` knows it by (`:svc`).
    static var aliases: [String] { get }
    /// How `:` names it when it takes arguments ("trace ID|SKU"); nil: `:` only jumps to tabs.
    static var commandUsage: String? { get }
    /// `:<id> ARGUMENTS` (`:trace 42`); `arguments` is trimmed and may be empty.
    static func command(_ s: inout ConsoleState, arguments: String) -> [ConsoleEffect]

    /// Sets the view's state up when the console starts.
    static func prepare(_ s: inout ConsoleState)
    /// Its own bindings in its present mode (a list, or an input with the focus).
    static func bindings(for s: ConsoleState) -> [KeyBinding]
    /// The global bindings that still work (an input with the focus keeps only a few).
    static func globalBindings(for s: ConsoleState) -> [KeyBinding]
    /// More help sections after its own (the search box lists the results' keys too).
    static func extraHelpSections(for s: ConsoleState) -> [(String, [KeyBinding])]

    /// A key before any binding is looked at (an input with the focus takes typing); nil: not taken.
    static func inputKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect]?
    /// A key no binding took (moving in a list, scrolling).
    static func otherKey(_ s: inout ConsoleState, _ key: Key)
    /// Carries out an action of its bindings; nil: the root's (quit, help, back, views).
    static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]?
    /// The user said yes to a confirmation this view asked; nil: not its.
    static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect]?

    /// It became the current view (from a tab, `:` or another view): loads what it shows.
    static func opened(_ s: inout ConsoleState) -> [ConsoleEffect]
    /// It was left for good (esc, a jump): drops what only it needed.
    static func closed(_ s: inout ConsoleState)
    /// Every tick, shown or not: background refreshes, polling.
    static func ticked(_ s: inout ConsoleState) -> [ConsoleEffect]
    /// Its load failed and is due again (only while it is shown).
    static func retryFailedLoad(_ s: inout ConsoleState) -> [ConsoleEffect]
    /// An answer. Answers are offered to the views in registry order until one returns its
    /// effects (the view that asked); a view that only keeps a copy current (search's hits
    /// after a save) updates it and returns nil, so the owner still gets the answer. A
    /// view's own ``ConsoleMessage/viewAnswered(request:_:_:)`` goes to that view alone.
    static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]?
    /// A request failed; nil: not this view's request (offered in registry order; nothing
    /// claims it: one line in the status bar).
    static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]?
    /// Keeps its selection in range after a resize or a new list.
    static func clampSelection(_ s: inout ConsoleState)
    /// What has unsaved edits in it ("product 1 “Atlas”"), so quitting or jumping away asks first; nil: nothing.
    static func unsavedWork(_ s: ConsoleState) -> String?
    /// Whether it shows something time-driven now (a trail in progress): the loop ticks fast.
    static func wantsFastTicks(_ s: ConsoleState) -> Bool

    /// Runs a ``ConsoleEffect/view(request:_:_:)`` request off the main thread; its answer
    /// comes back as ``ConsoleMessage/viewAnswered(request:_:_:)``.
    static func run(_ request: AnyViewPayload, services: any SystemOperations) async throws -> AnyViewPayload

    /// Facts for the header's right side, shown on every view ("sync paused").
    static func headerFacts(_ s: ConsoleState) -> [(String, Role)]
    /// The title of its failed-load panel; nil: its loads do not fail into the body.
    static var loadErrorTitle: String? { get }
    /// Whether, with nothing of its own to show yet, its body shows the backend's error (the
    /// queue figures', read from the same place), so it never invites typing into a dead backend.
    static var showsBackendErrorWhenEmpty: Bool { get }
    /// Whether it has something of its own to show under a failed-load panel.
    static func hasData(_ s: ConsoleState) -> Bool
    static func render(_ s: ConsoleState, into grid: inout CellGrid)
}

extension ConsoleScreen {
    public static var isTab: Bool { true }
    public static func crumb(_ s: ConsoleState) -> String? { nil }
    public static var aliases: [String] { [] }
    public static var commandUsage: String? { nil }
    public static func command(_ s: inout ConsoleState, arguments: String) -> [ConsoleEffect] { [] }
    public static func prepare(_ s: inout ConsoleState) {}
    public static func globalBindings(for s: ConsoleState) -> [KeyBinding] { GlobalBindings.all }
    public static func extraHelpSections(for s: ConsoleState) -> [(String, [KeyBinding])] { [] }
    public static func inputKey(_ s: inout ConsoleState, _ key: Key) -> [ConsoleEffect]? { nil }
    public static func otherKey(_ s: inout ConsoleState, _ key: Key) {}
    public static func perform(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect]? { nil }
    public static func confirmed(_ s: inout ConsoleState, _ action: ConfirmedAction) -> [ConsoleEffect]? { nil }
    public static func opened(_ s: inout ConsoleState) -> [ConsoleEffect] { [] }
    public static func closed(_ s: inout ConsoleState) {}
    public static func ticked(_ s: inout ConsoleState) -> [ConsoleEffect] { [] }
    public static func retryFailedLoad(_ s: inout ConsoleState) -> [ConsoleEffect] { [] }
    public static func received(_ s: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect]? { nil }
    public static func failed(_ s: inout ConsoleState, request: Int, error: ConsoleError) -> [ConsoleEffect]? { nil }
    public static func clampSelection(_ s: inout ConsoleState) {}
    public static func wantsFastTicks(_ s: ConsoleState) -> Bool { false }
    public static func unsavedWork(_ s: ConsoleState) -> String? { nil }
    /// A view whose body is empty until it has data shows the backend's error there.
    public static var showsBackendErrorWhenEmpty: Bool { false }
    public static func run(_ request: AnyViewPayload, services: any SystemOperations) async throws -> AnyViewPayload {
        throw ConsoleError(summary: "\(title) cannot run \(request).", remedy: "This is a bug in the console: please report it.")
    }
    public static func headerFacts(_ s: ConsoleState) -> [(String, Role)] { [] }
    public static var loadErrorTitle: String? { nil }
    public static func hasData(_ s: ConsoleState) -> Bool { true }
}

/// The registered views. A new view is one line here (its folder holds the rest).
public enum ConsoleScreens {
    /// In tab order (the views that are not tabs open from another).
    public static var all: [any ConsoleScreen.Type] {
        [
            SearchView.self,
            DetailsView.self,
            ProductsView.self,
            ProductEditorView.self,
            QueuesView.self,
            DeadLettersView.self,
            DeadLetterView.self,
            WorkersView.self,
            TraceView.self,
            ServicesView.self,
            AlertsView.self,
            DatabaseView.self,
            IndexView.self,
        ]
    }

    /// The view named `id` (the search view for a name nothing registered).
    public static func screen(_ id: ViewID) -> any ConsoleScreen.Type { all.first { $0.id == id } ?? SearchView.self }
}

/// A view, by the name `:` jumps to. Each view declares its own (`extension ViewID { static let workers … }`).
public struct ViewID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The views `tab` cycles through and `:` names, in order.
    public static var tabs: [ViewID] { ConsoleScreens.all.filter { $0.isTab }.map { $0.id } }

    public var title: String { ConsoleScreens.screen(self).title }
    public var description: String { rawValue }
}
