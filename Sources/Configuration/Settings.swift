import Foundation
import UserFacing

/// One setting every command can read: its key in `refarch.toml`, its environment
/// variables, its flag, its default, and whether it is a secret.
public struct SettingDefinition: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case string, integer, boolean
        /// A libpq conninfo or URI: printed with any password masked.
        case conninfo
    }

    public let key: String
    public let environment: [String]
    public let flag: String?
    public let defaultValue: String?
    public let kind: Kind
    public let isSecret: Bool
    public let summary: String

    public init(
        _ key: String, env environment: [String] = [], flag: String? = nil, default defaultValue: String? = nil,
        kind: Kind = .string, secret: Bool = false, _ summary: String
    ) {
        self.key = key
        self.environment = environment
        self.flag = flag
        self.defaultValue = defaultValue
        self.kind = kind
        self.isSecret = secret
        self.summary = summary
    }
}

/// Where an effective value came from, as `refarch-tui config` shows it.
public enum SettingSource: Sendable, Hashable, CustomStringConvertible {
    case flag(String)
    case environment(String)
    case file(path: String, line: Int)
    case defaultValue
    case unset

    public var description: String {
        switch self {
        case .flag(let name): return "flag \(name)"
        case .environment(let name): return "env \(name)"
        case .file(let path, let line): return "\(path):\(line)"
        case .defaultValue: return "default"
        case .unset: return "unset"
        }
    }
}

/// A setting's effective value and where it came from.
public struct ResolvedSetting: Sendable, Hashable {
    public let definition: SettingDefinition
    public let value: String?
    public let source: SettingSource

    /// The value as it may be shown: secrets masked, passwords cut out of conninfo strings.
    public var displayValue: String {
        guard let value else { return "" }
        if definition.isSecret { return value.isEmpty ? "" : "****" }
        if definition.kind == .conninfo { return Settings.maskPassword(in: value) }
        return value
    }
}

/// A configuration problem, naming where the bad value was found and what was expected.
public struct ConfigurationError: UserFacingError, Hashable, Sendable {
    public let message: String
    public let remedy: String?
    public var summary: String { message }
}

/// The effective configuration: flags > environment > `refarch.toml` > defaults.
///
/// Loaded once per process and passed down; nothing else reads the environment for these
/// settings, so `refarch-tui config` shows exactly what every command uses.
public struct Settings: Sendable {
    public let resolved: [String: ResolvedSetting]
    /// The `refarch.toml` that was read, if any.
    public let configFile: String?
    /// The process environment (for layers such as the AWS credential chain that read
    /// standard variables of their own).
    public let environment: [String: String]

