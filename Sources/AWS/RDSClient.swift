import Foundation

/// Amazon RDS over the Query protocol: the status of the catalog database.
public struct RDSClient: Sendable {
    public let client: AWSClient

    public init(configuration: AWSConfiguration) {
        client = AWSClient(service: .rds, protocol: .query(version: "2014-10-31"), configuration: configuration)
    }

    public init(client: AWSClient) { self.client = client }

    /// One instance by identifier, or all (optionally filtered by engine); follows `Marker`.
    /// An unknown identifier throws the service's `DBInstanceNotFound` (HTTP 404).
    public func describeDBInstances(identifier: String? = nil, engine: String? = nil) async throws(AWSError) -> [DBInstance] {
        var instances: [DBInstance] = []
        var marker: String?
        repeat {
            var parameters: [(String, String)] = []
            if let identifier { parameters.append(("DBInstanceIdentifier", identifier)) }
            if let engine {
                parameters.append(("Filters.Filter.1.Name", "engine"))
                parameters.append(("Filters.Filter.1.Values.Value.1", engine))
            }
            parameters.append(("MaxRecords", "100"))
            if let marker { parameters.append(("Marker", marker)) }
            let root = try await client.query("DescribeDBInstances", parameters)
            let result = root.first(named: "DescribeDBInstancesResult")
            instances += (result?["DBInstances"]?.all("DBInstance") ?? []).map(DBInstance.init(xml:))
            marker = result?.string("Marker").flatMap { $0.isEmpty ? nil : $0 }
        } while marker != nil
        return instances
    }
}

/// The fields of an RDS instance the console shows.
public struct DBInstance: Codable, Sendable, Hashable {
    public var identifier: String
    public var instanceClass: String?
    public var engine: String?
    public var engineVersion: String?
    /// Free text (available, backing-up, modifying, …): display it, don't enumerate it.
    public var status: String?
    public var endpointAddress: String?
    public var endpointPort: Int?
    public var allocatedStorageGiB: Int?
    public var storageType: String?
    public var multiAZ: Bool?
    public var availabilityZone: String?
    public var createdAt: Date?
    public var publiclyAccessible: Bool?
    /// "03:00-03:30" (UTC).
    public var preferredBackupWindow: String?
    public var backupRetentionPeriod: Int?
    public var storageEncrypted: Bool?
    public var caCertificateIdentifier: String?

    public init(xml: XMLElement) {
        identifier = xml.string("DBInstanceIdentifier") ?? ""
        instanceClass = xml.string("DBInstanceClass")
        engine = xml.string("Engine")
        engineVersion = xml.string("EngineVersion")
        status = xml.string("DBInstanceStatus")
        endpointAddress = xml["Endpoint"]?.string("Address")
        endpointPort = xml["Endpoint"]?.int("Port")
        allocatedStorageGiB = xml.int("AllocatedStorage")
        storageType = xml.string("StorageType")
        multiAZ = xml.bool("MultiAZ")
        availabilityZone = xml.string("AvailabilityZone")
        createdAt = xml.string("InstanceCreateTime").flatMap(ISO8601.parse)
        publiclyAccessible = xml.bool("PubliclyAccessible")
        preferredBackupWindow = xml.string("PreferredBackupWindow")
        backupRetentionPeriod = xml.int("BackupRetentionPeriod")
        storageEncrypted = xml.bool("StorageEncrypted")
        caCertificateIdentifier = xml.string("CACertificateIdentifier")
    }
}
