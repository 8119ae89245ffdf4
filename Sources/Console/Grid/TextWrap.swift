/// Soft wrapping by display width, at spaces where possible: the details view and the
/// description editor use it (everything else clips).
public enum TextWrap {
    /// The character ranges of `characters` that make each visual row of at most `width`
    /// columns. An empty text is one empty row; a hard line break is not expected here.
    public static func rows(_ characters: [Character], width: Int) -> [Range<Int>] {
        guard width > 0 else { return [0..<characters.count] }
        var rows: [Range<Int>] = []
        var start = 0
        while start < characters.count {
            var used = 0, end = start, lastBreak: Int?
            while end < characters.count {
                let w = DisplayWidth.of(characters[end])
                if used + w > width { break }
                used += w
                if characters[end] == " " { lastBreak = end + 1 }
                end += 1
            }
            if end < characters.count, let lastBreak, lastBreak > start { end = lastBreak }
            if end == start { end = start + 1 }  // a character wider than the row
            rows.append(start..<end)
            start = end
        }
        return rows.isEmpty ? [0..<0] : rows
    }

    /// `text` wrapped to `width` columns, keeping its own line breaks.
    public static func lines(_ text: String, width: Int) -> [String] {
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let characters = Array(paragraph)
            for range in rows(characters, width: width) {
                var line = String(characters[range])
                while line.last == " " { line.removeLast() }
                out.append(line)
            }
        }
        return out
    }
}