    /// Every setting refarch-tui knows, in the order `config` prints them.
    public static let definitions: [SettingDefinition] = [
        SettingDefinition(
            "database.url", env: ["DATABASE_URL"], flag: "--database-url", kind: .conninfo,
            "Postgres conninfo or URI; wins over the postgres.* settings."),
        SettingDefinition("postgres.host", env: ["POSTGRES_DB_HOST"], "Postgres host (reference variable)."),
        SettingDefinition("postgres.port", env: ["POSTGRES_DB_PORT"], kind: .integer, "Postgres port."),
        SettingDefinition("postgres.name", env: ["POSTGRES_DB_NAME"], "Postgres database name."),
        SettingDefinition("postgres.user", env: ["POSTGRES_DB_USER"], "Postgres user."),
        SettingDefinition("postgres.password", env: ["POSTGRES_DB_PASSWORD"], secret: true, "Postgres password."),
        SettingDefinition("postgres.sslmode", env: ["POSTGRES_SSLMODE"], "libpq sslmode (disable, require, verify-full, …)."),
        SettingDefinition("aws.region", env: ["AWS_REGION", "AWS_DEFAULT_REGION"], "AWS region (else the profile's)."),
        SettingDefinition("aws.profile", env: ["AWS_PROFILE"], "Profile in ~/.aws/config and ~/.aws/credentials."),
        SettingDefinition("aws.endpoint_url", env: ["AWS_ENDPOINT_URL"], "Endpoint for every AWS service (emulators)."),
        SettingDefinition("sqs.queue_url", env: ["SQS_QUEUE_URL"], "The jobs queue; unset means the embedded Postgres queue."),
        SettingDefinition("sqs.dlq_url", env: ["SQS_DLQ_URL"], "The dead-letter queue (default: from the redrive policy)."),
        SettingDefinition("sns.topic_arn", env: ["SNS_TOPIC_ARN"], "Topic for dead-letter alerts."),
        SettingDefinition("ecs.cluster", env: ["ECS_CLUSTER"], "ECS cluster of the workers."),
        SettingDefinition("rds.instance", env: ["RDS_INSTANCE_ID"], "RDS instance identifier for `db status`."),
        SettingDefinition(
            "pinecone.api_key", env: ["PINECONE_API_KEY"], secret: true, "Pinecone API key; set means Pinecone, unset the local index."),
        SettingDefinition("pinecone.index", env: ["PINECONE_INDEX"], "Pinecone index name."),
        SettingDefinition("pinecone.host", env: ["PINECONE_HOST"], "Data-plane host override."),
        SettingDefinition("pinecone.controller_host", env: ["PINECONE_CONTROLLER_HOST"], "Control-plane host override."),
        SettingDefinition("pinecone.namespace", env: ["PINECONE_NAMESPACE"], default: "products", "Namespace for product vectors."),
        SettingDefinition(
            "model.dir", env: ["REFARCH_MODEL_DIR"], flag: "--model-dir",
            default: ".refarch/models/all-MiniLM-L6-v2", "Hugging Face-format MiniLM model folder."),
        SettingDefinition(
            "embedding.template", env: ["REFARCH_EMBED_TEMPLATE"], default: "{name}. {description}",
            "Text embedded for a product."),
        SettingDefinition("worker.id", env: ["ECS_TASK_ID"], "Worker id in logs and heartbeats (default: generated)."),
        SettingDefinition("console.theme", env: ["REFARCH_THEME"], flag: "--theme", default: "default", "Console colour theme."),
        SettingDefinition(
            "console.refresh_seconds", env: ["REFARCH_REFRESH_SECONDS"], flag: "--refresh", default: "2", kind: .integer,
            "How often the console refreshes queue depths and worker heartbeats."),
        SettingDefinition(
            "read_only", env: ["REFARCH_READ_ONLY"], flag: "--read-only", default: "false", kind: .boolean,
            "Refuse every write and destructive action."),
        SettingDefinition(
            "log.level", env: ["REFARCH_LOG_LEVEL"], flag: "--log-level", default: "info",
            "trace, debug, info, notice, warning, error or critical."),
        SettingDefinition("state.dir", env: ["REFARCH_STATE_DIR"], default: ".refarch", "Logs and local state."),
    ]

