/// A deterministic synthetic catalog with enough variety for semantic search to matter.
///
/// Products come from kinds (a travel mug, a rain jacket, a cordless drill…), each with its
/// own purposes, materials, audiences and features, so that a shopper's question ("something
/// to keep coffee hot on a commute") has clear right answers that share few words with it.
/// Every description ends with the product's category, and the same seed always gives the
/// same catalog.
public struct SeedCatalog: Sendable {
    /// One kind of product: what it is and the sentences that can describe it.
    public struct Kind: Sendable {
        public let category: String
        public let nouns: [String]
        public let purposes: [String]
        public let materials: [String]
        public let features: [String]
        public let audiences: [String]
        public let priceRange: ClosedRange<Int>
    }

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
        let noun = kind.nouns[rng.next(below: kind.nouns.count)]
        let brand = Self.brands[rng.next(below: Self.brands.count)]
        let adjective = Self.adjectives[rng.next(below: Self.adjectives.count)]
        let name = "\(brand) \(adjective) \(noun)"

        var sentences: [String] = []
        sentences.append(kind.purposes[rng.next(below: kind.purposes.count)])
        let extra = rng.next(below: 4)
        if extra >= 1 { sentences.append("Made of \(kind.materials[rng.next(below: kind.materials.count)]).") }
        if extra >= 2 { sentences.append(kind.features[rng.next(below: kind.features.count)]) }
        if extra >= 3 { sentences.append("A good choice for \(kind.audiences[rng.next(below: kind.audiences.count)]).") }
        sentences.append("Category: \(kind.category).")
        let description = sentences.joined(separator: " ")

        let cents = (kind.priceRange.lowerBound * 100) + rng.next(below: (kind.priceRange.count) * 100)
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

    static let brands = [
        "Northwind", "Alder & Oak", "Kestrel", "Bluepeak", "Harbor", "Fieldstone", "Lumen",
        "Copperline", "Tidewater", "Summit", "Juniper", "Ironbark", "Meridian", "Pebble",
        "Saltmarsh", "Brightwork", "Everly", "Granite Co.", "Willow", "Atlas",
    ]
    static let adjectives = [
        "Classic", "Pro", "Essential", "Compact", "Deluxe", "Everyday", "Premium", "Lite",
        "Heritage", "Urban", "Trail", "Studio", "Signature", "Select", "Prime", "Nova",
    ]

