import Catalog
import Foundation
import Operations

/// A status-bar line and how long it stays.
public struct StatusLine: Hashable, Sendable {
    public enum Level: Hashable, Sendable { case info, ok, warn, error }
    public var text: String
    public var level: Level
    /// When it disappears (console time); nil keeps it until replaced.
    public var expires: Duration?

    public init(text: String, level: Level, expires: Duration? = nil) {
        self.text = text
        self.level = level
        self.expires = expires
    }

    public var role: Role {
        switch level {
        case .info: .text
        case .ok: .ok
        case .warn: .warn
        case .error: .error
        }
    }
}

/// A request that has not been answered yet (for the spinner and to drop stale answers).
public struct InFlight: Hashable, Sendable {
    public var label: String
    public var startedAt: Duration
}

/// What a confirmation does when the user says yes.
public enum ConfirmedAction: Hashable, Sendable {
    case deleteProduct(ProductID)
    case discardEdits
    case quit
    /// Redrive these dead letters (nil: all of them).
    case redriveDeadLetters([String]?)
    case deleteDeadLetters([String])
    case purgeDeadLetters
    /// A view's own confirmed action, handed back to that view.
    case view(ViewID, AnyViewPayload)
}

/// A window over the view.
public enum Overlay: Hashable, Sendable {
    /// Every key of the view; scrolls when it does not fit.
    case help(scroll: Int)
    case confirm(ConfirmDialog, ConfirmedAction)
    /// The `:` command line.
    case command(TextField)
    /// The search view's price range (min, max).
    case priceRange(Form)
}

/// Everything the screen shows. `update` changes it; views render it.
public struct ConsoleState: Hashable, Sendable {
    public var size: Size
    public var view: ViewID = .search
    /// Views to return to with `esc`.
    public var stack: [ViewID] = []
    /// One value per view, each reached through the property its folder declares (`s.workers`).
    public var views = ViewStates()
    public var overlay: Overlay?
    /// Loads that failed, by the view they fill (queues: the depths every view's header
    /// shows). Shown in the view's body until the same load succeeds.
    public var loadErrors: [ViewID: ConsoleError] = [:]
    /// When a load last failed (or was retried): failed loads are retried every `refreshInterval`.
    public var loadErrorsAt: Duration?
    public var status: StatusLine?
    public var readOnly: Bool
    public var themeName: String
    /// Theme names in `T` order.
    public var themeNames: [String]
    /// Where the data lives, for the header ("embedded · Postgres").
    public var backendLabel: String
    public var now: Duration = .zero
    public var inFlight: [Int: InFlight] = [:]
    public var nextRequest = 1
    public var indexProgress: IndexProgress?
    public var indexProgressRequest: Int?
    public var indexProgressCheckedAt: Duration?
    public var indexProgressError: ConsoleError?
    public var isQuitting = false
    /// Where the console's log goes (shown on the help overlay): the screen shows one line
    /// per error, the log has the whole story.
    public var logPath: String?
    /// Times (dead letters' receives) are shown in this zone; tests fix it to UTC.
    public var timeZone = TimeZone(identifier: "UTC")!

    /// How often the status bar's index progress is refreshed.
    public var indexProgressInterval: Duration = .seconds(2)
    /// How often queue depths (shown on every view) and the workers' heartbeats are refreshed.
    public var refreshInterval: Duration = .seconds(2)

    public init(
        size: Size, readOnly: Bool = false, themeName: String = "default", themeNames: [String] = ["default"],
        backendLabel: String = "embedded"
    ) {
        self.size = size
        self.readOnly = readOnly
        self.themeName = themeName
        self.themeNames = themeNames
        self.backendLabel = backendLabel
        for screen in ConsoleScreens.all { screen.prepare(&self) }
    }

    /// The smallest terminal the console draws in.
    public static let minimumSize = Size(columns: 60, rows: 12)
    public var isTooSmall: Bool { size.columns < Self.minimumSize.columns || size.rows < Self.minimumSize.rows }

    /// The rectangle between the header and the hint and status lines.
    public var body: Rect { Rect(x: 0, y: 1, width: size.columns, height: size.rows - 3) }

    /// Starts a request: a new number, remembered until answered.
    public mutating func begin(_ label: String) -> Int {
        let id = nextRequest
        nextRequest += 1
        inFlight[id] = InFlight(label: label, startedAt: now)
        return id
    }

    /// Ends a request; false when it was not awaited (cancelled or replaced), so its answer is dropped.
    public mutating func end(_ request: Int) -> Bool { inFlight.removeValue(forKey: request) != nil }

    public mutating func show(_ text: String, _ level: StatusLine.Level, for duration: Duration? = .seconds(6)) {
        status = StatusLine(text: text, level: level, expires: duration.map { now + $0 })
    }

    /// Whether the screen for `other` would be the same as for this state: equal, or
    /// differing only in the clock while nothing on screen shows the time (idle ticks).
    public func drawsTheSame(as other: ConsoleState) -> Bool {
        guard !wantsFastTicks, !other.wantsFastTicks else { return self == other }
        var a = self, b = other
        a.now = .zero
        b.now = .zero
        return a == b
    }

    /// Whether time-driven changes are due soon (spinner, sync progress, a status to expire),
    /// so the runtime ticks fast; otherwise it ticks once a second.
    public var wantsFastTicks: Bool {
        !inFlight.isEmpty || status?.expires != nil || ConsoleScreens.all.contains { $0.wantsFastTicks(self) }
    }
}
