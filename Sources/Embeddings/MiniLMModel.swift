import Foundation

/// A Hugging Face-format BERT sentence model folder, loaded: configuration, tokenizer and weights.
///
/// Loading reads `config.json`, `vocab.txt`, `tokenizer_config.json` (lower-casing, accents,
/// CJK handling), `sentence_bert_config.json` (window length) when present, and maps
/// `model.safetensors`. It blocks for roughly a tenth of a second; do it once at start-up.
public final class MiniLMModel: Sendable {
    /// Where the model was read from.
    public let folder: URL
    public let config: BertConfig
    public let tokenizer: BertTokenizer
    let weights: BertWeights

    /// The folder used when neither `--model-dir` nor `REFARCH_MODEL_DIR` says otherwise.
    public static let defaultRelativeFolder = ".refarch/models/all-MiniLM-L6-v2"

    /// `explicit` (a flag) wins, then `REFARCH_MODEL_DIR`, then the default relative to the current directory.
    public static func resolveFolder(
        explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL {
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let fromEnvironment = environment["REFARCH_MODEL_DIR"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(defaultRelativeFolder)
    }

    /// Loads the folder; throws ``EmbeddingError`` naming the folder and the files it expected.
    public init(folder: URL) throws {
        self.folder = folder
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) && isDirectory.boolValue
        let missing = EmbeddingError.requiredFiles.filter {
            !exists || !manager.fileExists(atPath: folder.appendingPathComponent($0).path)
        }
        guard missing.isEmpty else { throw EmbeddingError.modelFolderInvalid(folder: folder.path, missing: missing) }

        let config = try BertConfig.load(from: folder.appendingPathComponent("config.json"))
        let options = try TokenizerOptions.load(from: folder)
        let vocabularyURL = folder.appendingPathComponent("vocab.txt")
        guard let vocabularyText = try? String(contentsOf: vocabularyURL, encoding: .utf8) else {
            throw EmbeddingError.invalidModelFile(path: vocabularyURL.path, reason: "cannot read it as UTF-8 text")
        }
        var vocabulary = vocabularyText.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        if vocabulary.last == "" { vocabulary.removeLast() }
        guard !vocabulary.isEmpty, vocabulary.count <= config.vocabularySize else {
            throw EmbeddingError.invalidModelFile(
                path: vocabularyURL.path,
                reason: "it has \(vocabulary.count) entries, config.json allows \(config.vocabularySize)")
        }
        do {
            tokenizer = try BertTokenizer(
                vocabulary: vocabulary, lowercases: options.lowercases, stripsAccents: options.stripsAccents,
                isolatesCJK: options.isolatesCJK, maxLength: min(options.maxSequenceLength, config.maxPositions))
        } catch let error as EmbeddingError {
            throw EmbeddingError.invalidModelFile(path: vocabularyURL.path, reason: error.summary)
        }
        let file = try SafeTensorsFile(path: folder.appendingPathComponent("model.safetensors").path)
        weights = try BertWeights(file: file, config: config)
        self.config = config
    }

    /// Tokenizer settings from the optional JSON files, with BERT-uncased defaults.
    private struct TokenizerOptions {
        var lowercases = true
        var stripsAccents: Bool?
        var isolatesCJK = true
        var maxSequenceLength = 256

        static func load(from folder: URL) throws -> TokenizerOptions {
            var options = TokenizerOptions()
            if let json = try object(folder.appendingPathComponent("tokenizer_config.json")) {
                options.lowercases = json["do_lower_case"] as? Bool ?? true
                options.stripsAccents = json["strip_accents"] as? Bool
                options.isolatesCJK = json["tokenize_chinese_chars"] as? Bool ?? true
            }
            if let json = try object(folder.appendingPathComponent("sentence_bert_config.json")),
                let length = json["max_seq_length"] as? Int, length >= 2
            {
                options.maxSequenceLength = length
            }
            return options
        }

        private static func object(_ url: URL) throws -> [String: Any]? {
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            guard let data = try? Data(contentsOf: url),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { throw EmbeddingError.invalidModelFile(path: url.path, reason: "not a JSON object") }
            return json
        }
    }
}
