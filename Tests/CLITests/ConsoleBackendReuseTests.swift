import Foundation
import Synchronization
import TestSupport
import Testing

/// The console keeps the AWS backends its alerts and database views read through: a refresh
/// is a request, not a new AWS configuration (which reads the credential chain again and,
/// on ECS, fetches the task role's credentials again).
///
/// The AWS endpoint and the container-credentials endpoint are one loopback stand-in that
/// counts what it is asked: every AWS call is refused (the views show the error and keep
/// refreshing), and credentials are handed out valid for years, so a kept configuration
/// fetches them once.
@Suite(
    .enabled(if: TestEnvironment.hasDatabase, "needs Postgres: run `make test`"),
    .enabled(if: TmuxSession.isAvailable || TestEnvironment.underMakeTest, "needs tmux: run `make test`"))
struct ConsoleBackendReuseTests {
    static let credentialsPath = "/ecs-credentials"

    static func standIn() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            if request.path == credentialsPath {
                return .json(
                    #"{"AccessKeyId":"ASIATASKROLE","SecretAccessKey":"task-secret","Token":"task-session","Expiration":"2099-01-01T00:00:00Z"}"#
                )
            }
            return .respond(
                status: 403, headers: ["Content-Type": "text/xml"],
                body: "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                    + "<Message>refused by the test stand-in</Message></Error><RequestId>1</RequestId></ErrorResponse>")
        }
    }

    /// How many requests so far carried `Action=<action>` (one per refresh of its view).
    static func calls(_ server: LoopbackHTTPServer, _ action: String) -> Int {
        server.requests.filter { $0.bodyText.contains("Action=\(action)") }.count
    }

    static func credentialFetches(_ server: LoopbackHTTPServer) -> Int {
        server.requests.filter { $0.path == credentialsPath }.count
    }

    /// Waits (generously: a loaded machine refreshes late) until `condition` holds.
    static func wait(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(300)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        return condition()
    }

    @Test("three refreshes of :alerts, then of :db, fetch the credentials once per view")
    func refreshesReuseTheBackends() async throws {
        let server = try Self.standIn()
        defer { server.stop() }
        try await CLISession.withSchema { cli in
            #expect(try await cli.run(["db", "migrate"]).status == 0)
            let environment = [
                "AWS_ENDPOINT_URL": server.baseURL, "AWS_REGION": "us-east-1",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + Self.credentialsPath,
                // Nothing else in the chain answers: no keys, no files, no instance metadata.
                "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
                "HOME": NSTemporaryDirectory() + "refarch-no-home", "AWS_EC2_METADATA_DISABLED": "true",
                "SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:refarch-alerts", "RDS_INSTANCE_ID": "refarch-db",
            ]
            try await TmuxSession.withConsole(cli, environment: environment) { tmux in
                try await tmux.type(":alerts")
                try await tmux.keys("Enter")
                var refreshed = try await Self.wait { Self.calls(server, "ListSubscriptionsByTopic") >= 3 }
                var screen = try await tmux.screen
                #expect(refreshed, "the alerts view refreshes:\n\(screen)")
                #expect(Self.credentialFetches(server) == 1, "one alerts backend, kept")

                try await tmux.type(":db")
                try await tmux.keys("Enter")
                refreshed = try await Self.wait { Self.calls(server, "DescribeDBInstances") >= 3 }
                screen = try await tmux.screen
                #expect(refreshed, "the database view refreshes:\n\(screen)")
                #expect(Self.credentialFetches(server) == 2, "one database backend, kept")

                try await tmux.keys("q")
                (_, screen) = try await tmux.wait(for: .seconds(60)) { $0.contains("CONSOLE-EXIT=") }
                #expect(screen.contains("CONSOLE-EXIT=0"), "exit status 0:\n\(screen)")
            }
        }
    }
}
