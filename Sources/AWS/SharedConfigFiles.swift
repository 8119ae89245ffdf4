import Foundation

/// The shared `credentials` and `config` files, parsed, with the selected profile.
///
/// Files: `AWS_SHARED_CREDENTIALS_FILE` (else `~/.aws/credentials`) and `AWS_CONFIG_FILE`
/// (else `~/.aws/config`); profile `AWS_PROFILE`, else `default`. Sections are `[name]` in
/// the credentials file and `[profile name]` in the config file (`[default]` bare in both);
/// `[services name]` sections hold per-service endpoint settings.
public struct SharedConfigFiles: Sendable, Hashable {
    public var profileName: String
    /// The profile's keys from the credentials file, if it has the section.
    public var credentialsProfile: [String: String]?
    /// The profile's keys from the config file, if it has the section.
    public var configProfile: [String: String]?
    /// `[services name]` sections: service key (`sqs`) to its settings (`endpoint_url`).
    public var servicesSections: [String: [String: [String: String]]]

    public init(
        profileName: String, credentialsProfile: [String: String]?, configProfile: [String: String]?,
        servicesSections: [String: [String: [String: String]]] = [:]
    ) {
        self.profileName = profileName
        self.credentialsProfile = credentialsProfile
        self.configProfile = configProfile
        self.servicesSections = servicesSections
    }

    /// Reads both files (a missing file counts as empty).
    public static func load(environment: [String: String], homeDirectory: String) -> SharedConfigFiles {
        let profile = environment.nonEmpty("AWS_PROFILE") ?? environment.nonEmpty("AWS_DEFAULT_PROFILE") ?? "default"
        let credentialsPath = expand(environment.nonEmpty("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials", home: homeDirectory)
        let configPath = expand(environment.nonEmpty("AWS_CONFIG_FILE") ?? "~/.aws/config", home: homeDirectory)
        let credentials = (try? String(contentsOfFile: credentialsPath, encoding: .utf8)).map(INIParser.parse) ?? [:]
        let config = (try? String(contentsOfFile: configPath, encoding: .utf8)).map(INIParser.parse) ?? [:]

        var services: [String: [String: [String: String]]] = [:]
        for (section, keys) in config where section.hasPrefix("services ") {
            let name = section.dropFirst("services ".count).trimmingCharacters(in: .whitespaces)
            services[name] = INIParser.nested(keys)
        }
        let configSection = profile == "default" ? (config["default"] ?? config["profile default"]) : config["profile \(profile)"]
        return SharedConfigFiles(
            profileName: profile,
            credentialsProfile: credentials[profile].map(INIParser.flat),
            configProfile: configSection.map(INIParser.flat),
            servicesSections: services
        )
    }

    /// A setting of the profile: the credentials file first, then the config file.
    public subscript(key: String) -> String? {
        if let value = credentialsProfile?[key], !value.isEmpty { return value }
        if let value = configProfile?[key], !value.isEmpty { return value }
        return nil
    }

    /// `endpoint_url` for `serviceKey` (e.g. `sqs`) from the profile's `services` section.
    public func serviceEndpoint(_ serviceKey: String) -> String? {
        guard let sectionName = configProfile?["services"], let section = servicesSections[sectionName] else { return nil }
        return section[serviceKey]?["endpoint_url"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func expand(_ path: String, home: String) -> String {
        path.hasPrefix("~/") ? home + path.dropFirst(1) : path
    }
}

/// A small INI reader for the AWS shared files.
///
/// Keeps `key = value` lines per section; an indented line after `key =` with an empty value
/// belongs to that key as a nested setting (the `services` and `s3` sub-sections). Comments
/// start with `#` or `;` at the line start.
enum INIParser {
    /// One line in a section: either a plain value or a nested sub-setting.
    struct Entry: Hashable, Sendable {
        var key: String
        var value: String
        var parent: String?
    }

    static func parse(_ text: String) -> [String: [Entry]] {
        var sections: [String: [Entry]] = [:]
        var current: String?
        var lastTopKey: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                let name = trimmed.dropFirst().dropLast().split(whereSeparator: \.isWhitespace).joined(separator: " ")
                current = name
                lastTopKey = nil
                if sections[name] == nil { sections[name] = [] }
                continue
            }
            guard let section = current, let eq = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let hash = value.range(of: " #") ?? value.range(of: " ;") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            let indented = line.first?.isWhitespace == true
            if indented, let parent = lastTopKey {
                sections[section, default: []].append(Entry(key: key, value: value, parent: parent))
            } else {
                sections[section, default: []].append(Entry(key: key, value: value, parent: nil))
                lastTopKey = value.isEmpty ? key : nil
            }
        }
        return sections
    }

    static func flat(_ entries: [Entry]) -> [String: String] {
        var out: [String: String] = [:]
        for entry in entries where entry.parent == nil { out[entry.key] = entry.value }
        return out
    }

    static func nested(_ entries: [Entry]) -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for entry in entries {
            if let parent = entry.parent { out[parent, default: [:]][entry.key] = entry.value }
        }
        return out
    }
}
