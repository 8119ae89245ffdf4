import CNcurses
import Console
import Foundation
import UserFacing

#if canImport(Glibc)
    import Glibc
#endif

/// The terminal as ncurses (ncursesw) drives it: UTF-8 and wide characters, 256 or 8
/// colours, the alternate screen, resize through `KEY_RESIZE`. The only code that touches
/// curses. Input waits in `poll()` on stdin and a wake pipe, so effects finishing elsewhere
/// wake the loop at once; output writes only the cells that changed since the last frame.
///
/// Use it from one thread (the console's main loop). ``restoreTerminal()`` is safe to call
/// more than once and runs on every way out, including fatal signals.
public final class NcursesBackend: TerminalBackend {
    private var previous: CellGrid?
    private var previousTheme: Theme?
    private var pairs: [Pair: Int16] = [:]
    private let colours: Int
    private let useColour: Bool
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private var isOpen = true
    public private(set) var size: Size

    struct Pair: Hashable { let foreground: Int16, background: Int16 }

    /// Opens the terminal. `colour: false` (for `NO_COLOR`) draws with attributes only.
    public init(colour: Bool) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw TerminalError.notATerminal }
        setlocale(LC_ALL, "")
        TerminalRestore.save()
        guard initscr() != nil else { throw TerminalError.cannotStart }
        raw()
        noecho()
        keypad(refarch_stdscr(), true)
        nodelay(refarch_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        var useColour = colour && has_colors()
        if useColour {
            start_color()
            use_default_colors()
            useColour = refarch_colors() >= 8
        }
        self.useColour = useColour
        colours = Int(refarch_colors())
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { endwin(); throw TerminalError.cannotStart }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        _ = fcntl(wakeRead, F_SETFL, fcntl(wakeRead, F_GETFL) | O_NONBLOCK)
        _ = fcntl(wakeWrite, F_SETFL, fcntl(wakeWrite, F_GETFL) | O_NONBLOCK)
        size = Size(columns: Int(refarch_cols()), rows: Int(refarch_lines()))
        TerminalRestore.installFatalSignalHandlers()
    }

    deinit { restoreTerminal() }

    /// Leaves curses mode and puts the terminal back as it was.
    public func restoreTerminal() {
        guard isOpen else { return }
        isOpen = false
        endwin()
        TerminalRestore.restore()
        close(wakeRead)
        close(wakeWrite)
    }

    public var waker: @Sendable () -> Void {
        let fd = wakeWrite
        return {
            var byte: UInt8 = 1
            _ = write(fd, &byte, 1)
        }
    }

    public func nextEvents(timeout: Duration) -> [TerminalEvent] {
        let ms = Int32(max(0, min(60_000, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)))
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 2, ms)  // EINTR (SIGWINCH) falls through to reading KEY_RESIZE
        // A hung-up terminal polls readable for ever and reads nothing: without this the
        // loop would spin on a core until someone killed it.
        if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return [.hungUp] }
        if fds[1].revents != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(wakeRead, &buffer, buffer.count) > 0 {}
        }
        var events: [TerminalEvent] = []
        var code: UInt32 = 0
        while true {
            let result = refarch_get_wch(&code)
            if result == ERR { break }
            if result == KEY_CODE_YES {
                if Int32(code) == KEY_RESIZE {
                    size = Size(columns: Int(refarch_cols()), rows: Int(refarch_lines()))
                    previous = nil
                    events.append(.resized(size))
                } else if let key = Self.functionKey(Int32(code)) {
                    events.append(.key(key))
                }
            } else if let key = Self.characterKey(code) {
                events.append(.key(key))
            }
            if events.count > 4096 { break }
        }
        return events
    }

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_BTAB: .backTab
        case (KEY_F0 + 1)...(KEY_F0 + 12): .function(Int(code - KEY_F0))
        case KEY_ENTER: .enter
        default: nil
        }
    }

    static func characterKey(_ code: UInt32) -> Key? {
        switch code {
        case 27: return .escape
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(code + 96)!))
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .character(Character(scalar))
        }
    }

    public func present(_ grid: CellGrid, theme: Theme) {
        if grid.size != Size(columns: Int(refarch_cols()), rows: Int(refarch_lines())) { previous = nil }
        let full = previous == nil || previous?.size != grid.size || previousTheme != theme
        if full { erase() }
        var attributes: [Role: (attr_t, Int16)] = [:]
        for role in Role.allCases { attributes[role] = style(theme.style(role)) }
        let columns = grid.size.columns
        for y in 0..<grid.size.rows {
            var x = 0
            while x < columns {
                let cell = grid[x, y]
                if !full, let previous, previous[x, y] == cell { x += 1; continue }
                // A run of changed cells in one role, written with one call.
                let role = cell.role
                var run = ""
                let start = x
                while x < columns {
                    let c = grid[x, y]
                    if c.role != role { break }
                    if !full, let previous, previous[x, y] == c, !c.isContinuation { break }
                    if !c.isContinuation { run.append(c.character) }
                    x += 1
                }
                if run.isEmpty { continue }
                let (attrs, pair) = attributes[role]!
                _ = refarch_set_style(attrs, pair)
                _ = refarch_put(Int32(y), Int32(start), run)
            }
        }
        _ = refarch_set_style(refarch_a_normal(), 0)
        refresh()
        previous = grid
        previousTheme = theme
    }

    /// Curses attributes and colour pair for a style (pairs are made as needed).
    private func style(_ style: Style) -> (attr_t, Int16) {
        var attrs = refarch_a_normal()
        if style.bold { attrs |= refarch_a_bold() }
        if style.underline { attrs |= refarch_a_underline() }
        if style.reverse { attrs |= refarch_a_reverse() }
        if style.dim { attrs |= refarch_a_dim() }
        guard useColour else { return (attrs, 0) }
        let pair = Pair(foreground: colourNumber(style.foreground), background: colourNumber(style.background))
        if pair == Pair(foreground: -1, background: -1) { return (attrs, 0) }
        if let existing = pairs[pair] { return (attrs, existing) }
        let number = Int16(pairs.count + 1)
        guard Int32(number) < refarch_color_pairs() else { return (attrs, 0) }
        init_pair(number, pair.foreground, pair.background)
        pairs[pair] = number
        return (attrs, number)
    }

    private func colourNumber(_ colour: Color) -> Int16 {
        let shown = colours >= 256 ? colour : colour.basic
        switch shown {
        case .terminalDefault: return -1
        case .indexed(let i): return Int16(i)
        }
    }
}

