import Foundation

/// How tests find the services that `make test` starts (Postgres, the AWS emulator).
///
/// Under `make test`, `REFARCH_MAKE_TEST=1` is set and a missing endpoint is a failure;
/// under a bare `swift test` the integration tests are disabled with a reason naming `make test`.
public enum TestEnvironment {
    public static var underMakeTest: Bool {
        ProcessInfo.processInfo.environment["REFARCH_MAKE_TEST"] == "1"
    }

    /// The conninfo of the throwaway test cluster, if one is running.
    public static var databaseURL: String? {
        nonEmpty("REFARCH_TEST_DATABASE_URL")
    }

    /// The AWS API emulator's endpoint, if one is running.
    public static var awsEndpoint: String? {
        nonEmpty("REFARCH_TEST_AWS_ENDPOINT")
    }

    /// The model folder that `make test` fills from the PyPI wheel.
    public static var modelDirectory: String? {
        nonEmpty("REFARCH_MODEL_DIR")
    }

    /// True when integration tests should run: the service is there, or `make test` promised it.
    public static var hasDatabase: Bool { databaseURL != nil || underMakeTest }
    public static var hasAWSEmulator: Bool { awsEndpoint != nil || underMakeTest }

    private static func nonEmpty(_ key: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else { return nil }
        return value
    }
}
