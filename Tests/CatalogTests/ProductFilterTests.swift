import Catalog
import TestSupport
import Testing
import UserFacing

/// The products filter's grammar: what it reads from the text typed, and what it refuses.
@Suite("Product filter")
struct ProductFilterTests {
    func terms(_ text: String) throws -> [ProductFilter.Term] { try ProductFilter(parsing: text).terms }
    func price(_ text: String) throws -> Price { try Price(parsing: text) }

    @Test func plainWordsAndQuotedTextMatchNameSKUOrDescription() throws {
        #expect(try terms("") == [])
        #expect(try ProductFilter(parsing: nil).isEmpty)
        #expect(try terms("  lamp   Kit ") == [.anyText("lamp"), .anyText("Kit")])
        #expect(try terms("\"desk lamp\" \"price:5\"") == [.anyText("desk lamp"), .anyText("price:5")])
        // Not a bare name before the colon: text to find.
        #expect(try terms("a b:") == [.anyText("a"), .anyText("b:")])
        // A time or a SKU with a colon is quoted, as in the other lists; unquoted, "12" is a column.
        #expect(try terms("\"12:30\"") == [.anyText("12:30")])
        #expect(throws: ProductFilterError.unknownColumn("12")) { try terms("12:30") }
    }

    @Test func textColumnsByNameOrAnUnambiguousPrefix() throws {
        #expect(
            try terms("name:lamp SKU:kit description:\"with bulb\"") == [
                .text(.name, "lamp"), .text(.sku, "kit"), .text(.description, "with bulb"),
            ])
        #expect(
            try terms("n:a s:b d:c desc:e") == [.text(.name, "a"), .text(.sku, "b"), .text(.description, "c"), .text(.description, "e")])
    }

    @Test func idIsOneProduct() throws {
        #expect(try terms("id:42") == [.id(ProductID(42))])
        #expect(throws: ProductFilterError.badID("x1")) { try terms("id:x1") }
    }

    @Test func priceComparesAndRanges() throws {
        #expect(try terms("price:20") == [.price(.equal, price("20"))])
        #expect(try terms("price:=20") == [.price(.equal, price("20"))])
        #expect(try terms("price:<20") == [.price(.below, price("20"))])
        #expect(try terms("price:<=20") == [.price(.atMost, price("20"))])
        #expect(try terms("price:>5.50") == [.price(.above, price("5.5"))])
        #expect(try terms("p:>=$1,234.50") == [.price(.atLeast, price("1234.50"))])
        #expect(try terms("price:10-20") == [.price(.atLeast, price("10")), .price(.atMost, price("20"))])
        #expect(try terms("price:9.99-9.99") == [.price(.atLeast, price("9.99")), .price(.atMost, price("9.99"))])
    }

    @Test(arguments: ["abc", "<", ">=x", "-5", "<-5", "1.234", "20-10", "10-", "-", "10-20-30", "5 dollars"])
    func aBadPriceNamesTheFormsThatWork(_ value: String) throws {
        let quoted = value.contains(" ") ? "\"\(value)\"" : value
        let error = #expect(throws: ProductFilterError.self) { try terms("price:\(quoted)") }
        #expect(error == .badPrice(value))
        #expect(error?.summary == "“price:\(value)” is not a price filter.")
        #expect(error?.remedy?.contains("price:<20") == true)
        #expect(error?.remedy?.contains("price:10-20") == true)
        #expect(error?.exitClass == .usage)
    }

    @Test func anUnknownOrAmbiguousColumnNamesTheColumns() throws {
        let unknown = #expect(throws: ProductFilterError.self) { try terms("lamp color:red") }
        #expect(unknown == .unknownColumn("color"))
        #expect(unknown?.summary == "No column “color”: filter products by name, sku, description, id or price (as column:value).")
        #expect(unknown?.exitClass == .usage)
        // A name longer than the column is not a prefix of it.
        #expect(throws: ProductFilterError.unknownColumn("names")) { try terms("names:x") }
    }

    @Test func matchingInMemoryIgnoresCaseAndNeedsEveryTerm() throws {
        let lamp = Product(
            id: ProductID(7), name: "Desk Lamp", sku: "KIT-100", description: "With bulb", price: try price("8.50"))
        #expect(try ProductFilter(parsing: "LAMP sku:kit price:<10").matches(lamp))
        #expect(try ProductFilter(parsing: "id:7 price:8.5").matches(lamp))
        #expect(try !ProductFilter(parsing: "lamp price:>=10").matches(lamp))
        #expect(try !ProductFilter(parsing: "name:bulb").matches(lamp))
        #expect(try ProductFilter(parsing: "bulb").matches(lamp))
    }

    @Test("the in-memory store lists what every case expects (the same cases run against Postgres)")
    func inMemoryStoreAgreesWithTheCases() async throws {
        #expect(try await ProductFilterCases.mismatches(InMemoryProductStore()) == [])
        await #expect(throws: ProductFilterError.unknownColumn("colour")) {
            try await InMemoryProductStore().list(ProductQuery(filter: "colour:red"))
        }
    }
}
