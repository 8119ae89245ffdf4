import Foundation
import HTTP
import Logging

/// Region, endpoints, credentials, retries and transport shared by every service client.
///
/// Built once from the environment (``fromEnvironment(_:homeDirectory:http:logger:)``) or by
/// hand in tests; every input is a parameter, so nothing here reads globals later.
public struct AWSConfiguration: Sendable {
    public var region: String
    public var credentials: any AWSCredentialProvider
    public var http: any HTTPTransport
    public var retry: RetryPolicy
    public var logger: Logger
    /// Endpoint overrides by service ID, highest priority first already applied.
    public var endpoints: EndpointResolver

    public init(
        region: String, credentials: any AWSCredentialProvider, http: any HTTPTransport, retry: RetryPolicy = RetryPolicy(),
        endpoints: EndpointResolver = EndpointResolver(), logger: Logger = Logger(label: "refarch.aws")
    ) {
        self.region = region
        self.credentials = credentials
        self.http = http
        self.retry = retry
        self.endpoints = endpoints
        self.logger = logger
    }

    /// Reads region, endpoint overrides, retry settings and the standard credential chain
    /// from `environment` and the shared files.
    ///
    /// Throws ``AWSError/missingRegion`` when no region is set anywhere, and
    /// ``AWSError/invalidConfiguration(_:)`` for a malformed endpoint or retry setting.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String = FileManager.default.homeDirectoryForCurrentUser.path,
        http: (any HTTPTransport)? = nil,
        logger: Logger = Logger(label: "refarch.aws")
    ) throws(AWSError) -> AWSConfiguration {
        let files = SharedConfigFiles.load(environment: environment, homeDirectory: homeDirectory)
        guard let region = environment.nonEmpty("AWS_REGION") ?? environment.nonEmpty("AWS_DEFAULT_REGION") ?? files["region"] else {
            throw AWSError.missingRegion
        }
        let transport = http ?? HTTPClient(configuration: .init(caBundlePath: environment.nonEmpty("AWS_CA_BUNDLE") ?? files["ca_bundle"]))
        var retry = RetryPolicy()
        if let attempts = environment.nonEmpty("AWS_MAX_ATTEMPTS") ?? files["max_attempts"] {
            guard let value = Int(attempts), value >= 1 else {
                throw AWSError.invalidConfiguration("AWS_MAX_ATTEMPTS must be a whole number of at least 1 (got \(attempts)).")
            }
            retry.maxAttempts = value
        }
        let endpoints = try EndpointResolver(environment: environment, files: files)
        let chain = CredentialChain.standard(
            environment: environment, homeDirectory: homeDirectory, http: transport, region: region, endpoints: endpoints)
        return AWSConfiguration(region: region, credentials: chain, http: transport, retry: retry, endpoints: endpoints, logger: logger)
    }
}

/// Picks the endpoint of a service: overrides first, else the regional default.
///
/// Order (highest first): an explicit override given in code; `AWS_ENDPOINT_URL_<SERVICE>`;
/// `AWS_ENDPOINT_URL`; the profile's `services` section; `endpoint_url` in the profile;
/// `https://<prefix>.<region>.amazonaws.com`. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`
/// drops everything but the code-level override.
public struct EndpointResolver: Sendable, Hashable {
    /// Code-level overrides by service ID (`SQS`).
    public var explicit: [String: String]
    /// Configured per-service overrides by service ID (from variables or the profile).
    public var perService: [String: String]
    /// The configured global override, if any.
    public var global: String?

    public init(explicit: [String: String] = [:], perService: [String: String] = [:], global: String? = nil) {
        self.explicit = explicit
        self.perService = perService
        self.global = global
    }

    /// Collects the configured overrides for the services this project uses.
    public init(environment: [String: String], files: SharedConfigFiles, explicit: [String: String] = [:]) throws(AWSError) {
        self.explicit = explicit
        self.perService = [:]
        self.global = nil
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
            || files["ignore_configured_endpoint_urls"]?.lowercased() == "true"
        {
            return
        }
        let services: [AWSService] = [.sqs, .sns, .ecs, .rds, .cloudWatch, .logs, .applicationAutoScaling, .sts]
        for service in services {
            if let url = environment.nonEmpty("AWS_ENDPOINT_URL_\(service.environmentSuffix)") {
                perService[service.serviceID] = try Self.validated(url, variable: "AWS_ENDPOINT_URL_\(service.environmentSuffix)")
            } else if environment.nonEmpty("AWS_ENDPOINT_URL") == nil, let url = files.serviceEndpoint(service.configKey) {
                perService[service.serviceID] = try Self.validated(url, variable: "the profile's services section (\(service.configKey))")
            }
        }
        if let url = environment.nonEmpty("AWS_ENDPOINT_URL") {
            global = try Self.validated(url, variable: "AWS_ENDPOINT_URL")
        } else if let url = files["endpoint_url"] {
            global = try Self.validated(url, variable: "endpoint_url in the profile")
        }
    }

    /// The base URL (no trailing slash) for `service` in `region`.
    public func endpoint(for service: AWSService, region: String) -> String {
        var url =
            explicit[service.serviceID] ?? perService[service.serviceID] ?? global
            ?? "https://\(service.endpointPrefix).\(region).amazonaws.com\(region.hasPrefix("cn-") ? ".cn" : "")"
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    static func validated(_ url: String, variable: String) throws(AWSError) -> String {
        guard let parts = URLComponentsLite(url), parts.scheme == "http" || parts.scheme == "https" else {
            throw AWSError.invalidConfiguration("\(variable) is not an http(s) URL: \(HTTPClient.redact(url)).")
        }
        return url
    }
}
