import Catalog
import Foundation

/// The products filter's cases, run against Postgres (PostgresTests) and the in-memory twin
/// (CatalogTests) so the two stores are shown to agree on what every term means.
public enum ProductFilterCases {
    /// The catalog every case filters.
    public static func catalog() throws -> [NewProduct] {
        try [
            NewProduct(name: "Desk Lamp Kit", sku: "KIT-100", description: "A lamp kit with a bulb", price: Price(parsing: "8.50")),
            NewProduct(name: "Garden Kit", sku: "KIT-200", description: "Seeds and tools", price: Price(parsing: "25")),
            NewProduct(
                name: "Insulated Mug", sku: "MUG-1", description: "Keeps coffee hot; price:5 on the label", price: Price(parsing: "5")),
            NewProduct(name: "Travel mug", sku: "MUG-2", description: "100% steel_lid", price: Price(parsing: "12")),
            NewProduct(name: "Floor Lamp", sku: "LAMP-9", description: "Tall, kit not included", price: Price(parsing: "49.99")),
        ]
    }

    /// Filters and the SKUs they list, in SKU order; `{MUG-2}` stands for that product's id.
    public static let cases: [(filter: String, skus: [String])] = [
        ("", ["KIT-100", "KIT-200", "LAMP-9", "MUG-1", "MUG-2"]),
        ("lamp", ["KIT-100", "LAMP-9"]),
        ("kit", ["KIT-100", "KIT-200", "LAMP-9"]),
        ("mug coffee", ["MUG-1"]),
        ("\"travel mug\"", ["MUG-2"]),
        ("\"price:5\"", ["MUG-1"]),
        ("%", ["MUG-2"]),
        ("name:kit", ["KIT-100", "KIT-200"]),
        ("N:MUG", ["MUG-1", "MUG-2"]),
        ("sku:kit", ["KIT-100", "KIT-200"]),
        ("desc:kit", ["KIT-100", "LAMP-9"]),
        ("description:steel_lid", ["MUG-2"]),
        ("description:l_d", []),
        ("price:5", ["MUG-1"]),
        ("price:$49.99", ["LAMP-9"]),
        ("price:<10", ["KIT-100", "MUG-1"]),
        ("price:<=8.50", ["KIT-100", "MUG-1"]),
        ("price:>12", ["KIT-200", "LAMP-9"]),
        ("price:>=12", ["KIT-200", "LAMP-9", "MUG-2"]),
        ("price:10-30", ["KIT-200", "MUG-2"]),
        ("price:<10 sku:kit", ["KIT-100"]),
        ("id:{MUG-2}", ["MUG-2"]),
        ("id:{MUG-2} name:kit", []),
        ("sku:\"'); DROP TABLE products_with_increment;--\" $1", []),
    ]

    /// Creates the catalog in `store` (empty) and runs every case; what differs, one line a
    /// case (empty when the store lists what each case expects, and counts them).
    public static func mismatches(_ store: some ProductStore) async throws -> [String] {
        var ids: [String: ProductID] = [:]
        for product in try catalog() { ids[product.sku] = try await store.create(product).id }
        var problems: [String] = []
        for (filter, expected) in cases {
            let text = filter.replacingOccurrences(of: "{MUG-2}", with: ids["MUG-2"]!.rawValue.description)
            let page = try await store.list(ProductQuery(limit: 100, filter: text))
            let skus = page.products.map(\.sku).sorted()
            if skus != expected || page.totalCount != expected.count {
                problems.append("\(text): \(skus) of \(page.totalCount), expected \(expected)")
            }
        }
        // Past the last page, the total still counts the filtered products.
        let beyond = try await store.list(ProductQuery(limit: 10, offset: 50, filter: "price:<10 kit"))
        if !beyond.products.isEmpty || beyond.totalCount != 1 {
            problems.append("past the last page: \(beyond.products.count) products of \(beyond.totalCount), expected none of 1")
        }
        return problems
    }
}
