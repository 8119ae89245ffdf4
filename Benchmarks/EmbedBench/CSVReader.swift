/// A small RFC 4180 reader: comma-separated, double-quoted fields with `""` escapes and
/// line breaks inside quotes. Enough for the benchmark corpus; not a general CSV library.
enum CSVReader {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            row.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(b)
                }
            } else {
                switch b {
                case UInt8(ascii: "\""): inQuotes = true
                case UInt8(ascii: ","): endField()
                case UInt8(ascii: "\r"): break
                case UInt8(ascii: "\n"):
                    endField()
                    rows.append(row)
                    row = []
                default: field.append(b)
                }
            }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty {
            endField()
            rows.append(row)
        }
        return rows
    }

    /// The values of the column named `name` (header in the first row).
    static func column(_ name: String, of text: String) -> [String]? {
        let all = rows(text)
        guard let header = all.first, let index = header.firstIndex(of: name) else { return nil }
        return all.dropFirst().compactMap { $0.count > index ? $0[index] : nil }
    }
}
