import ArgumentParser
import Embeddings
import Foundation
import UserFacing

#if canImport(Glibc)
    import Glibc
#endif

/// `refarch-tui embed`: the native MiniLM embedder from the command line.
///
/// Three modes: texts as arguments (one JSON vector per line), `--jsonl` (sentence-transformers'
/// view of each input: truncated ids and embedding, no chunking) and `--file` (one text per line,
/// vectors or, with `--stats`, throughput and peak memory).
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts with the native all-MiniLM-L6-v2 model (384-dimensional unit vectors).",
        discussion: """
            embed "text" ...              one JSON array per text, one per line
            embed --jsonl IN.jsonl        {"text"} lines in; text, input_ids, embedding out
            embed --file texts.txt        one JSON array per line of the file
            embed --file texts.txt --stats    sentences/s, tokens/s and peak RSS

            Texts over the model's window (256 word pieces with [CLS] and [SEP]) are \
            truncated as sentence-transformers does. The model folder comes from \
            --model-dir, then REFARCH_MODEL_DIR, then .refarch/models/all-MiniLM-L6-v2.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Texts to embed.")
    var texts: [String] = []

    @Option(name: .customLong("jsonl"), help: ArgumentHelp("Read JSON Lines with a \"text\" field.", valueName: "file"))
    var jsonlPath: String?

    @Option(name: .customLong("file"), help: ArgumentHelp("Read one text per line.", valueName: "file"))
    var filePath: String?

    @Flag(help: "With --file: print throughput and peak RSS instead of the vectors.")
    var stats = false

    @Option(
        name: .customLong("model-dir"), help: ArgumentHelp("Model folder (config.json, vocab.txt, model.safetensors).", valueName: "dir"))
    var modelDirectory: String?

    @Option(help: "Encoder threads (default: the number of cores).")
    var threads: Int?

    @Option(name: .customLong("batch-size"), help: "Texts per encoder job.")
    var batchSize = 128

    func validate() throws {
        let modes = [!texts.isEmpty, jsonlPath != nil, filePath != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("Give texts, --jsonl FILE or --file FILE (exactly one).") }
        if stats && filePath == nil { throw ValidationError("--stats goes with --file.") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1.") }
    }

    func run() async throws {
        try await reportingErrors {
            // model.dir as every command reads it: --model-dir, REFARCH_MODEL_DIR, refarch.toml (--config).
            let context = try CommandContext(global, extraFlags: modelDirectory.map { ["--model-dir": $0] } ?? [:])
            let folder = URL(fileURLWithPath: context.settings.string("model.dir") ?? MiniLMModel.defaultRelativeFolder)
            let embedder = try MiniLMEmbedder(modelFolder: folder, threads: threads)
            var output = OutputWriter()
            if let jsonlPath {
                try await embedJSONLines(path: jsonlPath, embedder: embedder, output: &output)
            } else if let filePath {
                try await embedFile(path: filePath, embedder: embedder, output: &output)
            } else {
                for vector in try await embedder.embed(texts) {
                    output.write(JSONText.array(vector) + "\n")
                }
            }
            output.flush()
        }
    }

    private func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UserError(summary: "Cannot read \(path).")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private func lines(of text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    private func embedJSONLines(path: String, embedder: MiniLMEmbedder, output: inout OutputWriter) async throws {
        var inputs: [String] = []
        for (number, line) in lines(of: try readText(path)).enumerated() where !line.allSatisfy(\.isWhitespace) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let text = object["text"] as? String
            else { throw UserError(summary: "Line \(number + 1) of \(path) is not a JSON object with a \"text\" string.") }
            inputs.append(text)
        }
        let tokenizer = embedder.tokenizer
        for start in stride(from: 0, to: inputs.count, by: batchSize) {
            let batch = Array(inputs[start..<min(start + batchSize, inputs.count)])
            let ids = batch.map { tokenizer.encode($0) }
            let vectors = try await embedder.embed(tokenIDs: ids)
            for index in batch.indices {
                output.write("{\"text\":\(JSONText.string(batch[index])),\"input_ids\":[")
                output.write(ids[index].map(String.init).joined(separator: ","))
                output.write("],\"embedding\":\(JSONText.array(vectors[index]))}\n")
            }
        }
    }

    private func embedFile(path: String, embedder: MiniLMEmbedder, output: inout OutputWriter) async throws {
        let inputs = lines(of: try readText(path))
        let tokenizer = embedder.tokenizer
        let start = Date()
        var tokens = 0
        for first in stride(from: 0, to: inputs.count, by: batchSize) {
            let batch = Array(inputs[first..<min(first + batchSize, inputs.count)])
            if stats {
                let ids = batch.map { tokenizer.encode($0) }
                tokens += ids.reduce(0) { $0 + $1.count }
                _ = try await embedder.embed(tokenIDs: ids)
            } else {
                for vector in try await embedder.embed(batch) {
                    output.write(JSONText.array(vector) + "\n")
                }
            }
        }
        guard stats else { return }
        let seconds = Date().timeIntervalSince(start)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
        output.write(
            String(
                format: "texts: %d  threads: %d  batch: %d\nsentences/s: %.1f\ntokens/s: %.0f\npeak RSS: %.1f MB\n",
                inputs.count, embedder.threadCount, batchSize, Double(inputs.count) / seconds,
                Double(tokens) / seconds, peakMB))
    }
}

/// Buffers standard output so millions of floats are written in a few large writes.
private struct OutputWriter {
    private var buffer = ""

    mutating func write(_ text: String) {
        buffer += text
        if buffer.utf8.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(buffer.utf8))
        buffer = ""
    }
}

/// Minimal JSON writing for floats and strings (shortest round-trip float text, RFC 8259 escapes).
enum JSONText {
    static func array(_ vector: [Float]) -> String {
        "[" + vector.map { $0.description }.joined(separator: ",") + "]"
    }

    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x85:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
