import UserFacing

/// Why loading a model or embedding a text failed, with what to do about it.
///
/// Every case names the file or folder involved, so the one line a person sees says which
/// folder was read and which files were expected there.
public enum EmbeddingError: UserFacingError, Equatable, Sendable {
    /// The model folder is absent or lacks required files.
    case modelFolderInvalid(folder: String, missing: [String])
    /// A file of the model folder could not be read or parsed.
    case invalidModelFile(path: String, reason: String)
    /// `model.safetensors` is shorter than its own header says.
    case truncatedWeights(path: String, expectedBytes: Int, actualBytes: Int)
    /// The encoder was asked for something it cannot do (a bug in the caller, not the model).
    case invalidInput(reason: String)

    /// Files a Hugging Face-format BERT sentence model folder must hold.
    public static let requiredFiles = ["config.json", "vocab.txt", "model.safetensors"]
    /// Files read when present (`tokenizer_config.json`: lower-casing; `sentence_bert_config.json`: window).
    public static let optionalFiles = ["tokenizer_config.json", "sentence_bert_config.json"]

    /// One line that fits a status bar.
    public var summary: String {
        switch self {
        case .modelFolderInvalid(let folder, let missing):
            let expected = Self.requiredFiles.joined(separator: ", ")
            let optional = Self.optionalFiles.joined(separator: " and ")
            return "The model folder \(folder) is missing \(missing.joined(separator: ", ")) "
                + "(expected \(expected); \(optional) are read when present)."
        case .invalidModelFile(let path, let reason):
            return "Cannot use the model file \(path): \(reason)."
        case .truncatedWeights(let path, let expected, let actual):
            return "The weights file \(path) is truncated: its header needs \(expected) bytes, the file has \(actual)."
        case .invalidInput(let reason):
            return "Cannot embed: \(reason)."
        }
    }

    /// The next step for the person who saw the error.
    public var remedy: String? {
        switch self {
        case .modelFolderInvalid, .invalidModelFile, .truncatedWeights:
            return "Run `scripts/install-deps.sh` (or `make test`) to fetch all-MiniLM-L6-v2 into .refarch/models, "
                + "or point REFARCH_MODEL_DIR / --model-dir at a Hugging Face-format BERT sentence model folder."
        case .invalidInput:
            return "Report this as a bug with the input that caused it."
        }
    }

}
