/// A deterministic synthetic catalog that reads like a real one, with enough variety for
/// semantic search to matter.
///
/// Every product is one kind of thing (a vacuum flask, an espresso machine, a garden hose…)
/// and everything about it comes from that kind alone: its name carries the kind's noun, and
/// its description is composed from that kind's own uses, sizes, materials, finishes,
/// features and audiences. So a shopper's question ("something to keep coffee hot") has clear
/// right answers, and products of one kind still differ in real ways: size, material, finish,
/// range (entry, standard, pro) and features, with the price following from them. Every
/// description ends with the product's category, and the same seed always gives the same
/// catalog.
public struct SeedCatalog: Sendable {
    /// One option of an attribute (a size, a material) and how it moves the price.
    public struct Choice: Sendable, Hashable {
        public let text: String
        /// Multiplies the kind's base price (1 for the middle option).
        public let priceFactor: Double
    }

    /// One kind of product: its noun and everything its descriptions may say.
    public struct Kind: Sendable {
        public let category: String
        /// What the product is ("Vacuum Flask"): in every name and every description of this kind.
        public let noun: String
        /// Words (matched at the start of a word) that only this kind's descriptions use, so a
        /// description attached to another kind's name can be told apart.
        public let keywords: [String]
        /// What it is for; every description opens with one of these sentences.
        public let uses: [String]
        /// Size or capacity, written before the noun ("750 ml", "king-size").
        public let sizes: [Choice]
        /// What it is made of (or with, or built with), after `madeOf`.
        public let materials: [Choice]
        public let madeOf: String
        /// Colours, scents or themes, written before the noun ("sage green").
        public let finishes: [String]
        /// Noun phrases joined into "It has …" ("a leak-proof lid").
        public let features: [String]
        /// Who it suits ("commuters").
        public let audiences: [String]
        /// The price in dollars of a standard-range product of a middle size and material.
        public let basePrice: Double
        /// Whether the noun is plural ("Hiking Boots"), for "These … are" instead of "This … is".
        public let isPlural: Bool
        /// The noun as it reads inside a sentence: lowercased but for names and acronyms
        /// ("USB-C hub", "French press").
        public let nounInText: String

        init(
            _ category: String, _ noun: String, keywords: [String] = [], plural: Bool = false,
            uses: [String], sizes: KeyValuePairs<String, Double>, madeOf: String? = nil,
            materials: KeyValuePairs<String, Double>, finishes: [String], features: [String], audiences: [String], price: Double
        ) {
            self.category = category
            self.noun = noun
            self.keywords = keywords
            self.isPlural = plural
            self.uses = uses
            self.sizes = sizes.map { Choice(text: $0.key, priceFactor: $0.value) }
            self.materials = materials.map { Choice(text: $0.key, priceFactor: $0.value) }
            // "made of steel", but "built with a metal gearbox".
            self.madeOf =
                madeOf ?? (self.materials.contains { $0.text.hasPrefix("a ") || $0.text.hasPrefix("an ") } ? "built with" : "made of")
            self.finishes = finishes
            self.features = features
            self.audiences = audiences
            self.basePrice = price
            self.nounInText = noun.split(separator: " ").map { word in
                word.dropFirst().contains(where: \.isUppercase) || Self.properWords.contains(String(word))
                    ? String(word) : word.lowercased()
            }.joined(separator: " ")
        }

        static let properWords: Set = ["French", "Bluetooth"]
    }

    /// A product range: its line names, how it moves the price, how many features it has and
    /// how its description recommends it.
    struct Range: Sendable {
        let lines: [String]
        let priceFactor: Double
        let featureCount: Int
        let pitches: [String]
    }

    static let ranges = [
        Range(
            lines: ["Essential", "Everyday", "Lite"], priceFactor: 0.75, featureCount: 1,
            pitches: ["An affordable pick for", "A simple, good-value choice for"]),
        Range(
            lines: ["Classic", "Select", "Original"], priceFactor: 1.0, featureCount: 2,
            pitches: ["A good choice for", "Made for", "Well suited to"]),
        Range(
            lines: ["Pro", "Elite", "Reserve"], priceFactor: 1.45, featureCount: 3,
            pitches: ["A premium choice for", "Top of the range, made for"]),
    ]

