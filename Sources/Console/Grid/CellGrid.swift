/// The semantic colour roles views draw with; themes map them to colours.
public enum Role: String, CaseIterable, Hashable, Sendable {
    case title, border, text, muted, selection, accent, ok, warn, error, input

    /// One letter per role, for the role snapshots of golden-screen tests.
    public var letter: Character {
        switch self {
        case .title: "T"
        case .border: "B"
        case .text: "."
        case .muted: "m"
        case .selection: "S"
        case .accent: "A"
        case .ok: "o"
        case .warn: "w"
        case .error: "E"
        case .input: "i"
        }
    }
}

/// A terminal size in columns and rows.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
    public var description: String { "\(columns)×\(rows)" }
}

/// A rectangle of the screen, in cells.
public struct Rect: Hashable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
    public var maxY: Int { y + height }
    public var maxX: Int { x + width }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The top `rows` rows, and the rest.
    public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let r = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
    }

    /// The bottom `rows` rows, and the rest above them.
    public func splitBottom(_ rows: Int) -> (rest: Rect, bottom: Rect) {
        let r = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: height - r), Rect(x: x, y: y + height - r, width: width, height: r))
    }

    public func inset(dx: Int, dy: Int) -> Rect { Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy) }

    /// A rectangle of at most `width`×`height` centred in this one.
    public func centred(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }
}

/// One screen cell: a grapheme and its role. The right half of a wide character is a
/// continuation cell, which backends skip.
public struct Cell: Hashable, Sendable {
    public var character: Character { didSet { isWide = Cell.isWide(character) } }
    public var role: Role
    public var isContinuation: Bool
    /// Whether `character` takes two columns, measured once (overwriting checks it per cell).
    public private(set) var isWide: Bool

    public init(_ character: Character = " ", role: Role = .text, isContinuation: Bool = false) {
        self.character = character
        self.role = role
        self.isContinuation = isContinuation
        isWide = Cell.isWide(character)
    }

    /// A cell of printable ASCII, which is never wide (the writing fast path).
    init(ascii byte: UInt8, role: Role) {
        character = Cell.asciiCharacters[Int(byte)]
        self.role = role
        isContinuation = false
        isWide = false
    }

    /// Characters for bytes 0–127, made once.
    static let asciiCharacters: [Character] = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }

    static func isWide(_ character: Character) -> Bool {
        guard let first = character.utf8.first, first >= 0x80 else { return false }
        return DisplayWidth.of(character) == 2
    }

    public static let blank = Cell()
}

/// The screen as views draw it, off-screen: backends flush it, tests read it back as text.
///
/// Everything is measured in columns (``DisplayWidth``); writes are clipped to the grid and to
/// the rectangle they are given, and a wide character never straddles an edge.
public struct CellGrid: Hashable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: max(0, size.columns * size.rows))
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: size.columns, height: size.rows) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.columns + x] }
        set { cells[y * size.columns + x] = newValue }
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` columns and to the grid; returns the
    /// columns used. With `ellipsis`, text cut at the edge ends in `…`.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, role: Role, maxWidth: Int? = nil, ellipsis: Bool = true) -> Int {
        guard y >= 0, y < size.rows, x < size.columns else { return 0 }
        let limit = min(maxWidth ?? Int.max, size.columns - max(0, x))
        guard limit > 0 else { return 0 }
        if let used = writeASCII(text, x: x, y: y, role: role, limit: limit, ellipsis: ellipsis) { return used }
        let shown = ellipsis ? DisplayWidth.truncate(text, to: limit) : text
        var column = x
        for character in shown {
            let w = DisplayWidth.of(character)
            if w == 0 { continue }
            if column + w > x + limit { break }
            if column >= 0 {
                clearWide(at: column, y: y)
                self[column, y] = Cell(character, role: role)
                if w == 2 {
                    clearWide(at: column + 1, y: y)
                    self[column + 1, y] = Cell(" ", role: role, isContinuation: true)
                }
            }
            column += w
        }
        return column - x
    }

    /// Printable ASCII, the common case, byte by byte: no grapheme breaking, no width
    /// lookups. Returns nil (nothing written) for any other text.
    private mutating func writeASCII(_ text: String, x: Int, y: Int, role: Role, limit: Int, ellipsis: Bool) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            for byte in bytes where byte < 0x20 || byte >= 0x7F { return nil }
            let cut = bytes.count > limit
            let count = cut ? (ellipsis ? limit - 1 : limit) : bytes.count
            var column = x
            for byte in bytes.prefix(count) {
                if column >= 0 {
                    clearWide(at: column, y: y)
                    self[column, y] = Cell(ascii: byte, role: role)
                }
                column += 1
            }
            if cut, ellipsis, column >= 0 {
                clearWide(at: column, y: y)
                self[column, y] = Cell("…", role: role)
                column += 1
            }
            return column - x
        }
    }

    /// Fills a rectangle with one character in one role.
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: Role) {
        let x0 = max(0, rect.x), x1 = min(size.columns, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(size.rows, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        let cell = Cell(character, role: role)
        for y in y0..<y1 {
            cells.replaceSubrange((y * size.columns + x0)..<(y * size.columns + x1), with: repeatElement(cell, count: x1 - x0))
        }
    }

    /// Changes the role of the cells of a rectangle, keeping their characters (selection bars).
    public mutating func paint(_ rect: Rect, role: Role) {
        let x0 = max(0, rect.x), x1 = min(size.columns, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(size.rows, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 { for x in x0..<x1 { cells[y * size.columns + x].role = role } }
    }

    /// Overwriting half of a wide character blanks its other half.
    private mutating func clearWide(at x: Int, y: Int) {
        guard x >= 0, x < size.columns else { return }
        let cell = self[x, y]
        if cell.isContinuation, x > 0 { self[x - 1, y] = Cell(" ", role: self[x - 1, y].role) }
        if cell.isWide, x + 1 < size.columns {
            self[x + 1, y] = Cell(" ", role: self[x + 1, y].role)
        }
    }

    /// The characters of one row (continuation cells left out, so wide characters read right).
    public func line(_ y: Int) -> String {
        var s = ""
        s.reserveCapacity(size.columns)
        for x in 0..<size.columns where !self[x, y].isContinuation { s.append(self[x, y].character) }
        return s
    }

    /// The screen as text, one line per row: what golden-screen tests compare.
    public var text: String { (0..<size.rows).map(line).joined(separator: "\n") }

    /// One letter per cell for its role (see ``Role/letter``): the colour snapshot.
    public var roles: String {
        (0..<size.rows).map { y in String((0..<size.columns).map { self[$0, y].role.letter }) }.joined(separator: "\n")
    }
}
