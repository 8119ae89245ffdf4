import Foundation
import HTTP
import Synchronization
import TestSupport
import Testing

@testable import AWS

/// A folder of temporary files, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "refarch-aws-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Serves ECS container credentials (any path) and IMDSv2 (token, role, credentials).
final class MetadataStub: Sendable {
    let server: LoopbackHTTPServer
    init(
        tokenStatus: Int = 200, expiration: String = "2099-01-01T00:00:00Z", imdsKey: String = "ASIAIMDS",
        containerKey: String = "ASIACONTAINER"
    ) throws {
        server = try LoopbackHTTPServer { request in
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"):
                guard request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600" else { return .respond(status: 400) }
                return tokenStatus == 200 ? .respond(status: 200, body: "imds-token-1") : .respond(status: tokenStatus)
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                if tokenStatus == 200 && request.headers["x-aws-ec2-metadata-token"] != "imds-token-1" { return .respond(status: 401) }
                return .respond(status: 200, body: "refarch-role\n")
            case ("GET", "/latest/meta-data/iam/security-credentials/refarch-role"):
                if tokenStatus == 200 && request.headers["x-aws-ec2-metadata-token"] != "imds-token-1" { return .respond(status: 401) }
                return .json(
                    #"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"\#(imdsKey)","SecretAccessKey":"imds-secret","Token":"imds-session","Expiration":"\#(expiration)"}"#
                )
            default:
                return .json(
                    #"{"AccessKeyId":"\#(containerKey)","SecretAccessKey":"container-secret","Token":"container-session","Expiration":"\#(expiration)"}"#
                )
            }
        }
    }
    var url: String { server.baseURL }
    deinit { server.stop() }
}

@Suite("Credential chain, region and endpoints")
struct CredentialChainTests {
    let http = HTTPClient(configuration: .init(maxConcurrentRequests: 2))

    func chain(_ environment: [String: String], home: String = "/nonexistent", relativeBase: String = "http://169.254.170.2")
        -> CredentialChain
    {
        let files = SharedConfigFiles.load(environment: environment, homeDirectory: home)
        return CredentialChain(providers: [
            EnvironmentCredentialProvider(environment: environment),
            ProfileCredentialProvider(files: files),
            CachingCredentialProvider(ContainerCredentialProvider(environment: environment, http: http, relativeBase: relativeBase)),
            CachingCredentialProvider(InstanceMetadataCredentialProvider(environment: environment, http: http)),
        ])
    }

    static let profiles = """
        [default]
        aws_access_key_id = AKIADEFAULT
        aws_secret_access_key = default-secret

        [dev]
        aws_access_key_id = AKIADEVFROMCREDENTIALS
        aws_secret_access_key = dev-secret
        aws_session_token = dev-token
        """

    static let config = """
        [default]
        region = eu-west-1

        [profile dev]
        region = ap-southeast-2
        aws_access_key_id = AKIADEVFROMCONFIG
        aws_secret_access_key = dev-config-secret
        services = local-emulators

        [profile onlyconfig]
        aws_access_key_id = AKIAONLYCONFIG
        aws_secret_access_key = only-config-secret

        [profile empty]
        region = us-west-2

        [services local-emulators]
        sqs =
          endpoint_url = http://127.0.0.1:4566
        cloudwatch =
          endpoint_url = http://127.0.0.1:4567
        """

    @Test("environment variables win over every other source")
    func environmentFirst() async throws {
        let dir = try TemporaryDirectory()
        let stub = try MetadataStub()
        let environment = [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token",
            "AWS_SHARED_CREDENTIALS_FILE": try dir.write("credentials", Self.profiles),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.url + "/creds", "AWS_EC2_METADATA_SERVICE_ENDPOINT": stub.url,
        ]
        let found = try await chain(environment).resolve()
        #expect(found.accessKeyID == "AKIAENV")
        #expect(found.sessionToken == "env-token")
        #expect(found.source == "environment")
        #expect(stub.server.requests.isEmpty)
    }

