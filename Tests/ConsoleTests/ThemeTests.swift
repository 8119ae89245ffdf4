import Console
import Foundation
import Testing

@Suite("Themes")
struct ThemeTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes")

    @Test func everyShippedThemeParsesAndDefinesEveryRole() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".toml") }.sorted()
        #expect(files == ["default.toml", "high-contrast.toml", "light.toml", "mono.toml"])
        for file in files {
            let path = Self.folder.appendingPathComponent(file).path
            let theme = try Theme(parsing: String(contentsOfFile: path, encoding: .utf8), file: path)
            #expect(Set(theme.styles.keys) == Set(Role.allCases), "\(file)")
            #expect(theme.name + ".toml" == file)
        }
    }

    /// Text in a set colour on the terminal's own background is unreadable on some terminal
    /// (dark grey on black, white on white): such a theme sets the background too.
    @Test func themesThatColourTheTextSetABackground() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".toml") }
        for file in files {
            let path = Self.folder.appendingPathComponent(file).path
            let theme = try Theme(parsing: String(contentsOfFile: path, encoding: .utf8), file: path)
            guard theme.style(.text).foreground != .terminalDefault else { continue }
            for role in Role.allCases where theme.style(role).foreground != .terminalDefault {
                #expect(theme.style(role).background != .terminalDefault, "\(file): \(role.rawValue) sets fg but no bg")
            }
        }
    }

    @Test func builtInCopiesMatchTheFiles() throws {
        for builtIn in [BuiltInThemes.standard, BuiltInThemes.mono] {
            let path = Self.folder.appendingPathComponent(builtIn.name + ".toml").path
            let file = try Theme(parsing: String(contentsOfFile: path, encoding: .utf8), file: path)
            #expect(file == builtIn, "compiled-in \(builtIn.name) differs from themes/\(builtIn.name).toml")
        }
    }

    @Test func monoHasNoColourAndStaysUsable() {
        let mono = BuiltInThemes.mono
        #expect(!mono.usesColour)
        #expect(mono.style(.selection).reverse)
        #expect(mono.style(.error).bold)
        #expect(BuiltInThemes.standard.usesColour)
    }

    @Test func parsesColoursAndAttributes() throws {
        var text = "name = \"t\"\n"
        for role in Role.allCases { text += "[roles.\(role.rawValue)]\nfg = \"cyan\"\n" }
        text += "[roles.error]\nbg = 196\nbold = true\n"
        let theme = try Theme(parsing: text, file: "t.toml")
        #expect(theme.style(.error) == Style(foreground: .indexed(6), background: .indexed(196), bold: true))
        #expect(Color.indexed(196).basic == .indexed(1), "bright red in the cube falls back to red on 8 colours")
        #expect(Color.indexed(12).basic == .indexed(4))
    }

    @Test(
        "errors name the file and line",
        arguments: [
            ("name = \"x\"\n[roles.title]\nfg = \"chartreuse\"\n", 3, "unknown colour \"chartreuse\""),
            ("[roles.titel]\nfg = 1\n", 2, "unknown role \"titel\""),
            ("[roles.title]\nfg = 300\n", 2, "must be a colour name or a number 0–255"),
            ("[roles.title]\nblink = true\n", 2, "unknown attribute blink"),
            ("[roles.title]\nbold = \"yes\"\n", 2, "must be true or false"),
            ("[roles.title\nfg = 1\n", 1, "table header must end with ]"),
            ("[roles.title]\nfg = 1\n", 2, "roles not defined: border"),
        ] as [(String, Int, String)])
    func errors(text: String, line: Int, message: String) {
        do {
            _ = try Theme(parsing: text, file: "themes/broken.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "themes/broken.toml")
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func aBrokenFileIsReportedAndTheOthersStillLoad() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("light.toml"), to: dir.appendingPathComponent("light.toml"))
        try "[roles.title]\nfg = \"nope\"\n".write(to: dir.appendingPathComponent("zebra.toml"), atomically: true, encoding: .utf8)
        let library = ThemeLibrary.load(folder: dir)
        #expect(library.names == ["default", "light", "mono"])
        #expect(library.problems.count == 1)
        #expect(library.problems.first?.file.hasSuffix("zebra.toml") == true)
        #expect(library.problems.first?.line == 2)
        #expect(library.name(after: "light") == "mono")
        #expect(library.name(after: "mono") == "default")
        #expect(library.name(after: "missing") == "default")
    }
}
