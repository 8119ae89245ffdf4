import Foundation
import Postgres

/// A schema of its own in the test cluster, for one test.
///
/// Tests run in parallel against one Postgres; each gets a fresh schema with a random
/// suffix (first on `search_path`), and the schema is dropped afterwards.
public enum TestDatabase {
    /// The test cluster's settings. Under `make test` a missing cluster is a failure.
    public static func baseConfiguration() throws -> PostgresConfiguration {
        guard let url = TestEnvironment.databaseURL else {
            throw TestSetupError("REFARCH_TEST_DATABASE_URL is not set: run the tests with `make test`, which starts Postgres.")
        }
        return PostgresConfiguration(url: url)
    }

    /// Runs `body` with a configuration whose `search_path` starts with a fresh schema.
    public static func withSchema<T>(_ body: (PostgresConfiguration) async throws -> T) async throws -> T {
        var configuration = try baseConfiguration()
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let admin = try await PostgresConnection.connect(configuration)
        try await admin.execute("CREATE SCHEMA \(schema)")
        configuration.searchPath = [String(schema)]
        do {
            let value = try await body(configuration)
            _ = try? await admin.execute("DROP SCHEMA \(schema) CASCADE")
            await admin.close()
            return value
        } catch {
            _ = try? await admin.execute("DROP SCHEMA \(schema) CASCADE")
            await admin.close()
            throw error
        }
    }
}

/// A test could not set up what it needs.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