    @Test("web identity: the token file is exchanged at STS for role credentials, after the environment and before the profile")
    func webIdentity() async throws {
        let dir = try TemporaryDirectory()
        let sts = try LoopbackHTTPServer { request in
            let form = request.bodyText
            guard form.contains("Action=AssumeRoleWithWebIdentity"), form.contains("WebIdentityToken=oidc-token-123"),
                form.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Femu"), form.contains("RoleSessionName=emu-1"),
                request.headers["authorization"] == nil
            else {
                return .respond(
                    status: 400,
                    body: "<ErrorResponse><Error><Code>InvalidParameter</Code><Message>\(form)</Message></Error></ErrorResponse>")
            }
            return .respond(
                status: 200,
                body: """
                    <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>
                    <Credentials><AccessKeyId>ASIAWEBIDENTITY</AccessKeyId><SecretAccessKey>web-secret</SecretAccessKey>
                    <SessionToken>web-session</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
                    </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>
                    """)
        }
        defer { sts.stop() }
        var environment = [
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": sts.baseURL,
            "AWS_WEB_IDENTITY_TOKEN_FILE": try dir.write("token", "oidc-token-123\n"),
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/emu", "AWS_ROLE_SESSION_NAME": "emu-1",
            "AWS_SHARED_CREDENTIALS_FILE": try dir.write("credentials", Self.profiles), "AWS_EC2_METADATA_DISABLED": "true",
        ]
        let configuration = try AWSConfiguration.fromEnvironment(environment, homeDirectory: dir.path, http: http)
        let found = try #require(try await configuration.credentials.credentials())
        #expect(found.accessKeyID == "ASIAWEBIDENTITY")
        #expect(found.sessionToken == "web-session")
        #expect(found.expiration == ISO8601.parse("2099-01-01T00:00:00Z"))

        environment["AWS_ACCESS_KEY_ID"] = "AKIAENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        let envFirst = try AWSConfiguration.fromEnvironment(environment, homeDirectory: dir.path, http: http)
        #expect(try await envFirst.credentials.credentials()?.accessKeyID == "AKIAENV")
        #expect(sts.requests.count == 1)

        environment["AWS_ACCESS_KEY_ID"] = nil
        environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/other"
        let refused = try AWSConfiguration.fromEnvironment(environment, homeDirectory: dir.path, http: http)
        let error = await #expect(throws: AWSError.self) { try await refused.credentials.credentials() }
        #expect(error?.summary.contains("InvalidParameter") == true)
        #expect(error?.summary.contains("oidc-token-123") == false)
    }

    @Test("shared files: the profile's credentials file section wins over its config section")
    func profileCredentialsFileFirst() async throws {
        let dir = try TemporaryDirectory()
        let stub = try MetadataStub()
        let environment = [
            "AWS_PROFILE": "dev",
            "AWS_SHARED_CREDENTIALS_FILE": try dir.write("credentials", Self.profiles),
            "AWS_CONFIG_FILE": try dir.write("config", Self.config),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.url + "/creds",
        ]
        let found = try await chain(environment).resolve()
        #expect(found.accessKeyID == "AKIADEVFROMCREDENTIALS")
        #expect(found.sessionToken == "dev-token")
        #expect(found.source == "shared files (profile dev)")
        #expect(stub.server.requests.isEmpty)
    }