/// Why the console could not take over the terminal.
public enum TerminalError: UserFacingError {
    case notATerminal
    case cannotStart

    public var remedy: String? { nil }

    public var summary: String {
        switch self {
        case .notATerminal: "The console needs a terminal: run refarch-tui in one (or use a subcommand such as `refarch-tui search`)."
        case .cannotStart:
            "The terminal could not be opened (check that TERM is set to a terminal type ncurses knows, e.g. xterm-256color)."
        }
    }
}

/// Puts the terminal back on the ways out that skip `endwin()`: fatal signals. Only
/// async-signal-safe calls run in the handler (tcsetattr, write), then the signal is
/// re-raised with its default action so the crash is still reported.
enum TerminalRestore {
    // Written once before the handlers are installed, then only read (by the handler).
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var hasSaved = false

    static func save() {
        hasSaved = tcgetattr(0, &saved) == 0
    }

    static func restore() {
        guard hasSaved else { return }
        _ = tcsetattr(0, TCSANOW, &saved)
    }

    static func installFatalSignalHandlers() {
        for number in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            signal(number) { number in
                // Leave the alternate screen, show the cursor, reset attributes.
                let reset: StaticString = "\u{1b}[0m\u{1b}[?1049l\u{1b}[?25h\r\n"
                _ = write(1, reset.utf8Start, reset.utf8CodeUnitCount)
                if TerminalRestore.hasSaved { _ = tcsetattr(0, TCSANOW, &TerminalRestore.saved) }
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }
}
