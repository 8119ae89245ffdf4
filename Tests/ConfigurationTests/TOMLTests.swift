import Testing

@testable import Configuration

@Suite struct TOMLTests {
    @Test func readsTablesKeysAndValues() throws {
        let doc = try TOMLDocument(
            parsing: """
                # comment
                top = "a # not a comment"
                [database]
                url = 'postgresql://x@y/z'   # trailing comment
                "quoted key" = 1_000
                [console.colours]
                selection = { fg = "black", bg = 45, bold = true }
                list = [1, 2.5, "three",
                        false,]
                text = \"\"\"
                two\\tlines
                here\"\"\"
                """, file: "t.toml")
        #expect(doc.entry("top")?.value == .string("a # not a comment"))
        #expect(doc.entry("database.url")?.value == .string("postgresql://x@y/z"))
        #expect(doc.entry("database.url")?.line == 4)
        #expect(doc.entry("database.quoted key")?.value == .integer(1000))
        #expect(doc.entry("console.colours.selection.fg")?.value == .string("black"))
        #expect(doc.entry("console.colours.selection.bg")?.value == .integer(45))
        #expect(doc.entry("console.colours.selection.bold")?.value == .boolean(true))
        #expect(doc.entry("console.colours.list")?.value == .array([.integer(1), .float(2.5), .string("three"), .boolean(false)]))
        #expect(doc.entry("console.colours.text")?.value == .string("two\tlines\nhere"))
    }

    @Test(arguments: [
        ("a = \n", 1, "expected a value"),
        ("[t]\nb = unquoted\n", 2, "\"unquoted\" is not a value; strings need quotes"),
        ("a = 1\na = 2\n", 2, "the key \"a\" is defined twice"),
        ("x = \"open\n", 1, "a string is never closed on its line"),
        ("\n\n[[arr]]\n", 3, "arrays of tables ([[…]]) are not supported here"),
        ("a = 1 b = 2\n", 1, "unexpected text \"b = 2\" after the value; put each key on its own line"),
        ("s = \"\\q\"\n", 1, "\\q is not a valid escape in a string"),
    ])
    func errorsNameTheLine(text: String, line: Int, message: String) {
        #expect(throws: TOMLError(file: "bad.toml", line: line, message: message)) {
            try TOMLDocument(parsing: text, file: "bad.toml")
        }
    }
}