    /// Resolves every setting.
    ///
    /// - Parameters:
    ///   - flags: values given on the command line, by flag name (`--database-url`).
    ///   - configFile: an explicit `--config` path (must exist); otherwise `./refarch.toml`,
    ///     then `$XDG_CONFIG_HOME/refarch-tui/refarch.toml`, if present.
    public static func load(
        flags: [String: String] = [:], environment: [String: String],
        configFile: String? = nil, currentDirectory: String = FileManager.default.currentDirectoryPath
    )
        throws(ConfigurationError) -> Settings
    {
        let path = configFile ?? environment["REFARCH_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        var document: TOMLDocument?
        var filePath: String?
        if let path {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError(
                    message: "Cannot read the configuration file \(path).",
                    remedy: "Check the path given with --config or REFARCH_CONFIG.")
            }
            filePath = path
            document = try parse(text, file: path)
        } else {
            let xdg =
                environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? environment["HOME"].map { $0 + "/.config" }
            let candidates = [currentDirectory + "/refarch.toml"] + (xdg.map { [$0 + "/refarch-tui/refarch.toml"] } ?? [])
            for candidate in candidates where FileManager.default.fileExists(atPath: candidate) {
                guard let text = try? String(contentsOfFile: candidate, encoding: .utf8) else {
                    throw ConfigurationError(message: "Cannot read \(candidate).", remedy: "Check its permissions and that it is UTF-8.")
                }
                filePath = candidate
                document = try parse(text, file: candidate)
                break
            }
        }

        let known = Dictionary(uniqueKeysWithValues: definitions.map { ($0.key, $0) })
        var fileValues: [String: (String, Int)] = [:]
        for entry in document?.entries ?? [] {
            guard let definition = known[entry.dottedKey] else {
                let suggestion = definitions.map(\.key).min { editDistance($0, entry.dottedKey) < editDistance($1, entry.dottedKey) }
                throw ConfigurationError(
                    message: "\(document!.file) line \(entry.line): unknown setting \"\(entry.dottedKey)\".",
                    remedy: suggestion.map { "Did you mean \"\($0)\"? `refarch-tui config` lists every setting." })
            }
            let text: String
            switch (definition.kind, entry.value) {
            case (.integer, .integer(let n)): text = String(n)
            case (.boolean, .boolean(let b)): text = String(b)
            case (.string, .string(let s)), (.conninfo, .string(let s)): text = s
            default:
                let expected =
                    definition.kind == .integer ? "an integer" : definition.kind == .boolean ? "true or false" : "a quoted string"
                throw ConfigurationError(
                    message: "\(document!.file) line \(entry.line): \(entry.dottedKey) must be \(expected), found \(entry.value.kindName).",
                    remedy: nil)
            }
            fileValues[entry.dottedKey] = (text, entry.line)
        }

        var resolved: [String: ResolvedSetting] = [:]
        for definition in definitions {
            var value: String?
            var source = SettingSource.unset
            if let flag = definition.flag, let v = flags[flag] {
                value = v; source = .flag(flag)
            } else if let (name, v) = definition.environment.lazy.compactMap({ name in
                environment[name].flatMap { $0.isEmpty ? nil : (name, $0) }
            }).first {
                value = v; source = .environment(name)
            } else if let (v, line) = fileValues[definition.key], let filePath {
                value = v; source = .file(path: filePath, line: line)
            } else if let v = definition.defaultValue {
                value = v; source = .defaultValue
            }
            if let v = value {
                try validate(v, definition: definition, source: source)
            }
            resolved[definition.key] = ResolvedSetting(definition: definition, value: value, source: source)
        }
        return Settings(resolved: resolved, configFile: filePath, environment: environment)
    }

    static func parse(_ text: String, file: String) throws(ConfigurationError) -> TOMLDocument {
        do {
            return try TOMLDocument(parsing: text, file: file)
        } catch {
            throw ConfigurationError(message: error.description + ".", remedy: "See README.md, Configuration, for the format.")
        }
    }

    static func validate(_ value: String, definition: SettingDefinition, source: SettingSource) throws(ConfigurationError) {
        switch definition.kind {
        case .integer where Int(value) == nil:
            throw ConfigurationError(message: "\(definition.key) from \(source) is \"\(value)\", which is not an integer.", remedy: nil)
        case .boolean where parseBool(value) == nil:
            throw ConfigurationError(
                message: "\(definition.key) from \(source) is \"\(value)\"; expected true or false (or 1/0).", remedy: nil)
        default: break
        }
        if definition.key == "log.level",
            !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(value)
        {
            throw ConfigurationError(
                message: "log.level from \(source) is \"\(value)\"; expected trace, debug, info, notice, warning, error or critical.",
                remedy: nil)
        }
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: return nil
        }
    }

    /// The effective string value of a setting.
    public func string(_ key: String) -> String? {
        precondition(resolved[key] != nil, "unknown setting \(key)")
        return resolved[key]?.value
    }

    public func integer(_ key: String) -> Int? { string(key).flatMap { Int($0) } }
    public func boolean(_ key: String) -> Bool { string(key).flatMap(Self.parseBool) ?? false }

    /// All settings in definition order, for `refarch-tui config`.
    public var all: [ResolvedSetting] { Self.definitions.compactMap { resolved[$0.key] } }

    /// A conninfo or URI with any password replaced by `****`.
    public static func maskPassword(in conninfo: String) -> String {
        if let scheme = conninfo.range(of: "://") {
            let rest = conninfo[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                return String(conninfo[..<colon]) + ":****" + String(conninfo[at...])
            }
            var masked = conninfo
            if let range = masked.range(of: "password=") {
                let end = masked[range.upperBound...].firstIndex(of: "&") ?? masked.endIndex
                masked.replaceSubrange(range.upperBound..<end, with: "****")
            }
            return masked
        }
        return conninfo.split(separator: " ", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("password=") ? "password=****" : String(part)
        }.joined(separator: " ")
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let old = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = old
            }
        }
        return row[b.count]
    }
}
