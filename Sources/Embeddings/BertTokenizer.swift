import Foundation

/// The BERT WordPiece tokenizer, exactly as Hugging Face `tokenizers` (so sentence-transformers) runs it.
///
/// Pipeline: special tokens (`[CLS]`, `[SEP]`, `[MASK]`, `[PAD]`, `[UNK]`, matched literally in the
/// raw text) split the input; each remaining segment is cleaned (drop NUL, U+FFFD and Cc/Cf/Co except
/// tab/CR/LF; White_Space → space), CJK ideographs are padded with spaces, then NFD, non-spacing marks
/// dropped and each scalar lower-cased on its own (no final-sigma rule); then split on whitespace and
/// around punctuation, and each word is covered greedily by the longest vocabulary pieces (`##` for
/// continuations), or becomes `[UNK]` when it cannot be covered or is longer than 100 scalars.
/// Pure ASCII texts take a byte-level fast path with the same result.
///
/// Every piece carries the UTF-8 byte range of the text it came from, which chunking uses.
public struct BertTokenizer: Sendable {
    /// One word piece and where it came from.
    public struct Piece: Sendable, Equatable {
        public var id: Int32
        /// UTF-8 byte offsets into the original text.
        public var utf8Range: Range<Int>
        /// False for `##` continuations, which must not be separated from the piece before.
        public var startsWord: Bool

        public init(id: Int32, utf8Range: Range<Int>, startsWord: Bool) {
            self.id = id
            self.utf8Range = utf8Range
            self.startsWord = startsWord
        }
    }

    public let classifierID: Int32
    public let separatorID: Int32
    public let unknownID: Int32
    public let paddingID: Int32
    /// Largest number of ids fed to the model for one text, including `[CLS]` and `[SEP]`.
    public let maxLength: Int
    public let lowercases: Bool
    public let stripsAccents: Bool
    public let isolatesCJK: Bool

    private let pieces: ByteVocabulary
    private let continuations: ByteVocabulary  // keyed without the "##"
    private let specials: [(bytes: [UInt8], id: Int32)]
    private let longestPiece: Int  // in scalars
    private let maxWordScalars = 100

    /// Builds a tokenizer from a vocabulary (id = line number) and the model's tokenizer options.
    public init(
        vocabulary: [String], lowercases: Bool = true, stripsAccents: Bool? = nil, isolatesCJK: Bool = true,
        maxLength: Int = 256
    ) throws {
        var pieceEntries: [(key: [UInt8], id: Int32)] = []
        var continuationEntries: [(key: [UInt8], id: Int32)] = []
        var longest = 1
        for (index, token) in vocabulary.enumerated() {
            let id = Int32(index)
            let bytes = Array(token.utf8)
            if bytes.count > 2 && bytes[0] == UInt8(ascii: "#") && bytes[1] == UInt8(ascii: "#") {
                continuationEntries.append((Array(bytes.dropFirst(2)), id))
            }
            pieceEntries.append((bytes, id))
            longest = max(longest, token.unicodeScalars.count)
        }
        let pieces = ByteVocabulary(pieceEntries)
        func lookup(_ token: String) -> Int32? {
            Array(token.utf8).withUnsafeBufferPointer { pieces.lookup($0) }
        }
        func id(_ token: String) throws -> Int32 {
            guard let id = lookup(token) else {
                throw EmbeddingError.invalidInput(reason: "the vocabulary has no \(token) token")
            }
            return id
        }
        classifierID = try id("[CLS]")
        separatorID = try id("[SEP]")
        unknownID = try id("[UNK]")
        paddingID = lookup("[PAD]") ?? 0
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { token in
            lookup(token).map { (Array(token.utf8), $0) }
        }
        self.pieces = pieces
        self.continuations = ByteVocabulary(continuationEntries)
        self.longestPiece = longest
        self.lowercases = lowercases
        self.stripsAccents = stripsAccents ?? lowercases
        self.isolatesCJK = isolatesCJK
        self.maxLength = max(maxLength, 2)
    }