    /// The kinds of product the generator knows, grouped by category.
    public static let kinds: [Kind] = [
        Kind(
            category: "kitchen / drinkware",
            nouns: ["Insulated Travel Mug", "Vacuum Flask", "Thermal Tumbler", "Double-Wall Bottle"],
            purposes: [
                "Keeps coffee hot for up to twelve hours and iced drinks cold all day.",
                "A leak-proof lid lets you toss it in a bag on the way to work.",
                "Vacuum insulation holds the temperature of tea or soup from morning to evening.",
                "Fits most car cup holders, so your morning brew travels with you.",
            ],
            materials: ["18/8 stainless steel", "powder-coated steel with a silicone sleeve", "BPA-free copolyester and steel"],
            features: ["The one-handed lid locks shut.", "Dishwasher safe lid.", "Wide mouth takes ice cubes."],
            audiences: ["commuters", "office workers", "road trips", "early risers"],
            priceRange: 12...45),
        Kind(
            category: "kitchen / cookware",
            nouns: ["Cast Iron Skillet", "Nonstick Frying Pan", "Dutch Oven", "Stainless Saucepan", "Wok"],
            purposes: [
                "Sears steaks and bakes cornbread with even heat.",
                "Slow-cooks stews and braises on the stove or in the oven.",
                "Eggs and pancakes slide right off the cooking surface.",
                "Heats quickly for stir-fries at high temperature.",
            ],
            materials: ["pre-seasoned cast iron", "tri-ply stainless steel", "hard-anodised aluminium", "enamelled cast iron"],
            features: ["Works on induction hobs.", "Oven safe to 260 °C.", "Comes with a tight-fitting lid."],
            audiences: ["home cooks", "beginners in the kitchen", "families", "camp kitchens"],
            priceRange: 18...160),
        Kind(
            category: "kitchen / appliances",
            nouns: ["Espresso Machine", "Electric Kettle", "Blender", "Air Fryer", "Stand Mixer"],
            purposes: [
                "Brews café-style espresso with a steam wand for milk foam.",
                "Boils water for tea in under three minutes and shuts off by itself.",
                "Crushes ice and blends smoothies in seconds.",
                "Crisps fries and vegetables with hot air and little oil.",
                "Kneads bread dough and whips cream without tiring your arms.",
            ],
            materials: ["brushed stainless steel", "heat-resistant glass and steel", "BPA-free plastic"],
            features: ["Variable temperature settings.", "Removable parts are dishwasher safe.", "Auto shut-off for safety."],
            audiences: ["coffee lovers", "bakers", "busy households", "small apartments"],
            priceRange: 25...480),
        Kind(
            category: "outdoor / rain gear",
            nouns: ["Rain Jacket", "Waterproof Shell", "Rain Poncho", "Waterproof Trousers"],
            purposes: [
                "Seam-sealed and breathable, it keeps you dry through a downpour on the trail.",
                "Packs into its own pocket for sudden showers on a hike.",
                "A storm hood and taped seams keep wind and rain out in the hills.",
                "Pulls over your pack to keep both you and your gear dry in wet weather.",
            ],
            materials: ["three-layer waterproof nylon", "recycled polyester with a waterproof membrane", "ripstop nylon"],
            features: ["Pit zips let heat escape on climbs.", "Adjustable cuffs and hem.", "Reflective trim for low light."],
            audiences: ["hikers", "cyclists", "dog walkers", "festival goers"],
            priceRange: 20...260),
        Kind(
            category: "outdoor / camping",
            nouns: ["Backpacking Tent", "Sleeping Bag", "Camp Stove", "Headlamp", "Sleeping Pad"],
            purposes: [
                "Sets up in five minutes and sleeps two under the stars.",
                "Keeps you warm on nights down to freezing in the backcountry.",
                "Boils water for dinner at the campsite in minutes.",
                "Lights the path after dark with a bright, adjustable beam.",
                "Cushions you off cold, rocky ground for a good night's sleep outdoors.",
            ],
            materials: ["lightweight ripstop nylon", "aluminium poles and mesh", "down fill", "synthetic insulation"],
            features: ["Packs small and weighs under a kilogram.", "Rechargeable over USB.", "Includes a stuff sack."],
            audiences: ["backpackers", "scouts", "weekend campers", "festival goers"],
            priceRange: 15...420),
        Kind(
            category: "electronics / audio",
            nouns: ["Noise-Cancelling Headphones", "Wireless Earbuds", "Bluetooth Speaker", "Soundbar"],
            purposes: [
                "Active noise cancelling shuts out engine drone on flights and trains.",
                "Fills a room with rich sound streamed from your phone.",
                "Tiny buds that stay put during workouts and calls.",
                "Makes movie dialogue clear without a full surround system.",
            ],
            materials: ["aluminium and soft protein leather", "splash-resistant fabric", "matte polycarbonate"],
            features: ["Thirty hours of battery life.", "Pairs with two devices at once.", "Water resistant to IPX7."],
            audiences: ["frequent flyers", "students", "runners", "home cinema fans"],
            priceRange: 25...400),
        Kind(
            category: "electronics / computing",
            nouns: ["Mechanical Keyboard", "Wireless Mouse", "USB-C Hub", "Portable SSD", "Laptop Stand"],
            purposes: [
                "Tactile switches make long typing sessions comfortable.",
                "Adds HDMI, Ethernet and card readers to a thin laptop through one port.",
                "Backs up photos and projects at high speed in a pocket-sized case.",
                "Raises your screen to eye level to ease neck strain at the desk.",
                "Glides precisely and wakes instantly from sleep.",
            ],
            materials: ["anodised aluminium", "PBT keycaps on a steel plate", "shock-resistant rubber housing"],
            features: ["Works with Windows, macOS and Linux.", "Folds flat for travel.", "Backlit keys."],
            audiences: ["programmers", "remote workers", "photographers", "gamers"],
            priceRange: 15...250),
        Kind(
            category: "clothing / knitwear",
            nouns: ["Merino Sweater", "Wool Beanie", "Cashmere Scarf", "Fleece Pullover"],
            purposes: [
                "A soft, warm layer for chilly autumn evenings.",
                "Keeps your ears warm on frosty winter mornings.",
                "Wraps around your neck against a cold wind.",
                "Breathes and resists odour, so it can be worn for days on a trip.",
            ],
            materials: ["fine merino wool", "pure cashmere", "recycled polyester fleece", "organic cotton"],
            features: ["Machine washable on a wool cycle.", "Ribbed cuffs and hem.", "Available in six colours."],
            audiences: ["winter travellers", "office wear", "gift giving", "layering under a coat"],
            priceRange: 18...190),
        Kind(
            category: "clothing / footwear",
            nouns: ["Trail Running Shoes", "Leather Boots", "Canvas Sneakers", "Wool Slippers", "Hiking Boots"],
            purposes: [
                "Grippy lugs hold on muddy, rocky paths.",
                "Comfortable for walking around the city all day.",
                "Warm and cosy for padding around the house in winter.",
                "Ankle support and a waterproof lining for long days in the mountains.",
            ],
            materials: ["full-grain leather", "breathable mesh", "boiled wool with a felt sole", "vulcanised rubber and canvas"],
            features: ["Removable cushioned insoles.", "Wide fit available.", "Vibram outsole."],
            audiences: ["trail runners", "hikers", "commuters", "anyone with cold feet"],
            priceRange: 30...240),
        Kind(
            category: "tools / power tools",
            nouns: ["Cordless Drill", "Impact Driver", "Circular Saw", "Random Orbit Sander", "Jigsaw"],
            purposes: [
                "Drives screws and bores holes in wood, metal and masonry.",
                "Cuts sheet goods and lumber in straight lines for building projects.",
                "Smooths furniture before painting or staining.",
                "Cuts curves in plywood for DIY projects.",
            ],
            materials: ["a glass-filled nylon housing", "a die-cast aluminium base", "a steel chuck"],
            features: ["Two lithium-ion batteries and a fast charger included.", "Brushless motor.", "LED work light."],
            audiences: ["DIY beginners", "woodworkers", "home renovators", "contractors"],
            priceRange: 40...330),
        Kind(
            category: "tools / hand tools",
            nouns: ["Socket Set", "Claw Hammer", "Screwdriver Set", "Adjustable Wrench", "Tape Measure"],
            purposes: [
                "Everything needed for bike and car repairs in one case.",
                "Drives nails and pulls them out cleanly.",
                "Fits the screws in furniture, electronics and appliances.",
                "Measures rooms and boards accurately for home improvement.",
            ],
            materials: ["chrome vanadium steel", "a hickory handle", "hardened steel with rubber grips"],
            features: ["Lifetime warranty.", "Magnetic tips.", "Comes in a sturdy carry case."],
            audiences: ["first homes", "mechanics", "renters", "handy people"],
            priceRange: 8...140),
        Kind(
            category: "toys / building and games",
            nouns: ["Building Blocks Set", "Wooden Train Set", "Jigsaw Puzzle", "Board Game", "Remote Control Car"],
            purposes: [
                "Hours of creative building for young imaginations.",
                "A family game night favourite for two to six players.",
                "A thousand pieces to piece together on a rainy weekend.",
                "Races across the floor and the garden path at high speed.",
            ],
            materials: ["sustainably sourced beech wood", "non-toxic ABS plastic", "thick recycled cardboard"],
            features: ["Ages 4 and up.", "Compatible with major brands.", "Rechargeable battery included."],
            audiences: ["children", "families", "puzzle fans", "birthday presents"],
            priceRange: 10...120),
        Kind(
            category: "garden / plants and care",
            nouns: ["Garden Hose", "Pruning Shears", "Raised Planter", "Watering Can", "Compost Bin"],
            purposes: [
                "Waters flower beds and vegetables without kinks.",
                "Trims roses and shrubs with clean cuts.",
                "Grows herbs and tomatoes on a patio or balcony.",
                "Turns kitchen scraps into rich soil for the garden.",
            ],
            materials: ["cedar wood", "recycled plastic", "carbon steel blades", "galvanised steel"],
            features: ["UV resistant.", "Expands to three times its length.", "Drainage holes included."],
            audiences: ["gardeners", "balcony growers", "allotment holders", "green thumbs"],
            priceRange: 9...150),
        Kind(
            category: "sports / fitness",
            nouns: ["Yoga Mat", "Adjustable Dumbbells", "Resistance Bands", "Jump Rope", "Foam Roller"],
            purposes: [
                "Cushions and grips for yoga and stretching at home.",
                "Replaces a rack of weights for strength training in a small space.",
                "Adds resistance to squats and rows anywhere you travel.",
                "Eases sore muscles after a run or a workout.",
            ],
            materials: ["natural rubber", "TPE foam", "cast iron plates with steel handles", "latex-free elastic"],
            features: ["Non-slip texture.", "Comes with an exercise guide.", "Carry strap included."],
            audiences: ["home workouts", "runners", "beginners", "physical therapy"],
            priceRange: 8...300),
        Kind(
            category: "sports / cycling",
            nouns: ["Bike Helmet", "Bike Light Set", "Cycling Gloves", "Bike Lock", "Saddle Bag"],
            purposes: [
                "Protects your head on the daily ride to work.",
                "Makes you visible to traffic on dark evening rides.",
                "Keeps a bicycle safe from thieves outside the shop.",
                "Carries a spare tube and tools under the seat.",
            ],
            materials: ["in-mould polycarbonate and EPS foam", "hardened steel", "weatherproof nylon"],
            features: ["USB rechargeable.", "Adjustable fit dial.", "Reflective details."],
            audiences: ["bike commuters", "road cyclists", "students", "city riders"],
            priceRange: 10...160),
        Kind(
            category: "office / supplies",
            nouns: ["Notebook", "Fountain Pen", "Desk Organiser", "Ergonomic Office Chair", "Desk Lamp"],
            purposes: [
                "Dot-grid pages for planning, journaling and sketching.",
                "Writes smoothly for letters and notes.",
                "Keeps pens, cables and papers tidy on the desk.",
                "Supports your back through long working days.",
                "Gives glare-free light for reading and late-night work.",
            ],
            materials: ["acid-free paper with a linen cover", "brass and resin", "bamboo", "breathable mesh and aluminium"],
            features: ["Adjustable height and tilt.", "Refillable.", "Lay-flat binding."],
            audiences: ["students", "writers", "home offices", "planners"],
            priceRange: 6...350),
        Kind(
            category: "beauty / skin care",
            nouns: ["Moisturising Cream", "Sunscreen SPF 50", "Facial Cleanser", "Lip Balm", "Hand Cream"],
            purposes: [
                "Hydrates dry skin through cold, windy winters.",
                "Protects skin from sunburn at the beach and on the slopes.",
                "Washes away makeup and grime without stripping the skin.",
                "Soothes chapped lips and cracked hands.",
            ],
            materials: ["shea butter and ceramides", "mineral zinc oxide", "aloe vera and glycerin", "beeswax and plant oils"],
            features: ["Fragrance free.", "Dermatologist tested.", "Reef-safe formula."],
            audiences: ["sensitive skin", "outdoor workers", "skiers", "everyday use"],
            priceRange: 4...60),
        Kind(
            category: "home / bedding",
            nouns: ["Down Duvet", "Linen Sheet Set", "Memory Foam Pillow", "Weighted Blanket"],
            purposes: [
                "Keeps you warm without overheating on winter nights.",
                "Cool and breathable sheets for hot summer nights.",
                "Supports the neck for side and back sleepers.",
                "Gentle, even pressure that helps you relax and fall asleep.",
            ],
            materials: ["stonewashed French linen", "responsibly sourced goose down", "memory foam with a bamboo cover"],
            features: ["Machine washable.", "Hypoallergenic.", "Available in all bed sizes."],
            audiences: ["light sleepers", "guest rooms", "hot sleepers", "new homes"],
            priceRange: 25...280),
        Kind(
            category: "pets / supplies",
            nouns: ["Dog Bed", "Cat Scratching Post", "Dog Leash", "Automatic Pet Feeder", "Pet Carrier"],
            purposes: [
                "A cosy orthopaedic place for an older dog to rest.",
                "Saves your sofa from a cat's claws.",
                "Serves meals on schedule while you are at work.",
                "Takes a small pet safely to the vet or on a trip.",
            ],
            materials: ["sisal rope and carpet", "washable microfibre", "reflective nylon webbing"],
            features: ["Removable washable cover.", "Airline approved.", "Programmable portions."],
            audiences: ["dog owners", "cat owners", "puppies", "senior pets"],
            priceRange: 12...180),
        Kind(
            category: "baby / nursery",
            nouns: ["Baby Monitor", "Baby Carrier", "Stroller", "Changing Bag", "Teething Toy"],
            purposes: [
                "Lets you watch and hear the nursery from another room.",
                "Keeps an infant close and your hands free on walks.",
                "Folds with one hand for buses and car boots.",
                "Soothes sore gums when the first teeth come in.",
            ],
            materials: ["food-grade silicone", "organic cotton", "aluminium frame with padded fabric"],
            features: ["Night vision.", "Ergonomic hip-healthy seat.", "Many pockets and a changing mat."],
            audiences: ["new parents", "baby showers", "grandparents", "travel with infants"],
            priceRange: 8...420),
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
