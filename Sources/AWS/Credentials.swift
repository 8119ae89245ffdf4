import Foundation
import HTTP

/// An AWS key pair, with the session token and expiry of temporary credentials.
///
/// `description` never shows the secret or the token, so a credential value can be logged or
/// interpolated into an error by mistake without leaking.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?
    /// Where they came from, for messages ("environment", "profile dev", "ECS container").
    public var source: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil, source: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    /// The access key id with all but its last four characters masked.
    public var maskedAccessKeyID: String {
        accessKeyID.count > 4 ? String(repeating: "*", count: accessKeyID.count - 4) + accessKeyID.suffix(4) : "****"
    }

    public var description: String {
        "AWSCredentials(\(maskedAccessKeyID), source: \(source)\(expiration.map { ", expires \($0)" } ?? ""))"
    }
    public var debugDescription: String { description }

    /// Strings that must never reach a log line or an error message.
    var secrets: [String] {
        [secretAccessKey, sessionToken].compactMap { $0 }.filter { !$0.isEmpty }
    }
}

/// Something that can produce credentials: one link of the chain, or the chain itself.
public protocol AWSCredentialProvider: Sendable {
    /// A name for messages ("environment", "shared files (profile dev)").
    var name: String { get }
    /// The credentials, or nil when this source is not configured here (the chain moves on).
    /// Throws when the source is configured but fails: the chain stops, as the SDKs do.
    func credentials() async throws(AWSError) -> AWSCredentials?
}

/// Fixed credentials given in code or flags (the chain's first link when present).
public struct StaticCredentialProvider: AWSCredentialProvider {
    public let name: String
    let value: AWSCredentials
    public init(_ credentials: AWSCredentials) {
        self.value = credentials
        self.name = credentials.source
    }
    public func credentials() async throws(AWSError) -> AWSCredentials? { value }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialProvider: AWSCredentialProvider {
    public let name = "environment"
    let environment: [String: String]
    public init(environment: [String: String]) { self.environment = environment }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        guard let key = environment.nonEmpty("AWS_ACCESS_KEY_ID"),
            let secret = environment.nonEmpty("AWS_SECRET_ACCESS_KEY")
        else { return nil }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: environment.nonEmpty("AWS_SESSION_TOKEN"), source: name)
    }
}

/// Keys from the shared credentials and config files for one profile.
///
/// The credentials file wins over the config file for the same profile; `[default]` never
/// fills gaps in a named profile (the SDKs' rule).
public struct ProfileCredentialProvider: AWSCredentialProvider {
    public let name: String
    let files: SharedConfigFiles

    public init(files: SharedConfigFiles) {
        self.files = files
        self.name = "shared files (profile \(files.profileName))"
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        if files.profileName != "default" && files.credentialsProfile == nil && files.configProfile == nil {
            // A profile asked for by name that does not exist is a mistake to report, not a
            // reason to carry on with whatever identity the machine happens to have.
            throw AWSError.credentialsUnavailable(
                source: name,
                reason:
                    "the profile is in neither the credentials nor the config file (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE)"
            )
        }
        for section in [files.credentialsProfile, files.configProfile] {
            guard let section else { continue }
            if let key = section["aws_access_key_id"], let secret = section["aws_secret_access_key"], !key.isEmpty, !secret.isEmpty {
                return AWSCredentials(
                    accessKeyID: key, secretAccessKey: secret, sessionToken: section["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 },
                    source: name)
            }
        }
        // A profile that gets its keys another way must not silently fall through to the
        // container or instance credentials of some other identity.
        let unsupported = ["role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"].filter {
            files[$0] != nil
        }
        if !unsupported.isEmpty {
            throw AWSError.credentialsUnavailable(
                source: name,
                reason:
                    "the profile uses \(unsupported.joined(separator: ", ")), which refarch-tui does not support; put keys in the profile or the environment (e.g. `aws configure export-credentials --format env`)"
            )
        }
        return nil
    }
}

/// The standard chain: the first provider that has credentials wins.
public struct CredentialChain: AWSCredentialProvider {
    public let name = "credential chain"
    public let providers: [any AWSCredentialProvider]

    public init(providers: [any AWSCredentialProvider]) { self.providers = providers }

    /// The SDKs' default order: environment, web identity, shared files, ECS container, EC2
    /// instance metadata. `region` and `endpoints` locate STS for web identity.
    public static func standard(
        environment: [String: String],
        homeDirectory: String,
        http: any HTTPTransport,
        region: String? = nil,
        endpoints: EndpointResolver = EndpointResolver(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) -> CredentialChain {
        let files = SharedConfigFiles.load(environment: environment, homeDirectory: homeDirectory)
        let sts =
            region.map { endpoints.endpoint(for: .sts, region: $0) } ?? endpoints.explicit["STS"] ?? endpoints.perService["STS"]
            ?? endpoints.global ?? "https://sts.amazonaws.com"
        var providers: [any AWSCredentialProvider] = [
            EnvironmentCredentialProvider(environment: environment),
            CachingCredentialProvider(WebIdentityCredentialProvider(environment: environment, http: http, stsEndpoint: sts), clock: clock),
            ProfileCredentialProvider(files: files),
            CachingCredentialProvider(ContainerCredentialProvider(environment: environment, http: http), clock: clock),
        ]
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true" {
            providers.append(
                CachingCredentialProvider(InstanceMetadataCredentialProvider(environment: environment, http: http), clock: clock))
        }
        return CredentialChain(providers: providers)
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        for provider in providers {
            if let found = try await provider.credentials() { return found }
        }
        return nil
    }

    /// Like ``credentials()`` but throws ``AWSError/noCredentials(checked:)`` naming every
    /// place looked at when none has any.
    public func resolve() async throws(AWSError) -> AWSCredentials {
        if let found = try await credentials() { return found }
        throw AWSError.noCredentials(checked: providers.map(\.name))
    }
}

/// Keeps temporary credentials until shortly before they expire, then fetches new ones.
///
/// Why: the container and instance-metadata endpoints are network calls; every AWS request
/// needs credentials. Refreshing `refreshBefore` (5 minutes) ahead of `Expiration` means a
/// request never goes out with credentials that expire in flight.
public actor CachingCredentialProvider: AWSCredentialProvider {
    public nonisolated let name: String
    private let base: any AWSCredentialProvider
    private let clock: @Sendable () -> Date
    private let refreshBefore: Duration
    private var cached: AWSCredentials?
    private var inFlight: Task<AWSCredentials?, any Error>?

    public init(
        _ base: any AWSCredentialProvider, refreshBefore: Duration = .seconds(300), clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.base = base
        self.name = base.name
        self.refreshBefore = refreshBefore
        self.clock = clock
    }

    public func credentials() async throws(AWSError) -> AWSCredentials? {
        if let cached, isFresh(cached) { return cached }
        let task: Task<AWSCredentials?, any Error>
        if let inFlight {
            task = inFlight
        } else {
            let base = self.base
            task = Task { try await base.credentials() }
            inFlight = task
        }
        do {
            let value = try await task.value
            inFlight = nil
            cached = value
            return value
        } catch {
            inFlight = nil
            if let error = error as? AWSError { throw error }
            throw AWSError.credentialsUnavailable(source: name, reason: "\(error)")
        }
    }

    private func isFresh(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration else { return true }
        return expiration.timeIntervalSince(clock()) > Double(refreshBefore.components.seconds)
    }
}

extension Dictionary where Key == String, Value == String {
    /// The value for `key` unless it is missing or empty.
    func nonEmpty(_ key: String) -> String? {
        guard let value = self[key], !value.isEmpty else { return nil }
        return value
    }
}