    public let seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// The product at position `index` (0-based); SKUs are unique across indexes.
    public func product(at index: Int) -> NewProduct {
        // Each index gets its own well-mixed stream; seeding with `seed + index` directly would
        // make product i's second draw equal product i+1's first.
        var mixer = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        var rng = SplitMix64(seed: mixer.next())
        let kind = Self.kinds[rng.next(below: Self.kinds.count)]
        // Entry 30 %, standard 45 %, pro 25 %.
        let roll = rng.next(below: 20)
        let range = Self.ranges[roll < 6 ? 0 : roll < 15 ? 1 : 2]
        let brand = Self.brands[rng.next(below: Self.brands.count)]
        let line = range.lines[rng.next(below: range.lines.count)]
        let use = kind.uses[rng.next(below: kind.uses.count)]
        let size = kind.sizes[rng.next(below: kind.sizes.count)]
        let material = kind.materials[rng.next(below: kind.materials.count)]
        let finish = kind.finishes.isEmpty ? nil : kind.finishes[rng.next(below: kind.finishes.count)]
        let features = Self.pick(min(range.featureCount, kind.features.count), of: kind.features, &rng)
        let pitch = range.pitches[rng.next(below: range.pitches.count)]
        let audience = kind.audiences[rng.next(below: kind.audiences.count)]

        var name = "\(brand) \(line) \(kind.noun)"
        switch rng.next(below: 3) {
        case 0: name += ", " + Self.capitalisedFirst(size.text)
        case 1: if let finish { name += ", " + Self.titleCased(finish) }
        default: break
        }

        let this = kind.isPlural ? "These" : "This", be = kind.isPlural ? "are" : "is"
        let have = kind.isPlural ? "They have" : "It has"
        let finishText = finish.map { "\($0) " } ?? ""
        let description =
            "\(use) \(this) \(size.text) \(finishText)\(kind.nounInText) \(be) \(kind.madeOf) \(material.text). "
            + "\(have) \(Self.list(features)). \(pitch) \(audience). Category: \(kind.category)."

        // Price follows the attributes: bigger, better materials, higher range, more features.
        let jitter = 0.94 + Double(rng.next(below: 13)) / 100
        let dollars =
            kind.basePrice * size.priceFactor * material.priceFactor * range.priceFactor
            * (1 + 0.04 * Double(features.count)) * jitter
        // Shelf prices: under $20 in half-dollar steps ($7.49, $7.99), above in whole dollars ($129.99).
        let step = dollars < 20 ? 50 : 100
        let cents = max(step, Int((dollars * 100 / Double(step)).rounded()) * step) - 1

        let prefix = String(kind.category.uppercased().filter(\.isLetter).prefix(3))
        let sku = "\(prefix)-\(index)-\(String(rng.next(below: 46_656), radix: 36).uppercased())"
        let day = 1 + rng.next(below: 28), month = 1 + rng.next(below: 12), year = 2023 + rng.next(below: 3)
        // These values satisfy every product rule by construction.
        return try! NewProduct(
            name: name, sku: sku, description: description,
            price: try! Price(cents: Int64(cents)),
            lastUpdated: LocalDate(year: year, month: month, day: day))
    }

    /// `count` products starting at `startIndex`.
    public func products(count: Int, startIndex: Int = 0) -> [NewProduct] {
        (startIndex..<startIndex + count).map(product(at:))
    }

    /// The category of a seeded description (the text after "Category: "), or nil.
    public static func category(ofDescription description: String) -> String? {
        let marker = "Category: "
        guard let lastLine = description.split(separator: ". ").last(where: { $0.hasPrefix(marker) }) else { return nil }
        let value = lastLine.dropFirst(marker.count)
        return String(value.hasSuffix(".") ? value.dropLast() : value)
    }

    /// The kind a seeded product's name says it is (the kind whose noun the name contains), or nil.
    public static func kind(ofName name: String) -> Kind? {
        kinds.first { name.contains($0.noun) }
    }

    /// `count` distinct items of `items` in their original order.
    static func pick(_ count: Int, of items: [String], _ rng: inout SplitMix64) -> [String] {
        var chosen = Array(repeating: false, count: items.count)
        var left = count
        while left > 0 {
            let i = rng.next(below: items.count)
            if !chosen[i] {
                chosen[i] = true
                left -= 1
            }
        }
        return items.indices.filter { chosen[$0] }.map { items[$0] }
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " and " + last
    }

    static func capitalisedFirst(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }

    static func titleCased(_ text: String) -> String {
        text.split(separator: " ").map { capitalisedFirst(String($0)) }.joined(separator: " ")
    }

    static let brands = [
        "Northwind", "Alder & Oak", "Kestrel", "Bluepeak", "Harbor", "Fieldstone", "Copperline",
        "Tidewater", "Juniper", "Ironbark", "Meridian", "Pebble", "Saltmarsh", "Brightwork",
        "Everly", "Granite Co.", "Willow", "Atlas", "Larkspur", "Redfern",
    ]
}

/// A small, fast, deterministic random number generator (SplitMix64), so seeds reproduce
/// the same catalog on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A value in `0..<bound`.
    public mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
