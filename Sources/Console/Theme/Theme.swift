import Configuration
import Foundation

/// A terminal colour: the terminal's default, one of the 16 named colours, or a 256-colour index.
public enum Color: Hashable, Sendable {
    case terminalDefault
    case indexed(UInt8)

    static let names: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "gray": 8, "grey": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    /// The nearest of the 8 basic colours, for terminals without 256 colours.
    public var basic: Color {
        guard case .indexed(let i) = self else { return self }
        switch i {
        case 0..<8: return self
        case 8..<16: return .indexed(i - 8)
        case 232...255: return .indexed(i < 244 ? 0 : 7)
        default:
            // The 6×6×6 cube: pick red, green and blue bits from each channel's level.
            let c = Int(i) - 16
            let r = c / 36, g = (c / 6) % 6, b = c % 6
            let bits = (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0)
            return .indexed(UInt8(bits))
        }
    }
}

/// How one role looks: colours and attributes.
public struct Style: Hashable, Sendable {
    public var foreground: Color = .terminalDefault
    public var background: Color = .terminalDefault
    public var bold = false
    public var underline = false
    public var reverse = false
    public var dim = false
    public init(
        foreground: Color = .terminalDefault, background: Color = .terminalDefault,
        bold: Bool = false, underline: Bool = false, reverse: Bool = false, dim: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }
    /// This style with colours removed (attributes kept), for `NO_COLOR` and monochrome terminals.
    public var monochrome: Style { Style(bold: bold, underline: underline, reverse: reverse, dim: dim) }
}

/// A colour theme: every ``Role`` mapped to a ``Style``. Views name roles, never colours.
public struct Theme: Hashable, Sendable {
    public let name: String
    public let styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    public func style(_ role: Role) -> Style { styles[role] ?? Style() }

    /// Whether any role has a colour (a theme for `NO_COLOR` has none).
    public var usesColour: Bool {
        styles.values.contains { $0.foreground != .terminalDefault || $0.background != .terminalDefault }
    }

    /// Parses a theme file:
    /// ```toml
    /// name = "default"
    /// [roles.title]
    /// fg = "cyan"        # a colour name, or 0–255
    /// bold = true        # also underline, reverse, dim; bg for the background
    /// ```
    /// Every role must be defined, so a theme cannot leave part of the screen unreadable.
    public init(parsing text: String, file: String) throws(ThemeError) {
        let document: TOMLDocument
        do { document = try TOMLDocument(parsing: text, file: file) } catch {
            throw ThemeError(file: file, line: error.line, message: error.message)
        }
        var name = (file as NSString).lastPathComponent
        if name.hasSuffix(".toml") { name.removeLast(5) }
        var styles: [Role: Style] = [:]
        var lastLine = 1
        for entry in document.entries {
            lastLine = max(lastLine, entry.line)
            func fail(_ message: String) -> ThemeError { ThemeError(file: file, line: entry.line, message: message) }
            if entry.key == ["name"] {
                guard case .string(let s) = entry.value else { throw fail("name must be a string") }
                name = s
                continue
            }
            guard entry.key.count == 3, entry.key[0] == "roles" else {
                throw fail("unknown key \(entry.dottedKey); a theme has `name` and [roles.<role>] tables")
            }
            guard let role = Role(rawValue: entry.key[1]) else {
                throw fail("unknown role \"\(entry.key[1])\"; the roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var style = styles[role] ?? Style()
            switch entry.key[2] {
            case "fg", "bg":
                let colour: Color
                switch entry.value {
                case .string(let s) where s == "default": colour = .terminalDefault
                case .string(let s):
                    guard let index = Color.names[s.lowercased()] else {
                        throw fail(
                            "unknown colour \"\(s)\"; use a name such as \"cyan\" or \"bright-blue\", \"default\", or a number 0–255")
                    }
                    colour = .indexed(index)
                case .integer(let i) where (0...255).contains(i): colour = .indexed(UInt8(i))
                default: throw fail("\(entry.dottedKey) must be a colour name or a number 0–255, not \(entry.value)")
                }
                if entry.key[2] == "fg" { style.foreground = colour } else { style.background = colour }
            case "bold", "underline", "reverse", "dim":
                guard case .boolean(let on) = entry.value else { throw fail("\(entry.dottedKey) must be true or false") }
                switch entry.key[2] {
                case "bold": style.bold = on
                case "underline": style.underline = on
                case "reverse": style.reverse = on
                default: style.dim = on
                }
            default:
                throw fail("unknown attribute \(entry.key[2]); use fg, bg, bold, underline, reverse or dim")
            }
            styles[role] = style
        }
        let missing = Role.allCases.filter { styles[$0] == nil }
        guard missing.isEmpty else {
            throw ThemeError(
                file: file, line: lastLine,
                message: "roles not defined: \(missing.map(\.rawValue).joined(separator: ", ")); every role needs a [roles.<role>] table")
        }
        self.init(name: name, styles: styles)
    }
}

/// A theme file that could not be used, with where and why.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { "\(file) line \(line): \(message)" }
}
