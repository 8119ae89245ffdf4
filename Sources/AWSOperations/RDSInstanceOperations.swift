import AWS
import Foundation
import Operations

/// The RDS half of the database's health: DescribeDBInstances for the instance and
/// CloudWatch's FreeStorageSpace for its free storage. A CloudWatch failure leaves the
/// instance's other figures, with the error in ``RDSInstanceHealth/freeStorageError``.
public struct RDSInstanceOperations: Sendable {
    let rds: RDSClient
    let cloudWatch: CloudWatchClient
    public let identifier: String

    public init(configuration: AWSConfiguration, identifier: String) {
        rds = RDSClient(configuration: configuration)
        cloudWatch = CloudWatchClient(configuration: configuration)
        self.identifier = identifier
    }

    /// The instance now; throws when it cannot be described (not found, access denied).
    public func instanceHealth() async throws -> RDSInstanceHealth {
        guard let db = try await rds.describeDBInstances(identifier: identifier).first else {
            throw AWSOperationsMissingInstance(identifier: identifier)
        }
        var health = RDSInstanceOperations.health(of: db)
        do {
            health.freeStorageBytes = try await cloudWatch.latestValue(
                namespace: "AWS/RDS", metric: "FreeStorageSpace", dimensions: ["DBInstanceIdentifier": identifier], stat: "Minimum",
                period: 300, window: .seconds(3600))
        } catch {
            health.freeStorageError = describeDatabaseError(error)
        }
        return health
    }

    /// The seam's words for what DescribeDBInstances returned.
    public static func health(of db: DBInstance) -> RDSInstanceHealth {
        var health = RDSInstanceHealth(identifier: db.identifier)
        health.status = db.status
        health.instanceClass = db.instanceClass
        health.engine = db.engine
        health.engineVersion = db.engineVersion
        health.allocatedStorageGiB = db.allocatedStorageGiB
        health.storageType = db.storageType
        health.multiAZ = db.multiAZ
        health.endpointAddress = db.endpointAddress
        health.endpointPort = db.endpointPort
        health.backupWindow = db.preferredBackupWindow
        health.backupRetentionDays = db.backupRetentionPeriod
        health.storageEncrypted = db.storageEncrypted
        health.certificateAuthority = db.caCertificateIdentifier
        health.publiclyAccessible = db.publiclyAccessible
        return health
    }
}

/// DescribeDBInstances answered with no instance for an identifier.
struct AWSOperationsMissingInstance: Error, CustomStringConvertible {
    let identifier: String
    var description: String { "RDS instance \(identifier) not found. Check RDS_INSTANCE_ID (rds.instance) and the region." }
}