    /// The ids sentence-transformers feeds the model: `[CLS]`, the first `maxLength - 2` pieces, `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        let body = wordPieces(text)
        var ids: [Int32] = []
        ids.reserveCapacity(min(body.count, maxLength - 2) + 2)
        ids.append(classifierID)
        for piece in body.prefix(maxLength - 2) { ids.append(piece.id) }
        ids.append(separatorID)
        return ids
    }

    /// All ids with `[CLS]`/`[SEP]` and no truncation (what the tokenizer fixture holds).
    public func encodeUntruncated(_ text: String) -> [Int32] {
        [classifierID] + wordPieces(text).map(\.id) + [separatorID]
    }

    /// The word pieces of `text` without `[CLS]`/`[SEP]` and without truncation.
    public func wordPieces(_ text: String) -> [Piece] {
        var text = text
        return text.withUTF8 { bytes in
            var output: [Piece] = []
            output.reserveCapacity(bytes.count / 3 + 4)
            if bytes.allSatisfy({ $0 < 0x80 }) {
                asciiPieces(bytes, into: &output)
            } else {
                unicodePieces(bytes, into: &output)
            }
            return output
        }
    }

    // MARK: - Special tokens

    /// The special token starting at `offset`, if any (literal, case-sensitive, before normalisation).
    private func special(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> (length: Int, id: Int32)? {
        guard bytes[offset] == UInt8(ascii: "[") else { return nil }
        for (literal, id) in specials where offset + literal.count <= bytes.count {
            var match = true
            for k in 1..<literal.count where bytes[offset + k] != literal[k] {
                match = false
                break
            }
            if match { return (literal.count, id) }
        }
        return nil
    }

    // MARK: - ASCII fast path

    private func asciiPieces(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [Piece]) {
        var word: [UInt8] = []
        var origins: [Int] = []  // byte offset of each word byte in the text
        word.reserveCapacity(64)
        origins.reserveCapacity(64)
        var scratch = WordScratch()
        func flush() {
            if !word.isEmpty {
                appendWordPieces(word: word, starts: origins, ends: origins.map { $0 + 1 }, scratch: &scratch, into: &output)
                word.removeAll(keepingCapacity: true)
                origins.removeAll(keepingCapacity: true)
            }
        }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "["), let match = special(in: bytes, at: i) {
                flush()
                output.append(Piece(id: match.id, utf8Range: i..<(i + match.length), startsWord: true))
                i += match.length
                continue
            }
            switch b {
            case 0x09, 0x0A, 0x0D, 0x20:
                flush()
            case 0x00...0x1F, 0x7F:
                break  // control characters are dropped
            case 33...47, 58...64, 91...96, 123...126:
                flush()
                appendWordPieces(word: [b], starts: [i], ends: [i + 1], scratch: &scratch, into: &output)
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where lowercases:
                word.append(b + 32)
                origins.append(i)
            default:
                word.append(b)
                origins.append(i)
            }
            i += 1
        }
        flush()
    }

    // MARK: - Unicode path

    /// A normalised scalar and the UTF-8 range of the source scalar it came from.
    private struct Normalised {
        var scalar: Unicode.Scalar
        var start: Int
        var end: Int
    }

    private func unicodePieces(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [Piece]) {
        // Decode scalars with their byte offsets, splitting off special tokens.
        var segment: [Normalised] = []
        var scratch = WordScratch()
        var offset = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var pendingSkip = 0
        func flushSegment() {
            if !segment.isEmpty {
                tokenizeSegment(segment, scratch: &scratch, into: &output)
                segment.removeAll(keepingCapacity: true)
            }
        }
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let length = UTF8.width(scalar)
                defer { offset += length }
                if pendingSkip > 0 {
                    pendingSkip -= length
                    continue
                }
                if scalar == "[", let match = special(in: bytes, at: offset) {
                    flushSegment()
                    output.append(Piece(id: match.id, utf8Range: offset..<(offset + match.length), startsWord: true))
                    pendingSkip = match.length - 1
                    continue
                }
                segment.append(Normalised(scalar: scalar, start: offset, end: offset + length))
            case .emptyInput:
                break loop
            case .error:
                // Swift strings are valid UTF-8; keep going defensively.
                offset += 1
            }
        }
        flushSegment()
    }

    private func tokenizeSegment(_ raw: [Normalised], scratch: inout WordScratch, into output: inout [Piece]) {
        // 1. Clean and pad CJK.
        var cleaned: [Normalised] = []
        cleaned.reserveCapacity(raw.count + 8)
        for item in raw {
            let c = item.scalar
            if c.value == 0 || c.value == 0xFFFD || Self.isControl(c) { continue }
            if Self.isWhitespace(c) {
                cleaned.append(Normalised(scalar: " ", start: item.start, end: item.end))
            } else if isolatesCJK && Self.isCJK(c) {
                cleaned.append(Normalised(scalar: " ", start: item.start, end: item.end))
                cleaned.append(item)
                cleaned.append(Normalised(scalar: " ", start: item.start, end: item.end))
            } else {
                cleaned.append(item)
            }
        }
        // 2. NFD (full decomposition, then canonical ordering), drop Mn, lower-case.
        var normalised: [Normalised] = []
        if stripsAccents {
            var decomposed: [Normalised] = []
            decomposed.reserveCapacity(cleaned.count + 8)
            for item in cleaned {
                if item.scalar.value < 0xC0 {
                    decomposed.append(item)
                } else {
                    for s in String(Character(item.scalar)).decomposedStringWithCanonicalMapping.unicodeScalars {
                        decomposed.append(Normalised(scalar: s, start: item.start, end: item.end))
                    }
                }
            }
            Self.canonicallyOrder(&decomposed)
            normalised.reserveCapacity(decomposed.count)
            for item in decomposed where item.scalar.properties.generalCategory != .nonspacingMark {
                normalised.append(item)
            }
        } else {
            normalised = cleaned
        }
        if lowercases {
            var lowered: [Normalised] = []
            lowered.reserveCapacity(normalised.count)
            for item in normalised {
                let c = item.scalar
                if c.isASCII {
                    let v = c.value
                    lowered.append(
                        v >= 65 && v <= 90 ? Normalised(scalar: Unicode.Scalar(v + 32)!, start: item.start, end: item.end) : item)
                } else if c.properties.changesWhenLowercased {
                    for s in c.properties.lowercaseMapping.unicodeScalars {
                        lowered.append(Normalised(scalar: s, start: item.start, end: item.end))
                    }
                } else {
                    lowered.append(item)
                }
            }
            normalised = lowered
        }
        // 3. Pre-tokenise: whitespace separates, punctuation stands alone.
        var word: [UInt8] = []
        var starts: [Int] = []
        var ends: [Int] = []
        func flush() {
            if !word.isEmpty {
                appendWordPieces(word: word, starts: starts, ends: ends, scratch: &scratch, into: &output)
                word.removeAll(keepingCapacity: true)
                starts.removeAll(keepingCapacity: true)
                ends.removeAll(keepingCapacity: true)
            }
        }
        for item in normalised {
            let c = item.scalar
            if c.properties.isWhitespace {
                flush()
            } else if Self.isPunctuation(c) {
                flush()
                var bytes: [UInt8] = []
                var ss: [Int] = []
                var es: [Int] = []
                for b in c.utf8 {
                    bytes.append(b)
                    ss.append(item.start)
                    es.append(item.end)
                }
                appendWordPieces(word: bytes, starts: ss, ends: es, scratch: &scratch, into: &output)
            } else {
                for b in c.utf8 {
                    word.append(b)
                    starts.append(item.start)
                    ends.append(item.end)
                }
            }
        }
        flush()
    }

    // MARK: - WordPiece

    /// Reused buffers for one word.
    private struct WordScratch {
        var boundaries: [Int] = []  // byte offset of each scalar start in the word, then the word's length
    }

    /// Covers one word (UTF-8 bytes, with per-byte source ranges) greedily with vocabulary pieces.
    private func appendWordPieces(
        word: [UInt8], starts: [Int], ends: [Int], scratch: inout WordScratch, into output: inout [Piece]
    ) {
        scratch.boundaries.removeAll(keepingCapacity: true)
        for (index, byte) in word.enumerated() where byte & 0xC0 != 0x80 {
            scratch.boundaries.append(index)
        }
        let scalarCount = scratch.boundaries.count
        scratch.boundaries.append(word.count)
        let wordRange = starts[0]..<ends[word.count - 1]
        if scalarCount > maxWordScalars {
            output.append(Piece(id: unknownID, utf8Range: wordRange, startsWord: true))
            return
        }
        let firstNew = output.count
        word.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < scalarCount {
                var end = min(scalarCount, start + longestPiece)
                var found: Int32? = nil
                while end > start {
                    let slice = UnsafeBufferPointer(
                        rebasing: buffer[scratch.boundaries[start]..<scratch.boundaries[end]])
                    found = start == 0 ? pieces.lookup(slice) : continuations.lookup(slice)
                    if found != nil { break }
                    end -= 1
                }
                guard let id = found else {
                    output.removeSubrange(firstNew...)
                    output.append(Piece(id: unknownID, utf8Range: wordRange, startsWord: true))
                    return
                }
                let range = starts[scratch.boundaries[start]]..<ends[scratch.boundaries[end] - 1]
                output.append(Piece(id: id, utf8Range: range, startsWord: start == 0))
                start = end
            }
        }
    }

    // MARK: - Character classes (as `tokenizers` defines them)

    static func isControl(_ c: Unicode.Scalar) -> Bool {
        if c == "\t" || c == "\n" || c == "\r" { return false }
        switch c.properties.generalCategory {
        case .control, .format, .privateUse: return true
        default: return false
        }
    }

    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == "\t" || c == "\n" || c == "\r" || c.properties.isWhitespace
    }

    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// BERT's CJK ranges as `tokenizers` has them (0x2B920, not 0x2B820, starts the sixth range).
    static func isCJK(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Stable-sorts each run of non-starters by canonical combining class (the reordering step of NFD).
    private static func canonicallyOrder(_ items: inout [Normalised]) {
        var i = 0
        while i < items.count {
            guard items[i].scalar.properties.canonicalCombiningClass.rawValue != 0 else {
                i += 1
                continue
            }
            var j = i
            while j < items.count && items[j].scalar.properties.canonicalCombiningClass.rawValue != 0 { j += 1 }
            if j - i > 1 {
                let sorted = items[i..<j].enumerated().sorted {
                    let a = $0.element.scalar.properties.canonicalCombiningClass.rawValue
                    let b = $1.element.scalar.properties.canonicalCombiningClass.rawValue
                    return a != b ? a < b : $0.offset < $1.offset
                }.map(\.element)
                items.replaceSubrange(i..<j, with: sorted)
            }
            i = j
        }
    }
}
