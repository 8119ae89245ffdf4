import Testing

@testable import Catalog

/// The demo catalog reads like a real one: every product's description is written for what its
/// name says it is, descriptions hardly repeat, and a seed always gives the same catalog.
@Suite struct SeedCatalogTests {
    /// Where a generated product breaks "its description is its kind's": empty when it is right.
    ///
    /// The name must carry exactly one kind's noun, and the description must be that kind's
    /// grammar filled with that kind's own words: one of its uses, then "This <size> [<finish>]
    /// <noun> is made of (with, built with) <material>.", "It has <features>.",
    /// "<pitch> <audience>." and its category.
    static func problems(name: String, description: String, checkingOtherKinds: Bool = true) -> [String] {
        let named = SeedCatalog.kinds.filter { Text.contains(name, word: $0.noun) }
        guard named.count == 1, let kind = named.first else {
            return ["\(name): names \(named.count) kinds (\(named.map(\.noun)))"]
        }
        var problems: [String] = []
        if !Text.contains(description, word: kind.nounInText) {
            problems.append("\(name): the description never says \"\(kind.nounInText)\"")
        }
        if !Grammar(kind).matches(description) {
            problems.append("\(name): \"\(description)\" is not from the \(kind.noun) grammar")
        }
        let text = Text.bytes(description)
        for other in SeedCatalog.kinds where checkingOtherKinds && other.noun != kind.noun {
            for term in [other.noun] + other.keywords where Text.contains(text, word: term) {
                problems.append("\(name): the description says \"\(term)\", which belongs to \(other.noun)")
            }
        }
        return problems
    }

    @Test func theCheckRejectsADescriptionOfAnotherKind() {
        // The pairs the old generator made (issue 18): a kind's name with another kind's use.
        let mismatched = [
            ("Ironbark Select Espresso Machine", "Crushes ice and blends smoothies in seconds. Category: kitchen / appliances."),
            ("Brightwork Select Garden Hose", "Grows herbs and tomatoes on a patio or balcony. Category: garden / plants and care."),
            ("Pebble Nova Desk Organiser", "Gives glare-free light for reading and late-night work. Category: office / supplies."),
        ]
        for (name, description) in mismatched {
            #expect(!Self.problems(name: name, description: description).isEmpty, "\(name)")
        }
        // A right product with one sentence swapped for another kind's is caught too.
        let product = SeedCatalog(seed: 1).product(at: 0)
        let kind = SeedCatalog.kind(ofName: product.name)!
        let other = SeedCatalog.kinds.first { $0.category != kind.category }!
        let use = kind.uses.first { product.description.hasPrefix($0) }!
        #expect(Self.problems(name: product.name, description: product.description).isEmpty)
        let swapped = other.uses[0] + product.description.dropFirst(use.count)
        #expect(!Self.problems(name: product.name, description: swapped).isEmpty)
    }

