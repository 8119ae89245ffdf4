import Foundation

/// The themes a console can use: the `*.toml` files of a themes folder, plus compiled-in
/// copies of `default` and `mono` so the console always has something to fall back to
/// (a test checks the copies equal `themes/default.toml` and `themes/mono.toml`).
public struct ThemeLibrary: Sendable {
    /// Loaded themes in cycling order: default, light, high-contrast, mono, then the rest by name.
    public private(set) var themes: [Theme]
    /// Files that could not be used, with file and line; the console shows them once.
    public private(set) var problems: [ThemeError]

    public init(themes: [Theme], problems: [ThemeError] = []) {
        self.themes = themes
        self.problems = problems
    }

    /// Loads every `*.toml` of `folder` (if it exists) over the built-in themes.
    public static func load(folder: URL?) -> ThemeLibrary {
        var byName: [String: Theme] = [:]
        for theme in [BuiltInThemes.standard, BuiltInThemes.mono] { byName[theme.name] = theme }
        var problems: [ThemeError] = []
        if let folder, let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
            for file in files.sorted() where file.hasSuffix(".toml") {
                let path = folder.appendingPathComponent(file).path
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    problems.append(ThemeError(file: path, line: 1, message: "cannot be read as UTF-8 text"))
                    continue
                }
                do {
                    let theme = try Theme(parsing: text, file: path)
                    byName[theme.name] = theme
                } catch {
                    problems.append(error)
                }
            }
        }
        let preferred = ["default", "light", "high-contrast", "mono"]
        let ordered =
            preferred.compactMap { byName[$0] } + byName.keys.filter { !preferred.contains($0) }.sorted().compactMap { byName[$0] }
        return ThemeLibrary(themes: ordered, problems: problems)
    }

    /// The theme called `name`, or nil.
    public func theme(named name: String) -> Theme? { themes.first { $0.name == name } }

    /// The theme after `name` in cycling order (what `T` switches to).
    public func name(after name: String) -> String {
        guard let i = themes.firstIndex(where: { $0.name == name }) else { return themes.first?.name ?? "default" }
        return themes[(i + 1) % themes.count].name
    }

    /// The names in cycling order.
    public var names: [String] { themes.map(\.name) }

    /// Where the console looks for themes: `REFARCH_THEMES_DIR`, `./themes`, or the
    /// `themes` folder of the source tree the binary was built in.
    public static func defaultFolder(environment: [String: String], executable: URL) -> URL? {
        if let dir = environment["REFARCH_THEMES_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let fm = FileManager.default
        let local = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("themes")
        if fm.fileExists(atPath: local.appendingPathComponent("default.toml").path) { return local }
        var dir = executable.deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("themes")
            if fm.fileExists(atPath: candidate.appendingPathComponent("default.toml").path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}

/// The compiled-in themes: copies of `themes/default.toml` and `themes/mono.toml`.
public enum BuiltInThemes {
    // Parsing a constant we ship cannot fail; a test parses both and compares with the files.
    public static let standard = try! Theme(parsing: defaultText, file: "built-in default.toml")
    public static let mono = try! Theme(parsing: monoText, file: "built-in mono.toml")

    static let defaultText = """
        # refarch-tui colour theme: default (dark terminals).
        # Roles map to colours: names (black red green yellow blue magenta cyan white, bright-*),
        # "default" (the terminal's own), or 0–255. Attributes: bold underline reverse dim.
        name = "default"

        [roles.title]
        fg = 81
        bold = true

        [roles.border]
        fg = 240

        [roles.text]
        fg = "default"

        [roles.muted]
        fg = 245

        [roles.selection]
        fg = 16
        bg = 117
        bold = true

        [roles.accent]
        fg = 214

        [roles.ok]
        fg = 114

        [roles.warn]
        fg = 221

        [roles.error]
        fg = 203
        bold = true

        [roles.input]
        fg = 255
        bg = 236
        """

    static let monoText = """
        # refarch-tui theme: mono (no colour; used when NO_COLOR is set). Selection is reverse
        # video and errors are bold, so it stays usable.
        name = "mono"

        [roles.title]
        bold = true

        [roles.border]
        dim = true

        [roles.text]
        fg = "default"

        [roles.muted]
        dim = true

        [roles.selection]
        reverse = true

        [roles.accent]
        underline = true

        [roles.ok]
        fg = "default"

        [roles.warn]
        bold = true

        [roles.error]
        bold = true
        reverse = false

        [roles.input]
        underline = true
        """
}