    @Test("shared files: a profile only in the config file is used; ~/.aws is the default location")
    func profileFromConfigInHome() async throws {
        let home = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: home.path + "/.aws", withIntermediateDirectories: true)
        _ = try home.write(".aws/config", Self.config)
        _ = try home.write(".aws/credentials", Self.profiles)
        let found = try await chain(["AWS_PROFILE": "onlyconfig", "AWS_EC2_METADATA_DISABLED": "true"], home: home.path).resolve()
        #expect(found.accessKeyID == "AKIAONLYCONFIG")
        let defaults = try await chain([:], home: home.path).resolve()
        #expect(defaults.accessKeyID == "AKIADEFAULT")
    }

    @Test("shared files: [default] does not fill in a named profile without keys")
    func defaultDoesNotFillNamedProfile() async throws {
        let dir = try TemporaryDirectory()
        let stub = try MetadataStub()
        let environment = [
            "AWS_PROFILE": "empty",
            "AWS_SHARED_CREDENTIALS_FILE": try dir.write("credentials", Self.profiles),
            "AWS_CONFIG_FILE": try dir.write("config", Self.config),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.url + "/creds",
        ]
        let found = try await chain(environment).resolve()
        #expect(found.accessKeyID == "ASIACONTAINER")
    }

    @Test("shared files: a named profile that does not exist is reported, not skipped")
    func missingProfile() async throws {
        let dir = try TemporaryDirectory()
        let stub = try MetadataStub()
        let environment = [
            "AWS_PROFILE": "typo", "AWS_SHARED_CREDENTIALS_FILE": try dir.write("credentials", Self.profiles),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.url + "/creds",
        ]
        let error = await #expect(throws: AWSError.self) { try await chain(environment).resolve() }
        #expect(error?.summary.contains("profile typo") == true)
        #expect(stub.server.requests.isEmpty)
    }

    @Test("shared files: a profile that assumes a role is reported, not skipped")
    func unsupportedProfileKind() async throws {
        let dir = try TemporaryDirectory()
        let environment = [
            "AWS_PROFILE": "admin",
            "AWS_CONFIG_FILE": try dir.write(
                "config", "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\n"),
        ]
        let error = await #expect(throws: AWSError.self) { try await chain(environment).resolve() }
        guard case .credentialsUnavailable(let source, let reason) = error else {
            Issue.record("expected credentialsUnavailable, got \(String(describing: error))")
            return
        }
        #expect(source == "shared files (profile admin)")
        #expect(reason.contains("role_arn"))
    }

    @Test("container credentials: FULL_URI on loopback with the token read from the token file")
    func containerFullURIWithTokenFile() async throws {
        let dir = try TemporaryDirectory()
        let stub = try MetadataStub()
        let environment = [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.url + "/v2/credentials/abc",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": try dir.write("token", "file-token\n"),
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token-ignored",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": stub.url,
        ]
        let found = try await chain(environment).resolve()
        #expect(found.accessKeyID == "ASIACONTAINER")
        #expect(found.secretAccessKey == "container-secret")
        #expect(found.sessionToken == "container-session")
        #expect(found.expiration == ISO8601.parse("2099-01-01T00:00:00Z"))
        #expect(found.source == "ECS container credentials")
        #expect(stub.server.requests.map(\.target) == ["/v2/credentials/abc"])
        #expect(stub.server.requests.first?.headers["authorization"] == "file-token")
    }

    @Test("container credentials: RELATIVE_URI goes to the ECS agent address, token from the variable")
    func containerRelativeURI() async throws {
        let stub = try MetadataStub()
        let environment = [
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task-role", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "env-token",
        ]
        let found = try await chain(environment, relativeBase: stub.url).resolve()
        #expect(found.accessKeyID == "ASIACONTAINER")
        #expect(stub.server.requests.first?.target == "/v2/credentials/task-role")
        #expect(stub.server.requests.first?.headers["authorization"] == "env-token")
        #expect(
            ContainerCredentialProvider(environment: environment, http: http).endpointForTest
                == "http://169.254.170.2/v2/credentials/task-role")
    }

    @Test(
        "container credentials: plain http to a host that is not loopback or the ECS agent is refused",
        arguments: [
            "http://example.com/creds", "http://10.0.0.5/creds", "http://169.254.169.254/creds",
        ])
    func containerFullURIHostRule(_ url: String) async throws {
        let provider = ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url], http: http)
        let error = await #expect(throws: AWSError.self) { try await provider.credentials() }
        guard case .credentialsUnavailable(let source, let reason) = error else {
            Issue.record("expected credentialsUnavailable, got \(String(describing: error))")
            return
        }
        #expect(source == "ECS container credentials")
        #expect(reason.contains("must use https"))
    }

    @Test(
        "container credentials: allowed hosts",
        arguments: [
            "https://creds.example.com/x", "http://127.0.0.1:9/x", "http://169.254.170.2/x", "http://169.254.170.23/x",
            "http://[fd00:ec2::23]/x", "http://localhost:8080/x",
        ])
    func containerAllowedHosts(_ url: String) throws {
        let provider = ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url], http: http)
        #expect(try provider.endpoint() == url)
    }

    @Test("container credentials: a token with a line break (CRLF included) is refused, not sent")
    func containerTokenWithLineBreak() async throws {
        let stub = try MetadataStub()
        let environment = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.url + "/c", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "abc\r\nX-Evil: 1"]
        let error = await #expect(throws: AWSError.self) { try await chain(environment).resolve() }
        #expect(error?.summary.contains("line break") == true)
        #expect(stub.server.requests.isEmpty)
    }

    @Test("instance metadata: IMDSv2 token, role, then credentials, when nothing else is configured")
    func instanceMetadataV2() async throws {
        let stub = try MetadataStub()
        let found = try await chain(["AWS_EC2_METADATA_SERVICE_ENDPOINT": stub.url]).resolve()
        #expect(found.accessKeyID == "ASIAIMDS")
        #expect(found.sessionToken == "imds-session")
        #expect(found.source == "EC2 instance metadata")
        let requests = stub.server.requests
        #expect(
            requests.map { "\($0.method) \($0.target)" } == [
                "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
                "GET /latest/meta-data/iam/security-credentials/refarch-role",
            ])
        #expect(requests.dropFirst().allSatisfy { $0.headers["x-aws-ec2-metadata-token"] == "imds-token-1" })
    }

    @Test("instance metadata: a token PUT answered 403 falls back to IMDSv1 unless v1 is disabled")
    func instanceMetadataV1Fallback() async throws {
        let stub = try MetadataStub(tokenStatus: 403)
        let found = try await chain(["AWS_EC2_METADATA_SERVICE_ENDPOINT": stub.url]).resolve()
        #expect(found.accessKeyID == "ASIAIMDS")
        #expect(stub.server.requests.dropFirst().allSatisfy { $0.headers["x-aws-ec2-metadata-token"] == nil })

        let error = await #expect(throws: AWSError.self) {
            try await chain(["AWS_EC2_METADATA_SERVICE_ENDPOINT": stub.url, "AWS_EC2_METADATA_V1_DISABLED": "true"]).resolve()
        }
        #expect(
            error
                == .noCredentials(checked: [
                    "environment", "shared files (profile default)", "ECS container credentials", "EC2 instance metadata",
                ]))
    }

    @Test("no credentials anywhere: the error lists what was checked and says what to set")
    func noCredentials() async throws {
        // A port nobody listens on stands in for 169.254.169.254 off EC2: refused at once.
        let closed = try LoopbackHTTPServer(replies: [.respond(status: 200)])
        let url = closed.baseURL
        closed.stop()
        let error = await #expect(throws: AWSError.self) { try await chain(["AWS_EC2_METADATA_SERVICE_ENDPOINT": url]).resolve() }
        #expect(error?.summary == "No AWS credentials found.")
        #expect(error?.remedy?.contains("AWS_ACCESS_KEY_ID") == true)
        #expect(error?.remedy?.contains("AWS_PROFILE") == true)
        #expect(error?.remedy?.contains("EC2 instance metadata") == true)
    }

    @Test("temporary credentials are cached and fetched again shortly before they expire")
    func cachingRefreshesBeforeExpiry() async throws {
        let stub = try MetadataStub(expiration: "2030-01-01T12:00:00Z")
        let clock = Mutex<Date>(ISO8601.parse("2030-01-01T11:00:00Z")!)
        let provider = CachingCredentialProvider(
            ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": stub.url + "/c"], http: http),
            refreshBefore: .seconds(300), clock: { clock.withLock { $0 } })
        _ = try await provider.credentials()
        _ = try await provider.credentials()
        #expect(stub.server.requests.count == 1)
        clock.withLock { $0 = ISO8601.parse("2030-01-01T11:54:00Z")! }
        _ = try await provider.credentials()
        #expect(stub.server.requests.count == 1)
        clock.withLock { $0 = ISO8601.parse("2030-01-01T11:56:00Z")! }
        _ = try await provider.credentials()
        #expect(stub.server.requests.count == 2)
    }

    @Test(
        "region comes from AWS_REGION, then AWS_DEFAULT_REGION, then the profile",
        arguments: [
            (["AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "eu-central-1"], "us-east-2"),
            (["AWS_DEFAULT_REGION": "eu-central-1"], "eu-central-1"),
            (["AWS_PROFILE": "dev"], "ap-southeast-2"),
            ([:], "eu-west-1"),
        ])
    func regionOrder(_ environment: [String: String], _ expected: String) throws {
        let dir = try TemporaryDirectory()
        var environment = environment
        environment["AWS_CONFIG_FILE"] = try dir.write("config", Self.config)
        let configuration = try AWSConfiguration.fromEnvironment(environment, homeDirectory: dir.path, http: http)
        #expect(configuration.region == expected)
    }

    @Test("no region anywhere is an error that says where to set one")
    func missingRegion() throws {
        #expect(throws: AWSError.missingRegion) { try AWSConfiguration.fromEnvironment([:], homeDirectory: "/nonexistent", http: http) }
        #expect(AWSError.missingRegion.remedy?.contains("AWS_REGION") == true)
    }

    @Test(
        "endpoints: per-service variable, then AWS_ENDPOINT_URL, then the profile's services section, then the regional default",
        arguments: [
            (
                ["AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:1111", "AWS_ENDPOINT_URL": "http://127.0.0.1:2222"], "SQS",
                "http://127.0.0.1:1111"
            ),
            (
                ["AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:1111", "AWS_ENDPOINT_URL": "http://127.0.0.1:2222"], "SNS",
                "http://127.0.0.1:2222"
            ),
            (["AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING": "http://127.0.0.1:3333/"], "Application Auto Scaling", "http://127.0.0.1:3333"),
            (["AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:4444"], "CloudWatch", "http://127.0.0.1:4444"),
            (["AWS_PROFILE": "dev"], "SQS", "http://127.0.0.1:4566"),
            (["AWS_PROFILE": "dev"], "CloudWatch", "http://127.0.0.1:4567"),
            (["AWS_PROFILE": "dev"], "ECS", "https://ecs.ap-southeast-2.amazonaws.com"),
            (["AWS_PROFILE": "dev", "AWS_ENDPOINT_URL": "http://127.0.0.1:2222"], "SQS", "http://127.0.0.1:2222"),
            (["AWS_REGION": "us-east-1"], "CloudWatch", "https://monitoring.us-east-1.amazonaws.com"),
            (["AWS_REGION": "us-east-1"], "Application Auto Scaling", "https://application-autoscaling.us-east-1.amazonaws.com"),
            (
                ["AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:2222", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"],
                "SQS", "https://sqs.us-east-1.amazonaws.com"
            ),
        ])
    func endpointOrder(_ environment: [String: String], _ serviceID: String, _ expected: String) throws {
        let dir = try TemporaryDirectory()
        var environment = environment
        environment["AWS_CONFIG_FILE"] = try dir.write("config", Self.config)
        let configuration = try AWSConfiguration.fromEnvironment(environment, homeDirectory: dir.path, http: http)
        let service = try #require(
            [AWSService.sqs, .sns, .ecs, .rds, .cloudWatch, .applicationAutoScaling].first { $0.serviceID == serviceID })
        #expect(configuration.endpoints.endpoint(for: service, region: configuration.region) == expected)
    }

    @Test("a malformed endpoint override is a configuration error naming the variable")
    func badEndpoint() throws {
        let error = #expect(throws: AWSError.self) {
            try AWSConfiguration.fromEnvironment(
                ["AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SQS": "localhost:4566"], homeDirectory: "/nonexistent", http: http)
        }
        #expect(error?.summary.contains("AWS_ENDPOINT_URL_SQS") == true)
    }
}

extension ContainerCredentialProvider {
    var endpointForTest: String? { try? endpoint() }
}
