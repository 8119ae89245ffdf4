/// A key as the console understands it, independent of the terminal library.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case character(Character)
    case control(Character)  // ctrl-a … ctrl-z, lower-case letter
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    /// F1 … F12.
    case function(Int)

    public var description: String {
        switch self {
        case .character(" "): "space"
        case .character(let c): String(c)
        case .control(let c): "ctrl-\(c)"
        case .enter: "enter"
        case .escape: "esc"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .backspace: "backspace"
        case .delete: "delete"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "home"
        case .end: "end"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .function(let n): "F\(n)"
        }
    }
}

/// What a terminal reports.
public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    case resized(Size)
    /// The terminal is gone (its window closed, the ssh connection dropped): nobody can
    /// see the screen or type any more, so the console leaves.
    case hungUp
}

/// The console's view of a terminal: its size, its input and a way to show a grid.
///
/// `NcursesBackend` is the real one; `RecordingTerminal` in the tests keeps the last grid
/// and plays scripted keys. The runtime calls it only from the thread that runs the loop.
public protocol TerminalBackend: AnyObject {
    var size: Size { get }
    /// The next events, waiting at most `timeout` for the first; empty when none came.
    /// Returns early (possibly empty) after ``wake()``.
    func nextEvents(timeout: Duration) -> [TerminalEvent]
    /// Shows `grid` with `theme`; a real backend writes only the cells that changed.
    func present(_ grid: CellGrid, theme: Theme)
    /// Makes a waiting ``nextEvents(timeout:)`` return. Safe to call from any thread.
    var waker: @Sendable () -> Void { get }
}
