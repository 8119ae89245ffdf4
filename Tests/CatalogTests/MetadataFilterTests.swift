import Testing

@testable import Catalog

@Suite struct MetadataFilterTests {
    @Test func parsesImplicitAndExplicitForms() throws {
        #expect(try MetadataFilter(json: #"{"genre": "drama"}"#) == .field("genre", .eq(.string("drama"))))
        #expect(
            try MetadataFilter(json: #"{"price": {"$gte": 1, "$lte": 5}}"#)
                == .and([.field("price", .gte(1)), .field("price", .lte(5))]))
        #expect(
            try MetadataFilter(json: #"{"$or": [{"a": true}, {"b": {"$in": ["x", 2]}}]}"#)
                == .or([.field("a", .eq(.bool(true))), .field("b", .isIn([.string("x"), .number(2)]))]))
    }

    @Test(arguments: [
        (#"[1]"#, "a filter must be a JSON object, like {\"price\": {\"$lte\": 50}}"),
        (#"{"price": {"$lte": "5"}}"#, "price: $lte needs a number"),
        (#"{"price": {"$between": [1, 2]}}"#, "price: unknown operator $between; use $eq $ne $gt $gte $lt $lte $in $nin $exists"),
        (#"{"$and": []}"#, "$and needs a non-empty array of filters"),
        (#"{"tags": {"$in": [true]}}"#, "tags: $in takes strings and numbers"),
        (#"{"x": {"$exists": 1}}"#, "x: $exists needs true or false"),
        (#"{"$gt": 3}"#, "$gt is not supported at the top level; use it inside a field, like {\"price\": {\"$gt\": …}}"),
        (#"{oops"#, "the filter is not valid JSON"),
    ])
    func errorsSayWhatIsWrong(json: String, message: String) {
        #expect(throws: MetadataFilterError(message: message)) { try MetadataFilter(json: json) }
    }

    @Test func evaluatesLikePinecone() throws {
        let meta: Metadata = ["price": .number(20), "tags": .strings(["sale", "new"]), "name": .string("Mug")]
        func m(_ json: String) throws -> Bool { try MetadataFilter(json: json).matches(meta) }
        #expect(try m(#"{"price": {"$gt": 10}}"#))
        #expect(try !m(#"{"price": {"$lt": 20}}"#))
        #expect(try m(#"{"tags": "sale"}"#))
        #expect(try !m(#"{"tags": {"$ne": "sale"}}"#))
        #expect(try m(#"{"tags": {"$nin": ["old"]}}"#))
        #expect(try !m(#"{"missing": "x"}"#))
        #expect(try m(#"{"missing": {"$ne": "x"}}"#))
        #expect(try m(#"{"missing": {"$exists": false}}"#))
        #expect(try !m(#"{"name": {"$gt": 1}}"#))
        #expect(try m(#"{"$or": [{"price": 1}, {"name": {"$in": ["Mug", "Cup"]}}]}"#))
    }

    @Test func roundTripsThroughJSON() throws {
        let filter = try MetadataFilter(json: #"{"$or": [{"price": {"$gte": 1.5}}, {"tags": {"$nin": ["a"]}}]}"#)
        let again = try MetadataFilter(filter.jsonValue)
        #expect(again == filter)
    }
}