    @Test func everyDescriptionIsWrittenForTheKindItsNameSays() {
        let products = SeedCatalog(seed: 5).products(count: 10_000)
        var problems: [String] = []
        for (i, product) in products.enumerated() {
            // The grammar check covers all; the slower word search for other kinds' words, a tenth.
            problems += Self.problems(name: product.name, description: product.description, checkingOtherKinds: i % 10 == 0)
        }
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(5))")
        // Every kind shows up, so the check above covered each kind's grammar.
        #expect(Set(products.compactMap { SeedCatalog.kind(ofName: $0.name)?.noun }).count == SeedCatalog.kinds.count)
    }

    @Test func noKindsWordsNameAnotherKind() {
        // Exhaustive over each grammar's parts (the sampled test above may miss a rare one).
        let shared = SeedCatalog.ranges.flatMap(\.pitches) + ["This", "These", "It has", "They have", "Category"]
        var problems: [String] = []
        for kind in SeedCatalog.kinds {
            let parts =
                kind.uses + kind.sizes.map(\.text) + kind.materials.map(\.text) + kind.finishes + kind.features
                + kind.audiences + [kind.madeOf, kind.category] + shared
            for other in SeedCatalog.kinds where other.noun != kind.noun {
                for term in [other.noun] + other.keywords {
                    for part in parts where Text.contains(part, word: term) {
                        problems.append("\(kind.noun): \"\(part)\" says \"\(term)\" of \(other.noun)")
                    }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.count) problems: \(problems.prefix(10))")
        #expect(Set(SeedCatalog.kinds.map(\.noun)).count == SeedCatalog.kinds.count)
    }

    @Test func aNamesVariantAgreesWithItsDescription() {
        for product in SeedCatalog(seed: 6).products(count: 2_000) {
            let parts = product.name.split(separator: ", ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            #expect(Text.contains(product.description, word: String(parts[1])), "\(product.name): \(product.description)")
        }
    }

    @Test func descriptionsRarelyRepeat() {
        for count in [1_000, 10_000] {
            let descriptions = SeedCatalog(seed: 1).products(count: count).map(\.description)
            let ratio = Double(Set(descriptions).count) / Double(count)
            #expect(ratio >= 0.9, "\(count) products: distinct ratio \(ratio)")
        }
    }

    @Test func theCatalogSpansManyCategoriesOfSeveralKinds() {
        let kindsPerCategory = Dictionary(grouping: SeedCatalog.kinds, by: \.category)
        #expect(kindsPerCategory.count >= 20)
        #expect(kindsPerCategory.values.allSatisfy { $0.count >= 3 }, "\(kindsPerCategory.mapValues(\.count))")
        let products = SeedCatalog(seed: 3).products(count: 2_000)
        #expect(Set(products.map(\.sku)).count == products.count)
        let categories = products.compactMap { SeedCatalog.category(ofDescription: $0.description) }
        #expect(categories.count == products.count)
        #expect(Set(categories) == Set(kindsPerCategory.keys))
    }

    @Test func productsOfAKindDifferAndThePriceFollows() {
        let products = SeedCatalog(seed: 4).products(count: 10_000)
        let byKind = Dictionary(grouping: products) { SeedCatalog.kind(ofName: $0.name)!.noun }
        func mean(_ items: [NewProduct]) -> Double {
            items.map(\.price.doubleValue).reduce(0, +) / Double(max(items.count, 1))
        }
        for kind in SeedCatalog.kinds {
            let items = byKind[kind.noun] ?? []
            let prices = items.map(\.price.doubleValue)
            #expect((prices.max() ?? 0) >= (prices.min() ?? 0) * 2, "\(kind.noun): prices hardly differ")
            // A higher range costs more, on average, than the entry range of the same kind.
            func inRange(_ range: Int) -> [NewProduct] {
                items.filter { p in SeedCatalog.ranges[range].lines.contains { p.name.contains(" \($0) \(kind.noun)") } }
            }
            #expect(mean(inRange(2)) > mean(inRange(0)) * 1.3, "\(kind.noun): pro \(mean(inRange(2))), entry \(mean(inRange(0)))")
            // Where sizes differ a lot, the biggest costs more on average than the smallest.
            let bySize = kind.sizes.sorted { $0.priceFactor < $1.priceFactor }
            guard let small = bySize.first, let big = bySize.last, big.priceFactor >= small.priceFactor * 1.5 else { continue }
            func ofSize(_ size: SeedCatalog.Choice) -> [NewProduct] {
                items.filter { $0.description.contains(". \(kind.isPlural ? "These" : "This") \(size.text) ") }
            }
            #expect(mean(ofSize(big)) > mean(ofSize(small)), "\(kind.noun): \(big.text) vs \(small.text)")
        }
    }

    @Test func theSameSeedGivesTheSameCatalog() {
        let first = SeedCatalog(seed: 7).products(count: 2_000)
        #expect(SeedCatalog(seed: 7).products(count: 2_000) == first)
        let other = SeedCatalog(seed: 8).products(count: 2_000)
        #expect(zip(first, other).filter { $0.name == $1.name && $0.description == $1.description }.count < 20)
    }

    @Test func startIndexContinuesTheSameSequence() {
        let all = SeedCatalog(seed: 9).products(count: 20)
        #expect(SeedCatalog(seed: 9).products(count: 10, startIndex: 10) == Array(all[10...]))
    }

    @Test func theKeepDrinksHotFamilySaysSo() {
        let family = ["Vacuum Flask", "Insulated Travel Mug", "Insulated Tumbler", "Thermal Carafe"]
        let kinds = SeedCatalog.kinds.filter { family.contains($0.noun) }
        #expect(kinds.count == family.count)
        for kind in kinds {
            #expect(kind.uses.allSatisfy { $0.contains("hot") || $0.contains("warm") }, "\(kind.noun)")
        }
        // Only that family promises to keep a drink hot.
        for kind in SeedCatalog.kinds where !family.contains(kind.noun) {
            #expect(!kind.uses.contains { $0.contains("coffee hot") || $0.contains("drinks hot") }, "\(kind.noun)")
        }
    }
}

/// The grammar of one kind's descriptions, as a recogniser.
private struct Grammar {
    let kind: SeedCatalog.Kind
    init(_ kind: SeedCatalog.Kind) { self.kind = kind }

    func matches(_ description: String) -> Bool {
        var rest = Substring(description)
        guard rest.consume(oneOf: kind.uses), rest.consume(" "),
            rest.consume(kind.isPlural ? "These " : "This "), rest.consume(oneOf: kind.sizes.map(\.text)), rest.consume(" ")
        else { return false }
        if rest.consume(oneOf: kind.finishes), !rest.consume(" ") { return false }
        guard rest.consume(kind.nounInText + (kind.isPlural ? " are " : " is ") + kind.madeOf + " "),
            rest.consume(oneOf: kind.materials.map(\.text)), rest.consume(". "),
            rest.consume(kind.isPlural ? "They have " : "It has "), consumeFeatures(&rest), rest.consume(". "),
            rest.consume(oneOf: SeedCatalog.ranges.flatMap(\.pitches)), rest.consume(" "),
            rest.consume(oneOf: kind.audiences), rest.consume(". Category: \(kind.category).")
        else { return false }
        return rest.isEmpty
    }

    /// "a", "a and b", "a, b and c", each one of the kind's features, none twice.
    private func consumeFeatures(_ rest: inout Substring) -> Bool {
        var seen: Set<String> = []
        while true {
            guard let feature = kind.features.first(where: { rest.hasPrefix($0) && !seen.contains($0) }) else { return false }
            seen.insert(feature)
            rest = rest.dropFirst(feature.count)
            if rest.consume(", ") || rest.consume(" and ") { continue }
            return true
        }
    }
}

extension Substring {
    /// Drops `prefix` when the text starts with it.
    fileprivate mutating func consume(_ prefix: String) -> Bool {
        guard hasPrefix(prefix) else { return false }
        self = dropFirst(prefix.count)
        return true
    }

    /// Drops the longest of `prefixes` the text starts with.
    fileprivate mutating func consume(oneOf prefixes: [String]) -> Bool {
        guard let longest = prefixes.filter({ hasPrefix($0) }).max(by: { $0.count < $1.count }) else { return false }
        self = dropFirst(longest.count)
        return true
    }
}

/// Case-insensitive search for a term starting at a word boundary ("blend" finds "Blends").
enum Text {
    static func bytes(_ text: String) -> [UInt8] { Array(text.lowercased().utf8) }

    static func contains(_ text: String, word term: String) -> Bool { contains(bytes(text), word: term) }

    static func contains(_ haystack: [UInt8], word term: String) -> Bool {
        let needle = bytes(term)
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            if start > 0, isWordByte(haystack[start - 1]) { continue }
            var i = 0
            while i < needle.count, haystack[start + i] == needle[i] { i += 1 }
            if i == needle.count { return true }
        }
        return false
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80
    }
}
