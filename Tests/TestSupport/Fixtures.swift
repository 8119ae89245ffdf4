import Foundation

/// Locates ground-truth files in the `shared/` folder that sits beside the repository.
///
/// CI clones the repository into a fresh folder with a copy of `shared/` beside it, so the
/// default is `<repo>/../shared`; `REFARCH_SHARED_DIR` overrides it.
public enum Fixtures {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The shared folder with fixtures, data and anchor scripts.
    public static var sharedDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["REFARCH_SHARED_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// A file under `shared/`, or the path in `environmentKey` when that variable is set.
    public static func path(_ relative: String, overriddenBy environmentKey: String? = nil) -> URL {
        if let key = environmentKey, let value = ProcessInfo.processInfo.environment[key], !value.isEmpty {
            return URL(fileURLWithPath: value)
        }
        return sharedDirectory.appendingPathComponent(relative)
    }

    /// Reads a JSON Lines file into one decoded value per non-empty line.
    public static func jsonLines<T: Decodable>(_ type: T.Type, at url: URL) throws -> [T] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n", omittingEmptySubsequences: true).map {
            try decoder.decode(T.self, from: Data($0.utf8))
        }
    }
}
