import Testing

@testable import Catalog

@Suite struct PriceTests {
    @Test(
        arguments: [
            ("12", 1200), ("12.5", 1250), ("$1,234.50", 123_450), (" 3.99 ", 399), ("0", 0),
            ("$344.87", 34487), (".5", 50), ("1,000,000", 100_000_000), ("7.", 700),
        ] as [(String, Int64)])
    func parsesWhatPeopleType(text: String, cents: Int64) throws {
        #expect(try Price(parsing: text).cents == cents)
    }

    @Test(arguments: ["-1", "$-2.00", "-$3", "abc", "", "$", "1.234", "12,34", "1,2345.00", "1.2.3", "12e3", "１２"])
    func rejectsWhatIsNotAPrice(text: String) {
        #expect(throws: ProductValidationError.self) { try Price(parsing: text) }
    }

    @Test func negativeIsNamedAsSuch() {
        #expect(throws: ProductValidationError(field: .price, problem: .negativePrice)) { try Price(parsing: "-5") }
    }

    @Test(arguments: ["123456789012345678901", "$99,999,999,999,999,999.99", "1000000000000000", "900000000000000.01"])
    func tooLargeIsNamedAsSuch(text: String) {
        #expect(throws: ProductValidationError(field: .price, problem: .priceTooLarge)) { try Price(parsing: text) }
        #expect(ProductValidationError(field: .price, problem: .priceTooLarge).description.contains("too large"))
    }

    @Test func formatsLikeTheReferenceCSV() throws {
        #expect(try Price(cents: 123_450).description == "$1,234.50")
        #expect(try Price(cents: 5).description == "$0.05")
        #expect(try Price(cents: 100_000_000).description == "$1,000,000.00")
        #expect(try Price(cents: 1205).decimalString == "12.05")
    }
}
