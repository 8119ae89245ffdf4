import AWS
import ArgumentParser
import Catalog
import Configuration
import Foundation
import Logging
import UserFacing

/// Options every ops command takes: the global options and the output format.
struct OpsOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON (one document on stdout) instead of text.")
    var json = false

    /// The effective settings (flags > environment > refarch.toml > defaults).
    func settings() throws -> Settings {
        try CommandContext(global).settings
    }

    /// True when `--read-only`, `REFARCH_READ_ONLY` or `read_only` in refarch.toml asks for it.
    var isReadOnly: Bool {
        (try? settings().boolean("read_only")) ?? global.readOnly
    }

    /// A setting by the name of its environment variable (`SQS_QUEUE_URL`), from wherever it was set.
    func value(_ environmentName: String) throws -> String? {
        guard let definition = Settings.definitions.first(where: { $0.environment.contains(environmentName) }) else {
            return OpsEnvironment.value(environmentName)
        }
        return try settings().string(definition.key)
    }
}

/// Reads the process environment (one place, so the commands stay testable by variables).
enum OpsEnvironment {
    static func value(_ key: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else { return nil }
        return value
    }
}

/// Builds the AWS configuration from the environment and the shared files, with the
/// region, profile and endpoint of refarch.toml (or flags) standing in for the variables.
func makeAWSConfiguration(_ options: OpsOptions) throws -> AWSConfiguration {
    try makeAWSConfiguration(settings: options.settings())
}

func makeAWSConfiguration(settings: Settings) throws -> AWSConfiguration {
    var logger = Logger(label: "refarch.aws")
    logger.logLevel = .error
    var environment = ProcessInfo.processInfo.environment
    for (key, variable) in [("aws.region", "AWS_REGION"), ("aws.profile", "AWS_PROFILE"), ("aws.endpoint_url", "AWS_ENDPOINT_URL")] {
        if let value = settings.string(key) { environment[variable] = value }
    }
    return try AWSConfiguration.fromEnvironment(environment, logger: logger)
}

/// Refuses a state-changing action in read-only mode.
func requireWritable(_ options: OpsOptions, action: String) throws {
    if options.isReadOnly {
        throw UserError.refused(
            "Refusing to \(action): read-only mode is on.",
            remedy: "Run without --read-only and with REFARCH_READ_ONLY unset to make changes.")
    }
}

/// Prints `value` as sorted, pretty JSON on stdout.
///
/// `keys`: `.convertToSnakeCase` for the catalog's records (products, search, `verify`,
/// trace, sync status), whose keys follow the products table's columns; the operations
/// commands (queue, services, alerts, db, index) keep their camelCase names.
func printJSON<Value: Encodable>(_ value: Value, keys: JSONEncoder.KeyEncodingStrategy = .useDefaultKeys) throws {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = keys
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}

/// Text columns for terminal output: cells wider than `maxWidth` are cut with an ellipsis,
/// columns in `rightAligned` (numbers, prices) are aligned right.
func printTable(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = [], maxWidth: Int = 60) {
    let all = [header] + rows
    var widths = [Int](repeating: 0, count: header.count)
    for row in all {
        for (index, cell) in row.enumerated() where index < widths.count {
            widths[index] = min(max(widths[index], cell.count), maxWidth)
        }
    }
    for row in all {
        let line = row.enumerated().map { index, cell -> String in
            let clipped = cell.count > widths[index] ? String(cell.prefix(widths[index] - 1)) + "…" : cell
            let pad = String(repeating: " ", count: widths[index] - clipped.count)
            if rightAligned.contains(index) { return pad + clipped }
            return index == row.count - 1 ? clipped : clipped + pad
        }.joined(separator: "  ")
        print(line)
    }
}
