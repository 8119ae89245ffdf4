import AWS
import ArgumentParser
import Foundation

/// `refarch-tui db status`: the RDS instance behind the catalog.
///
/// Not registered here: the lead adds it to the `db` command group.
struct DBStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Status, engine, class, endpoint and storage of the RDS instance.")

    @OptionGroup var options: OpsOptions

    @Option(help: "The DB instance identifier; default: RDS_INSTANCE_ID, else every instance.")
    var instance: String?

    func run() async throws {
        try await reportingErrors {
            let rds = RDSClient(configuration: try makeAWSConfiguration(options))
            let identifier = try instance ?? options.value("RDS_INSTANCE_ID")
            let instances = try await rds.describeDBInstances(identifier: identifier)
            if options.json {
                try printJSON(instances)
            } else if instances.isEmpty {
                print("No RDS instances found.")
            } else {
                printTable(
                    ["INSTANCE", "STATUS", "ENGINE", "CLASS", "ENDPOINT", "STORAGE", "MULTI-AZ"],
                    instances.map { db in
                        [
                            db.identifier, db.status ?? "-", [db.engine, db.engineVersion].compactMap { $0 }.joined(separator: " "),
                            db.instanceClass ?? "-", db.endpointAddress.map { "\($0):\(db.endpointPort.map(String.init) ?? "?")" } ?? "-",
                            db.allocatedStorageGiB.map { "\($0) GiB \(db.storageType ?? "")" } ?? "-",
                            db.multiAZ.map { $0 ? "yes" : "no" } ?? "-",
                        ]
                    })
            }
        }
    }
}
