import AWSOperations
import Foundation
import Operations
import TestSupport
import Testing

@testable import AWS

/// The RDS half of the database seam against the emulator: an instance created there is
/// described with its figures, and a publicly accessible one is flagged.
@Suite(
    "RDS instance health against the AWS emulator",
    .enabled(if: TestEnvironment.hasAWSEmulator, "needs the AWS emulator: run `make test`"))
struct RDSInstanceEmulatorTests {
    static func createInstance(_ rds: RDSClient, publiclyAccessible: Bool) async throws -> String {
        let identifier = Emulator.unique("refarch-db")
        _ = try await rds.client.query(
            "CreateDBInstance",
            [
                ("DBInstanceIdentifier", identifier), ("DBInstanceClass", "db.t4g.micro"), ("Engine", "postgres"),
                ("EngineVersion", "16.3"), ("AllocatedStorage", "20"), ("MasterUsername", "refarch"),
                ("MasterUserPassword", "not-a-secret-1"), ("MultiAZ", "true"), ("StorageEncrypted", "true"),
                ("PreferredBackupWindow", "03:00-03:30"), ("BackupRetentionPeriod", "7"),
                ("PubliclyAccessible", publiclyAccessible ? "true" : "false"),
            ])
        return identifier
    }

    @Test("an instance created in the emulator is described: status, class, engine, storage, Multi-AZ, endpoint, backups, encryption")
    func describesTheInstance() async throws {
        let configuration = try Emulator.configuration()
        let identifier = try await Self.createInstance(RDSClient(configuration: configuration), publiclyAccessible: false)
        let health = try await RDSInstanceOperations(configuration: configuration, identifier: identifier).instanceHealth()
        #expect(health.identifier == identifier)
        #expect(health.status == "available")
        #expect(health.instanceClass == "db.t4g.micro")
        #expect(health.engine == "postgres")
        #expect(health.allocatedStorageGiB == 20)
        #expect(health.multiAZ == true)
        #expect(health.endpointAddress?.hasPrefix(identifier) == true)
        #expect(health.endpointPort == 5432)
        #expect(health.storageEncrypted == true)
        #expect(health.backupWindow == "03:00-03:30")
        #expect(health.publiclyAccessible == false)
        // No FreeStorageSpace was ever published for it: no figure, and no error either.
        #expect(health.freeStorageError == nil)
    }

    @Test("the free storage is CloudWatch's latest FreeStorageSpace of the instance")
    func freeStorageFromCloudWatch() async throws {
        let configuration = try Emulator.configuration()
        let identifier = try await Self.createInstance(RDSClient(configuration: configuration), publiclyAccessible: false)
        let free = 17_179_869_184.0
        _ = try await CloudWatchClient(configuration: configuration).client.json(
            "PutMetricData",
            RawJSON([
                "Namespace": "AWS/RDS",
                "MetricData": [
                    [
                        "MetricName": "FreeStorageSpace", "Dimensions": [["Name": "DBInstanceIdentifier", "Value": .string(identifier)]],
                        "Timestamp": .double(Date().addingTimeInterval(-120).timeIntervalSince1970), "Value": .double(free),
                        "Unit": "Bytes",
                    ]
                ],
            ]), as: EmptyShape.self)
        let health = try await RDSInstanceOperations(configuration: configuration, identifier: identifier).instanceHealth()
        #expect(health.freeStorageBytes == free)
        #expect(health.freeStorageError == nil)
    }

    @Test("a publicly accessible instance is flagged")
    func flagsPublicAccess() async throws {
        let configuration = try Emulator.configuration()
        let identifier = try await Self.createInstance(RDSClient(configuration: configuration), publiclyAccessible: true)
        let health = try await RDSInstanceOperations(configuration: configuration, identifier: identifier).instanceHealth()
        #expect(health.publiclyAccessible == true)
    }

    @Test("a missing instance is an error of the RDS source alone: Postgres's figures still come back")
    func missingInstanceLeavesTheRest() async throws {
        let configuration = try Emulator.configuration()
        let rds = RDSInstanceOperations(configuration: configuration, identifier: Emulator.unique("missing"))
        let reader = DatabaseStatusReader(
            postgres: {
                PostgresHealth(
                    connections: DatabaseReading(value: ConnectionUsage(inUse: 1, max: 100, reserved: 3)),
                    outbox: DatabaseReading(error: "not asked"), largestTables: DatabaseReading(value: []),
                    schema: DatabaseReading(value: SchemaVersionStatus(database: 1, binary: 1)),
                    activity: DatabaseReading(value: DatabaseActivity(longestQueries: [], lockWaits: [])))
            }, instance: { try await rds.instanceHealth() })
        let status = try await reader.databaseStatus()
        #expect(status.instance?.value == nil)
        #expect(status.instance?.error?.contains("DBInstanceNotFound") == true, "\(String(describing: status.instance?.error))")
        #expect(status.connections.value?.inUse == 1)
    }

    @Test("db status --json --instance: the instance described, public access flagged; Postgres unreachable is its sources' error, exit 1")
    func dbStatusCommandWithAnUnreachablePostgres() async throws {
        let configuration = try Emulator.configuration()
        let identifier = try await Self.createInstance(RDSClient(configuration: configuration), publiclyAccessible: true)
        var environment = try OpsCLITests.environment(queue: nil)
        environment["DATABASE_URL"] = "postgresql://refarch@127.0.0.1:1/refarch?connect_timeout=5"
        struct Status: Decodable {
            struct Reading<Value: Decodable>: Decodable {
                var value: Value?
                var error: String?
            }
            struct Instance: Decodable {
                var identifier: String
                var publiclyAccessible: Bool?
            }
            struct Connections: Decodable { var inUse: Int }
            var backend: String
            var instance: Reading<Instance>?
            var connections: Reading<Connections>
        }
        let json = try await BuiltBinary.run(["db", "status", "--json", "--instance", identifier], environment: environment)
        #expect(json.status == 1, "\(json.stderr)")
        let status = try JSONDecoder().decode(Status.self, from: Data(json.stdout.utf8))
        #expect(status.backend == "rds")
        #expect(status.instance?.value?.identifier == identifier)
        #expect(status.instance?.value?.publiclyAccessible == true)
        #expect(status.connections.value == nil && status.connections.error != nil)
        #expect(json.stderr.contains("Could not read the connections"))

        let text = try await BuiltBinary.run(["db", "status", "--instance", identifier], environment: environment)
        #expect(text.stdout.contains(identifier) && text.stdout.contains("publicly accessible"))
    }
}
