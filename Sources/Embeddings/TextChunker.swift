/// Splits a text's word pieces into windows the model can take, preferring sentence boundaries.
///
/// Why: the model sees at most `maxLength` ids (256 with `[CLS]`/`[SEP]`); a longer product
/// description would otherwise lose everything after its first ~200 words. Each chunk holds at
/// most `maxLength - 2` pieces, ends at a sentence boundary when one falls in the window, else at
/// a word boundary, else mid-word; at most `maxChunks` chunks are made and the rest is dropped.
public struct TextChunker: Sendable {
    /// One window: which pieces it holds and the UTF-8 byte range of the text they cover.
    public struct Chunk: Sendable, Equatable {
        public var pieces: Range<Int>
        public var utf8Range: Range<Int>
    }

    public var maxPieces: Int
    public var maxChunks: Int

    public init(maxPieces: Int = 254, maxChunks: Int = 32) {
        self.maxPieces = max(maxPieces, 1)
        self.maxChunks = max(maxChunks, 1)
    }

    /// The chunks of `text`, given its word pieces. A text that fits is one chunk spanning all of it
    /// (so the empty text still yields one chunk, embedded as `[CLS] [SEP]`).
    public func chunks(of text: String, pieces: [BertTokenizer.Piece]) -> [Chunk] {
        let utf8 = Array(text.utf8)
        guard pieces.count > maxPieces else { return [Chunk(pieces: 0..<pieces.count, utf8Range: 0..<utf8.count)] }

        // boundary[i] == 2: a sentence starts at piece i; 1: a word starts there.
        var boundary = [UInt8](repeating: 0, count: pieces.count + 1)
        boundary[pieces.count] = 2
        for i in 1..<pieces.count {
            let previous = pieces[i - 1], current = pieces[i]
            if !current.startsWord { continue }
            boundary[i] = 1
            let gap = utf8[min(previous.utf8Range.upperBound, current.utf8Range.lowerBound)..<current.utf8Range.lowerBound]
            if gap.contains(UInt8(ascii: "\n")) {
                boundary[i] = 2
                continue
            }
            let source = String(decoding: utf8[previous.utf8Range], as: UTF8.self)
            if ["。", "！", "？"].contains(source) || (Self.terminators.contains(source) && !gap.isEmpty) {
                boundary[i] = 2
            }
        }

        var chunks: [Chunk] = []
        var start = 0
        while start < pieces.count && chunks.count < maxChunks {
            var end = min(start + maxPieces, pieces.count)
            if end < pieces.count {
                if let sentence = (start + 1...end).last(where: { boundary[$0] == 2 }) {
                    end = sentence
                } else if let word = (start + 1...end).last(where: { boundary[$0] >= 1 }) {
                    end = word
                }
            }
            chunks.append(
                Chunk(
                    pieces: start..<end,
                    utf8Range: pieces[start].utf8Range.lowerBound..<pieces[end - 1].utf8Range.upperBound))
            start = end
        }
        return chunks
    }

    private static let terminators: Set<String> = [".", "!", "?", "…", ";", "．", "｡"]
}
