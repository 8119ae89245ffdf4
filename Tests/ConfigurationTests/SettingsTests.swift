import Foundation
import Testing

@testable import Configuration

@Suite struct SettingsTests {
    /// A temporary directory holding a refarch.toml with `text`.
    func directory(with text: String?) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("refarch-settings-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if let text { try text.write(toFile: dir + "/refarch.toml", atomically: true, encoding: .utf8) }
        return dir
    }

    @Test func flagsBeatEnvironmentBeatFileBeatDefaults() throws {
        let dir = try directory(
            with: """
                [database]
                url = "postgresql://file@h/db"
                [pinecone]
                index = "from-file"
                namespace = "file-ns"
                """)
        let settings = try Settings.load(
            flags: ["--database-url": "postgresql://flag@h/db"],
            environment: ["DATABASE_URL": "postgresql://env@h/db", "PINECONE_INDEX": "from-env", "HOME": dir],
            currentDirectory: dir)
        #expect(settings.string("database.url") == "postgresql://flag@h/db")
        #expect(settings.resolved["database.url"]?.source == .flag("--database-url"))
        #expect(settings.string("pinecone.index") == "from-env")
        #expect(settings.resolved["pinecone.index"]?.source == .environment("PINECONE_INDEX"))
        #expect(settings.string("pinecone.namespace") == "file-ns")
        #expect(settings.resolved["pinecone.namespace"]?.source == .file(path: dir + "/refarch.toml", line: 5))
        #expect(settings.string("console.theme") == "default")
        #expect(settings.resolved["console.theme"]?.source == .defaultValue)
        #expect(settings.resolved["sqs.queue_url"]?.source == .unset)
    }

    @Test func referenceVariableNamesWork() throws {
        let settings = try Settings.load(
            environment: [
                "POSTGRES_DB_HOST": "db", "POSTGRES_DB_PORT": "5433",
                "AWS_DEFAULT_REGION": "eu-west-1", "ECS_TASK_ID": "task-1", "HOME": "/nonexistent",
            ],
            currentDirectory: "/nonexistent")
        #expect(settings.string("postgres.host") == "db")
        #expect(settings.integer("postgres.port") == 5433)
        #expect(settings.string("aws.region") == "eu-west-1")
        #expect(settings.resolved["aws.region"]?.source == .environment("AWS_DEFAULT_REGION"))
        #expect(settings.string("worker.id") == "task-1")
    }

    @Test func secretsAreMasked() throws {
        let settings = try Settings.load(
            environment: [
                "PINECONE_API_KEY": "pk-live-123", "POSTGRES_DB_PASSWORD": "hunter2",
                "DATABASE_URL": "postgresql://app:s3cret@db:5432/shop", "HOME": "/nonexistent",
            ], currentDirectory: "/nonexistent")
        let shown = settings.all.map(\.displayValue).joined(separator: " ")
        #expect(!shown.contains("pk-live-123"))
        #expect(!shown.contains("hunter2"))
        #expect(!shown.contains("s3cret"))
        #expect(settings.resolved["database.url"]?.displayValue == "postgresql://app:****@db:5432/shop")
        #expect(settings.resolved["pinecone.api_key"]?.displayValue == "****")
        #expect(Settings.maskPassword(in: "host=db password=hunter2 user=x") == "host=db password=**** user=x")
    }

    @Test func unknownKeyNamesFileLineAndSuggestion() throws {
        let dir = try directory(with: "\n[pinecone]\nindx = \"x\"\n")
        #expect(
            throws: ConfigurationError(
                message: "\(dir)/refarch.toml line 3: unknown setting \"pinecone.indx\".",
                remedy: "Did you mean \"pinecone.index\"? `refarch-tui config` lists every setting.")
        ) {
            try Settings.load(environment: ["HOME": dir], currentDirectory: dir)
        }
    }

    @Test func wrongTypeNamesFileLineAndExpectation() throws {
        let dir = try directory(with: "[postgres]\nport = \"5432\"\n")
        #expect(
            throws: ConfigurationError(
                message: "\(dir)/refarch.toml line 2: postgres.port must be an integer, found a string.", remedy: nil)
        ) {
            try Settings.load(environment: ["HOME": dir], currentDirectory: dir)
        }
    }

    @Test func malformedEnvironmentValueNamesTheVariable() {
        #expect(
            throws: ConfigurationError(
                message: "postgres.port from env POSTGRES_DB_PORT is \"five\", which is not an integer.", remedy: nil)
        ) {
            try Settings.load(environment: ["POSTGRES_DB_PORT": "five", "HOME": "/nonexistent"], currentDirectory: "/nonexistent")
        }
        #expect(throws: ConfigurationError.self) {
            try Settings.load(environment: ["REFARCH_READ_ONLY": "maybe", "HOME": "/nonexistent"], currentDirectory: "/nonexistent")
        }
    }

    @Test func syntaxErrorNamesFileAndLine() throws {
        let dir = try directory(with: "[database]\nurl = postgres\n")
        do {
            _ = try Settings.load(environment: ["HOME": dir], currentDirectory: dir)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "\(dir)/refarch.toml line 2: \"postgres\" is not a value; strings need quotes.")
        }
    }

    @Test func xdgConfigIsReadWhenTheCurrentDirectoryHasNone() throws {
        let xdg = try directory(with: nil)
        try FileManager.default.createDirectory(atPath: xdg + "/refarch-tui", withIntermediateDirectories: true)
        try "[console]\ntheme = \"light\"\n".write(toFile: xdg + "/refarch-tui/refarch.toml", atomically: true, encoding: .utf8)
        let settings = try Settings.load(environment: ["XDG_CONFIG_HOME": xdg], currentDirectory: "/nonexistent")
        #expect(settings.string("console.theme") == "light")
        #expect(settings.configFile == xdg + "/refarch-tui/refarch.toml")
    }

    @Test func explicitConfigFileMustExist() {
        #expect(throws: ConfigurationError.self) {
            try Settings.load(environment: [:], configFile: "/nonexistent/refarch.toml")
        }
    }
}
