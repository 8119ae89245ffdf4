import Testing

@testable import Catalog

@Suite struct ProductValidationTests {
    @Test func aValidProductIsTrimmed() throws {
        let product = try NewProduct(name: "  Mug ", sku: " M-1\t", description: " keep spaces ", price: Price(cents: 100))
        #expect(product.name == "Mug")
        #expect(product.sku == "M-1")
        #expect(product.description == " keep spaces ")
    }

    @Test func everyProblemIsReportedAtOnce() {
        #expect(
            throws: ProductValidationErrors([
                .init(field: .name, problem: .required),
                .init(field: .sku, problem: .required),
            ])
        ) { try NewProduct(name: "  ", sku: "", price: Price(cents: 1)) }
    }

    @Test func nameAndSKULengthLimits() throws {
        _ = try NewProduct(name: String(repeating: "é", count: 255), sku: String(repeating: "S", count: 255), price: Price(cents: 1))
        #expect(throws: ProductValidationErrors([.init(field: .name, problem: .tooLong(max: 255, actual: 256))])) {
            try NewProduct(name: String(repeating: "n", count: 256), sku: "S", price: Price(cents: 1))
        }
        #expect(throws: ProductValidationErrors([.init(field: .sku, problem: .tooLong(max: 255, actual: 300))])) {
            try NewProduct(name: "n", sku: String(repeating: "s", count: 300), price: Price(cents: 1))
        }
    }

    @Test func descriptionLimitIsOneHundredThousandCharacters() throws {
        _ = try NewProduct(name: "n", sku: "s", description: String(repeating: "d", count: 100_000), price: Price(cents: 1))
        #expect(throws: ProductValidationErrors([.init(field: .description, problem: .tooLong(max: 100_000, actual: 100_001))])) {
            try NewProduct(name: "n", sku: "s", description: String(repeating: "d", count: 100_001), price: Price(cents: 1))
        }
        #expect(throws: ProductValidationErrors([.init(field: .description, problem: .nulCharacter)])) {
            try NewProduct(name: "n", sku: "s", description: "a\u{0}b", price: Price(cents: 1))
        }
    }

    @Test func skuHasNoSpacesAndNamesNoLineBreaks() {
        #expect(throws: ProductValidationErrors([.init(field: .sku, problem: .containsSpace)])) {
            try NewProduct(name: "n", sku: "A B", price: Price(cents: 1))
        }
        #expect(throws: ProductValidationErrors([.init(field: .name, problem: .controlCharacter)])) {
            try NewProduct(name: "two\nlines", sku: "s", price: Price(cents: 1))
        }
    }

    @Test func invalidUTF8IsRefusedWithTheField() throws {
        #expect(throws: ProductValidationError(field: .description, problem: .invalidUTF8)) {
            try ProductRules.decodeUTF8([0x61, 0xFF, 0x62], field: .description)
        }
        #expect(try ProductRules.decodeUTF8(Array("✓ ok".utf8), field: .name) == "✓ ok")
    }

    @Test func changesValidateOnlyWhatIsSet() throws {
        let changes = try ProductChanges(description: "new")
        #expect(!changes.isEmpty)
        #expect(try ProductChanges().isEmpty)
        #expect(throws: ProductValidationErrors.self) { try ProductChanges(name: "") }
    }

    @Test(
        arguments: [
            ("2023-09-20", LocalDate(year: 2023, month: 9, day: 20)),
            ("2023-09-20 22:51:32", LocalDate(year: 2023, month: 9, day: 20)),
            ("2024-02-29", LocalDate(year: 2024, month: 2, day: 29)),
            ("2023-02-29", nil), ("2023-13-01", nil), ("23-09-20", nil), ("", nil), ("2023/09/20", nil),
        ] as [(String, LocalDate?)])
    func datesParse(text: String, expected: LocalDate?) {
        #expect(LocalDate(parsing: text) == expected)
    }

    @Test func messagesSayWhatToDo() {
        #expect(
            ProductValidationError(field: .price, problem: .notAPrice("abc")).description
                == "price \"abc\" is not a price; write it like 12, 12.5 or $1,234.50.")
        #expect(
            ProductValidationError(field: .sku, problem: .duplicateSKU("X")).description
                == "sku \"X\" is already used by another product.")
    }
}

@Suite struct ProductCSVTests {
    func parse(_ text: String) throws -> [NewProduct] { try ProductCSV.parse(Array(text.utf8), file: "t.csv") }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let products = try parse(
            "name,sku,description,price,last_updated\r\n\"Lamp, desk\",L-1,\"Says \"\"hi\"\"\nand more\",\"$1,200.00\",2023-09-20 10:00:00\r\n"
        )
        #expect(products.count == 1)
        #expect(products[0].name == "Lamp, desk")
        #expect(products[0].description == "Says \"hi\"\nand more")
        #expect(products[0].price.cents == 120_000)
        #expect(products[0].lastUpdated == LocalDate(year: 2023, month: 9, day: 20))
    }

    @Test func columnsMayComeInAnyOrderAndDescriptionIsOptional() throws {
        let products = try parse("price,sku,name\n3,A,Apple\n")
        #expect(products.map(\.name) == ["Apple"])
        #expect(products[0].description == "")
    }

    func errors(_ text: String) -> [ProductCSV.LineError] {
        do {
            _ = try parse(text)
            return []
        } catch let error as ProductCSV.ImportError {
            return error.errors
        } catch {
            return [.init(line: -1, message: "\(error)")]
        }
    }

    @Test func badLinesAreNamedByNumber() {
        let text = "name,sku,price\nA,A-1,1\nB,B-1\n,C-1,3\nD,A-1,4\nE,E-1,1.999\n"
        #expect(
            errors(text) == [
                .init(line: 3, message: "expected 3 fields, found 2"),
                .init(line: 4, message: "name is required."),
                .init(line: 5, message: "sku \"A-1\" is already used on line 2"),
                .init(line: 6, message: "price \"1.999\" has more than two decimals; write cents at most, like 12.50."),
            ])
    }

    @Test func lineNumbersCountLineBreaksInsideQuotes() {
        #expect(errors("name,sku,description,price\nA,M-1,\"multi\nline\",1\nX,,d,2\n") == [.init(line: 4, message: "sku is required.")])
    }

    @Test func headerProblemsAreReported() {
        #expect(
            errors("name,sku,colour,price\n") == [
                .init(line: 1, message: "unknown column \"colour\"; expected name,sku,description,price,last_updated")
            ])
        #expect(
            errors("name,description\n") == [
                .init(line: 1, message: "the header has no \"sku\" column"),
                .init(line: 1, message: "the header has no \"price\" column"),
            ])
        #expect(errors("") == [.init(line: 1, message: "the file is empty; expected a header line")])
    }

    @Test func invalidUTF8AndBrokenQuotesAreReported() {
        var bytes = Array("name,sku,price\nA".utf8)
        bytes.append(0xC3)
        bytes += Array(",A-1,1\n".utf8)
        do {
            _ = try ProductCSV.parse(bytes, file: "t.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors == [.init(line: 2, message: "name is not valid UTF-8.")])
        }
        #expect(errors("name,sku,price\n\"open,A,1\n") == [.init(line: 2, message: "a quoted field is never closed")])
    }
}
