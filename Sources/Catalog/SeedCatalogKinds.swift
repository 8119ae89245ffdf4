// The kinds of product the demo catalog is made of. Each kind's text is its own: a use,
// material or feature of one kind never names another kind (SeedCatalogTests checks it).

extension SeedCatalog {
    static let metal = ["matte black", "brushed steel", "sage green", "slate blue", "cream", "terracotta"]
    static let appliance = ["matte black", "white", "stainless silver", "pastel blue", "cream", "cherry red"]
    static let textile = ["charcoal", "navy", "olive", "oatmeal", "rust", "heather grey"]
    static let outdoor = ["forest green", "blaze orange", "navy", "black", "sand", "red"]
    static let tech = ["black", "white", "space grey", "silver", "midnight blue"]
    static let wood = ["natural oak", "walnut", "white", "black", "ash"]
    static let scent = ["unscented", "lavender-scented", "citrus-scented", "cucumber-scented", "vanilla-scented"]
    static let soft = ["grey", "sage", "blush pink", "navy", "oatmeal"]
    static let bright = ["red", "yellow", "blue", "green", "orange", "purple"]

    /// The kinds of product the generator knows, grouped by category.
    public static let kinds: [Kind] = [
        // MARK: kitchen / drinkware: made to keep drinks hot (or cold)
        Kind(
            "kitchen / drinkware", "Vacuum Flask", keywords: ["flask"],
            uses: [
                "Keeps coffee, tea or soup hot for up to 24 hours, and cold drinks chilled for two days.",
                "Double-wall vacuum insulation keeps hot drinks hot from a dawn start until evening.",
                "Fill it with hot coffee in the morning and pour a steaming cup at the top of the hill.",
                "Keeps tea or coffee hot through a long hike, a day's fishing or a cold match.",
            ],
            sizes: ["350 ml": 0.8, "500 ml": 0.9, "750 ml": 1.0, "1 litre": 1.2, "1.5 litre": 1.4],
            materials: [
                "18/8 stainless steel": 1.0, "powder-coated stainless steel": 1.1, "unbreakable steel with a glass-free liner": 1.05,
            ],
            finishes: metal,
            features: [
                "a cup that screws onto the lid", "a leak-proof stopper", "a fold-away carry handle",
                "a pour-through stopper that keeps heat in", "a wide mouth for ice cubes", "a lifetime guarantee on the insulation",
            ],
            audiences: ["hikers", "anglers", "long shifts outdoors", "road trips", "winter walks"], price: 32),
        Kind(
            "kitchen / drinkware", "Insulated Travel Mug", keywords: ["travel mug"],
            uses: [
                "Keeps coffee hot for hours on the commute and fits under most coffee-shop machines.",
                "Vacuum insulation keeps your morning coffee or tea hot all the way to the office.",
                "A sealed, insulated lid keeps a hot drink hot and off your bag on the way to work.",
            ],
            sizes: ["300 ml": 0.85, "350 ml": 0.95, "470 ml": 1.0, "600 ml": 1.15],
            materials: [
                "double-wall stainless steel": 1.0, "ceramic-lined stainless steel": 1.25, "stainless steel with a bamboo band": 1.1,
            ],
            finishes: metal,
            features: [
                "a one-handed lid that locks shut", "a slim base that fits car cup holders", "a dishwasher-safe lid",
                "a non-slip grip sleeve", "a splash-proof sipping slot", "a removable tea strainer",
            ],
            audiences: ["commuters", "office workers", "early risers", "drivers", "nurses on night shifts"], price: 24),
        Kind(
            "kitchen / drinkware", "Insulated Tumbler", keywords: ["tumbler"],
            uses: [
                "Keeps coffee hot for hours on your desk, and iced drinks cold without sweating.",
                "A vacuum-insulated cup that holds hot coffee at drinking temperature through a long morning.",
                "Keeps tea and coffee warm for hours, and cold drinks icy until the last sip.",
            ],
            sizes: ["350 ml": 0.85, "450 ml": 0.95, "600 ml": 1.0, "900 ml": 1.2],
            materials: ["double-wall stainless steel": 1.0, "powder-coated stainless steel": 1.1, "copper-lined stainless steel": 1.3],
            finishes: metal,
            features: [
                "a slide-shut lid", "a reusable straw", "a comfortable handle", "a sweat-free outer wall",
                "a tapered base that fits cup holders", "a clear splash-proof lid",
            ],
            audiences: ["desk workers", "students", "gym goers", "gift giving"], price: 22),
        Kind(
            "kitchen / drinkware", "Thermal Carafe", keywords: ["carafe"],
            uses: [
                "Keeps a whole pot of coffee hot on the table for hours, with no hot plate to scorch it.",
                "Holds freshly brewed coffee or tea hot through a long breakfast or meeting.",
                "A vacuum-insulated server that keeps coffee hot for six hours and pours without drips.",
            ],
            sizes: ["1 litre": 0.9, "1.5 litre": 1.0, "2 litre": 1.2],
            materials: [
                "double-wall stainless steel": 1.0, "a glass vacuum liner in a steel case": 0.9,
                "brushed stainless steel with a walnut handle": 1.3,
            ],
            finishes: metal,
            features: [
                "a push-button pouring lid", "a drip-free spout", "a wide opening that is easy to clean",
                "a brew-through lid", "a sturdy handle", "a non-slip base",
            ],
            audiences: ["meeting rooms", "family breakfasts", "brunch hosts", "offices", "holiday homes"], price: 38),

        // MARK: kitchen / coffee and tea: makes drinks
        Kind(
            "kitchen / coffee and tea", "Espresso Machine", keywords: ["espresso", "crema", "latte"],
            uses: [
                "Pulls café-style espresso shots with rich crema, and its steam wand froths milk for lattes.",
                "Brews espresso at the right pressure and textures milk for flat whites.",
                "Makes barista-style espresso, flat whites and lattes at home.",
            ],
            sizes: ["compact": 0.85, "single-boiler": 1.0, "dual-boiler": 1.6],
            materials: ["brushed stainless steel": 1.15, "die-cast aluminium": 1.0, "steel and heat-resistant plastic": 0.85],
            finishes: appliance,
            features: [
                "a 15-bar pump", "a dual-wall filter basket", "a commercial-style steam wand", "a PID temperature controller",
                "a pressure gauge", "a removable water tank", "a cup warmer tray",
            ],
            audiences: ["coffee lovers", "home baristas", "small offices", "brunch fans"], price: 320),
        Kind(
            "kitchen / coffee and tea", "Coffee Grinder", keywords: ["beans", "burrs"],
            uses: [
                "Grinds whole beans fresh for every brew, from fine to coarse.",
                "Conical burrs grind beans evenly so every cup tastes as it should.",
                "Turns whole beans into an even grind in seconds, with the size set by a dial.",
            ],
            sizes: ["hand-held": 0.6, "countertop": 1.0, "large-hopper": 1.3],
            materials: [
                "stainless steel burrs in an aluminium body": 1.2, "ceramic burrs in a steel body": 1.0,
                "steel burrs in a plastic housing": 0.8,
            ],
            finishes: appliance,
            features: [
                "40 grind settings", "a timed dose button", "an anti-static catch cup", "a bean hopper that locks off",
                "a brush for cleaning the burrs", "a quiet motor",
            ],
            audiences: ["coffee enthusiasts", "pour-over fans", "campers who like fresh beans", "gift giving"], price: 85),
        Kind(
            "kitchen / coffee and tea", "Cold Brew Maker", keywords: ["cold brew"],
            uses: [
                "Steeps ground coffee in cold water overnight for smooth, low-acid cold brew.",
                "Makes a jug of cold brew concentrate in the fridge, ready to pour over ice.",
                "Brews cold brew slowly in the fridge for smooth iced coffee all week.",
            ],
            sizes: ["1 litre": 0.85, "1.5 litre": 1.0, "2 litre": 1.2],
            materials: [
                "borosilicate glass with a fine steel mesh filter": 1.1, "BPA-free Tritan with a nylon filter": 0.85,
                "glass with a stainless steel lid": 1.0,
            ],
            finishes: appliance,
            features: [
                "an airtight lid", "a removable mesh filter", "a pour spout that fits fridge doors",
                "a non-slip silicone base", "measurement marks on the side",
            ],
            audiences: ["iced coffee fans", "summer mornings", "small kitchens", "meal preppers"], price: 30),
        Kind(
            "kitchen / coffee and tea", "Electric Kettle", keywords: ["kettle"],
            uses: [
                "Boils water for tea in under three minutes and switches itself off.",
                "Heats water to the exact degree for green tea, black tea or pour-over.",
                "Brings a full jug of water to the boil fast and quietly.",
            ],
            sizes: ["0.8 litre": 0.85, "1.2 litre": 0.95, "1.7 litre": 1.0],
            materials: ["brushed stainless steel": 1.0, "heat-resistant glass": 0.95, "stainless steel with a matte finish": 1.05],
            finishes: appliance,
            features: [
                "five temperature presets", "a gooseneck spout for slow pouring", "boil-dry protection",
                "a 360° swivel base", "a removable limescale filter", "a water window with level marks",
            ],
            audiences: ["tea drinkers", "pour-over fans", "student rooms", "busy households"], price: 45),
        Kind(
            "kitchen / coffee and tea", "French Press", keywords: ["plunger"],
            uses: [
                "Steeps coarse grounds for four minutes, then the plunger pushes them down for a full-bodied cup.",
                "Brews rich, full-bodied coffee with nothing but hot water and a plunger.",
                "A simple plunger brewer for coffee or loose-leaf tea, no filters needed.",
            ],
            sizes: ["350 ml": 0.8, "600 ml": 0.9, "1 litre": 1.0],
            materials: ["borosilicate glass in a steel frame": 1.0, "stainless steel": 1.2, "glass with a bamboo lid": 0.9],
            finishes: appliance,
            features: [
                "a four-layer mesh filter", "a heat-resistant handle", "a lid that locks the grounds in",
                "a spare filter screen", "a measuring scoop",
            ],
            audiences: ["slow mornings", "loose-leaf tea drinkers", "small kitchens", "gift giving"], price: 28),

        // MARK: kitchen / appliances
        Kind(
            "kitchen / appliances", "Blender", keywords: ["smoothie"],
            uses: [
                "Crushes ice and blends frozen fruit into smooth smoothies in seconds.",
                "Makes soups, smoothies and nut butters with a powerful motor.",
                "Blends frozen fruit, greens and ice until silky.",
            ],
            sizes: ["personal-size": 0.6, "1.5 litre": 1.0, "2 litre": 1.25],
            materials: ["a Tritan jug on a die-cast base": 1.1, "a glass jug on a steel base": 1.0, "a BPA-free plastic jug": 0.8],
            finishes: appliance,
            features: [
                "a 1200-watt motor", "hardened steel blades", "a pulse setting", "a tamper for thick mixtures",
                "two to-go cups", "preset programs for ice and soup",
            ],
            audiences: ["smoothie fans", "busy households", "healthy breakfasts", "soup lovers"], price: 90),
        Kind(
            "kitchen / appliances", "Air Fryer", keywords: ["nuggets"],
            uses: [
                "Crisps fries and vegetables with hot air and a spoonful of oil.",
                "Roasts chicken wings and crisps leftovers fast, without deep-frying.",
                "Gives wedges and nuggets a golden finish using little or no oil.",
            ],
            sizes: ["2 litre": 0.7, "4.5 litre": 1.0, "7 litre dual-drawer": 1.5],
            materials: [
                "a nonstick basket in a steel body": 1.0, "a ceramic-coated basket": 1.1, "a stainless steel basket and glass door": 1.25,
            ],
            finishes: appliance,
            features: [
                "eight cooking presets", "a viewing window", "a shake reminder", "a dishwasher-safe basket",
                "a timer with auto shut-off", "a dehydrate setting",
            ],
            audiences: ["busy families", "students", "small kitchens", "healthier snacking"], price: 95),
        Kind(
            "kitchen / appliances", "Stand Mixer", keywords: ["meringue", "beater"],
            uses: [
                "Kneads bread dough and whips cream without tiring your arms.",
                "Creams butter and sugar, whisks egg whites and kneads pizza dough.",
                "A planetary mixing action for cakes, meringues and bread dough.",
            ],
            sizes: ["3.5 litre": 0.8, "4.8 litre": 1.0, "6.9 litre": 1.35],
            materials: ["die-cast metal": 1.2, "a steel body with a stainless bowl": 1.0, "a plastic body with a steel bowl": 0.75],
            finishes: appliance,
            features: [
                "ten speeds", "a dough hook, flat beater and balloon whisk", "a pouring shield", "a tilt-up head",
                "a front outlet for attachments", "a bowl with a handle",
            ],
            audiences: ["bakers", "cake decorators", "bread makers", "wedding gifts"], price: 260),
        Kind(
            "kitchen / appliances", "Toaster", keywords: ["bagel", "crumpet"],
            uses: [
                "Browns bread evenly, from a light toast to a deep golden crunch.",
                "Toasts thick slices, bagels and crumpets, and warms pastries.",
                "Makes even toast every morning with a browning dial you can trust.",
            ],
            sizes: ["two-slice": 0.8, "four-slice": 1.0, "long-slot": 1.1],
            materials: ["brushed stainless steel": 1.15, "painted steel": 1.0, "cool-touch plastic": 0.75],
            finishes: appliance,
            features: [
                "a bagel setting", "a defrost button", "a reheat button", "a removable crumb tray",
                "extra-wide slots", "a lift lever for small slices",
            ],
            audiences: ["breakfast lovers", "families", "student flats", "holiday lets"], price: 45),
        Kind(
            "kitchen / appliances", "Rice Cooker", keywords: ["rice"],
            uses: [
                "Cooks fluffy rice and grains at the press of a button.",
                "Steams rice, quinoa and porridge just right, with no pot to watch.",
                "Cooks sushi rice, brown rice and grains to the right texture every time.",
            ],
            sizes: ["3-cup": 0.8, "5-cup": 1.0, "10-cup": 1.3],
            materials: ["a nonstick inner pot": 1.0, "a stainless steel inner pot": 1.15, "a ceramic-coated inner pot": 1.1],
            finishes: appliance,
            features: [
                "a steaming basket", "a delay timer", "fuzzy-logic cooking", "a porridge setting",
                "a measuring cup and rice paddle", "a detachable power cord",
            ],
            audiences: ["families", "meal preppers", "small kitchens", "students"], price: 70),

        // MARK: kitchen / cookware
        Kind(
            "kitchen / cookware", "Skillet", keywords: ["sear"],
            uses: [
                "Sears steaks and crisps potatoes with even, steady heat.",
                "Goes from hob to oven for frittatas, cornbread and seared chops.",
                "Holds heat for a deep sear on steak, fish and vegetables.",
            ],
            sizes: ["20 cm": 0.75, "26 cm": 1.0, "30 cm": 1.2],
            materials: [
                "pre-seasoned cast iron": 1.0, "carbon steel": 0.9, "tri-ply stainless steel": 1.3,
                "hard-anodised nonstick aluminium": 0.95,
            ],
            finishes: [],
            features: [
                "a helper handle", "pouring lips on both sides", "a stay-cool handle", "works on induction",
                "oven safe to 260 °C", "a matching lid",
            ],
            audiences: ["home cooks", "steak lovers", "camp kitchens", "beginners in the kitchen"], price: 45),
        Kind(
            "kitchen / cookware", "Dutch Oven", keywords: ["braise", "stew"],
            uses: [
                "Slow-cooks stews and braises on the hob or in the oven.",
                "Bakes crusty no-knead bread and braises short ribs until tender.",
                "A heavy lidded pot for chilli, casseroles and pot roasts.",
            ],
            sizes: ["2.8 litre": 0.8, "4.7 litre": 1.0, "6.7 litre": 1.25],
            materials: ["enamelled cast iron": 1.2, "raw cast iron": 0.8, "enamelled steel": 0.9],
            finishes: ["cherry red", "navy", "sage green", "cream", "matte black", "ocean blue"],
            features: [
                "a tight-fitting self-basting lid", "wide loop handles", "a light interior to watch browning",
                "works on induction", "a stainless steel knob safe to 250 °C",
            ],
            audiences: ["home cooks", "bread bakers", "families", "winter cooking"], price: 110),
        Kind(
            "kitchen / cookware", "Saucepan", keywords: ["sauce"],
            uses: [
                "Simmers sauces, boils eggs and heats soups evenly.",
                "The everyday pan for porridge, gravy and boiled vegetables.",
                "Warms milk, cooks grains and reduces sauces without scorching.",
            ],
            sizes: ["1.5 litre": 0.8, "2 litre": 1.0, "3 litre": 1.2],
            materials: ["tri-ply stainless steel": 1.2, "hard-anodised aluminium": 1.0, "copper with a steel lining": 1.8],
            finishes: [],
            features: [
                "a glass lid with a steam vent", "measuring marks inside", "pouring lips", "a riveted stay-cool handle",
                "works on induction", "dishwasher safe",
            ],
            audiences: ["home cooks", "first flats", "families", "beginners in the kitchen"], price: 40),
        Kind(
            "kitchen / cookware", "Wok", keywords: ["stir-fr"],
            uses: [
                "Heats quickly for stir-fries at high temperature.",
                "Tosses noodles and vegetables over fierce heat.",
                "A deep, round pan for stir-frying, steaming and deep-frying.",
            ],
            sizes: ["30 cm": 0.9, "33 cm": 1.0, "36 cm": 1.15],
            materials: ["hand-hammered carbon steel": 1.0, "cast iron": 1.1, "nonstick aluminium": 0.85],
            finishes: [],
            features: [
                "a flat base for electric hobs", "a wooden handle", "a helper handle", "a domed lid",
                "a steaming rack", "pre-seasoned and ready to use",
            ],
            audiences: ["home cooks", "noodle lovers", "families", "outdoor burners"], price: 40),

        // MARK: kitchen / prep tools
        Kind(
            "kitchen / prep tools", "Chef's Knife", keywords: ["knife"],
            uses: [
                "Slices, dices and minces with a sharp, balanced blade.",
                "Chops onions, herbs and carrots cleanly with a rocking cut.",
                "The one blade for most jobs in the kitchen, from garlic to squash.",
            ],
            sizes: ["15 cm": 0.85, "20 cm": 1.0, "23 cm": 1.1],
            materials: ["German stainless steel": 1.0, "Japanese VG-10 steel": 1.5, "Damascus-clad steel": 1.9, "high-carbon steel": 1.1],
            finishes: [],
            features: [
                "a full tang", "a pakkawood handle", "a blade guard", "a bolster for a safe pinch grip",
                "a hand-honed edge", "a gift box",
            ],
            audiences: ["home cooks", "culinary students", "keen cooks", "gift giving"], price: 65),
        Kind(
            "kitchen / prep tools", "Cutting Board", keywords: ["chopping"],
            uses: [
                "A steady chopping surface that is kind to sharp edges.",
                "Gives vegetables, bread and meat a solid place to be cut and served.",
                "A chopping surface that doubles as a serving tray for cheese and bread.",
            ],
            sizes: ["small": 0.7, "medium": 1.0, "large": 1.3],
            materials: ["end-grain walnut": 1.6, "edge-grain maple": 1.2, "bamboo": 0.8, "dishwasher-safe composite": 0.9],
            finishes: [],
            features: [
                "a juice groove", "rubber feet", "handle cut-outs", "a reversible surface",
                "a food-safe oil finish", "a hanging hole",
            ],
            audiences: ["home cooks", "cheese lovers", "hosts", "first homes"], price: 35),
        Kind(
            "kitchen / prep tools", "Kitchen Scale", keywords: ["tare"],
            uses: [
                "Weighs flour, sugar and coffee to the gram.",
                "Measures ingredients for baking by weight for repeatable results.",
                "Weighs portions and ingredients with a tare button for each addition.",
            ],
            sizes: ["5 kg": 0.9, "10 kg": 1.0, "precision 500 g": 1.1],
            materials: ["tempered glass": 1.0, "stainless steel": 1.15, "bamboo": 1.05],
            finishes: ["black", "white", "silver"],
            features: [
                "a tare button", "a backlit display", "a built-in timer", "a unit switch for grams and ounces",
                "auto shut-off", "a removable bowl",
            ],
            audiences: ["bakers", "meal preppers", "home cooks", "pour-over fans"], price: 25),
        Kind(
            "kitchen / prep tools", "Mixing Bowl Set", keywords: ["bowls"],
            uses: [
                "Nested bowls for whisking eggs, tossing salads and proving dough.",
                "Bowls in graduated sizes for mixing batters and marinating.",
                "A nest of bowls for prep, mixing and serving.",
            ],
            sizes: ["three-piece": 0.8, "five-piece": 1.0, "seven-piece": 1.25],
            materials: ["stainless steel": 1.0, "tempered glass": 1.1, "melamine": 0.85],
            finishes: ["white", "sage green", "slate blue", "terracotta", "stainless silver"],
            features: [
                "non-slip bases", "airtight lids", "measurement marks", "pouring spouts", "nesting storage",
            ],
            audiences: ["bakers", "home cooks", "first homes", "wedding gifts"], price: 35),

        // MARK: outdoor / rain gear
        Kind(
            "outdoor / rain gear", "Rain Jacket", keywords: ["jacket"],
            uses: [
                "Seam-sealed and breathable, it keeps you dry through a downpour on the trail.",
                "Packs into its own pocket for sudden showers on a hike.",
                "A storm hood and taped seams keep wind and rain out in the hills.",
            ],
            sizes: ["lightweight": 0.85, "all-season": 1.0, "insulated": 1.3],
            materials: ["three-layer waterproof nylon": 1.3, "recycled polyester with a waterproof membrane": 1.0, "ripstop nylon": 0.85],
            finishes: outdoor,
            features: [
                "pit zips to let heat out on climbs", "adjustable cuffs and hem", "reflective trim",
                "an adjustable storm hood", "two zipped hand pockets", "a packable stuff pocket",
            ],
            audiences: ["hikers", "dog walkers", "commuters", "festival goers"], price: 120),
        Kind(
            "outdoor / rain gear", "Rain Poncho", keywords: ["poncho"],
            uses: [
                "Pulls over you and your backpack to keep both dry in wet weather.",
                "A roomy cover-all that goes on in seconds when the rain starts.",
                "Throws over your head and pack for a dry walk through a shower.",
            ],
            sizes: ["one-size": 1.0, "kids'": 0.7, "long": 1.15],
            materials: ["ripstop nylon": 1.1, "recycled PET": 1.0, "lightweight PVC-free vinyl": 0.7],
            finishes: outdoor,
            features: [
                "snap-closure sides", "a drawcord hood", "a stuff sack", "doubles as a groundsheet", "a peaked brim",
            ],
            audiences: ["festival goers", "theme-park days", "hikers", "cyclists"], price: 25),
        Kind(
            "outdoor / rain gear", "Waterproof Trousers", keywords: ["trousers"], plural: true,
            uses: [
                "Pull over your walking trousers when the sky opens, and stay dry to the ankle.",
                "Keep legs dry on soggy paths and wet bike rides.",
                "Breathable overtrousers for long rainy walks in the hills.",
            ],
            sizes: ["regular-leg": 1.0, "short-leg": 1.0, "long-leg": 1.05],
            materials: ["two-and-a-half-layer nylon": 1.0, "three-layer waterproof nylon": 1.35, "recycled polyester": 0.9],
            finishes: ["black", "navy", "olive", "charcoal"],
            features: [
                "full-length side zips", "an elastic waist", "reinforced ankles", "zipped hand pockets",
                "a pack-away pouch", "reflective hems",
            ],
            audiences: ["hikers", "cyclists", "dog walkers", "fishing trips"], price: 70),
        Kind(
            "outdoor / rain gear", "Travel Umbrella", keywords: ["umbrella", "canopy"],
            uses: [
                "Opens with one button to keep you dry in a city shower.",
                "A windproof canopy that flips back into shape after a gust.",
                "Folds small enough for a bag and opens wide enough for two.",
            ],
            sizes: ["mini": 0.8, "compact": 1.0, "golf-size": 1.3],
            materials: ["fibreglass ribs and a Teflon-coated canopy": 1.1, "steel ribs and polyester": 0.85, "carbon-fibre ribs": 1.5],
            finishes: ["black", "navy", "tartan", "clear", "polka dot"],
            features: [
                "auto open and close", "a vented double canopy", "a rubber grip handle", "a carry sleeve",
                "a UV-blocking coating", "reflective edging",
            ],
            audiences: ["commuters", "travellers", "city walks", "gift giving"], price: 28),

        // MARK: outdoor / camping
        Kind(
            "outdoor / camping", "Backpacking Tent", keywords: ["tent"],
            uses: [
                "Pitches in five minutes and sleeps you under the stars in a storm.",
                "A freestanding shelter for nights in the backcountry.",
                "Light enough to carry for days and strong enough for wind on an exposed ridge.",
            ],
            sizes: ["one-person": 0.8, "two-person": 1.0, "three-person": 1.3],
            materials: ["silicone-coated ripstop nylon": 1.3, "polyester with aluminium poles": 1.0, "Dyneema composite fabric": 2.2],
            finishes: ["forest green", "sand", "orange", "grey"],
            features: [
                "two doors and two porches", "colour-coded poles", "a bathtub floor", "mesh walls for stargazing",
                "a footprint groundsheet", "pre-attached guy lines",
            ],
            audiences: ["backpackers", "bikepackers", "weekend campers", "scouts"], price: 220),
        Kind(
            "outdoor / camping", "Sleeping Bag", keywords: ["sleeping bag", "mummy"],
            uses: [
                "Keeps you warm on nights down to freezing in the backcountry.",
                "A cosy mummy shape that holds body heat on cold nights outdoors.",
                "A warm night's sleep under canvas in spring, summer and autumn.",
            ],
            sizes: ["three-season": 1.0, "summer-weight": 0.75, "winter": 1.5],
            materials: ["water-resistant down": 1.5, "synthetic insulation": 1.0, "recycled synthetic fill": 0.95],
            finishes: ["forest green", "navy", "orange", "red"],
            features: [
                "a draught collar", "a two-way zip", "a compression stuff sack", "a hood with a drawcord",
                "a zipped stash pocket", "a left or right zip",
            ],
            audiences: ["backpackers", "festival goers", "scouts", "weekend campers"], price: 130),
        Kind(
            "outdoor / camping", "Camp Stove", keywords: ["stove"],
            uses: [
                "Boils water for dinner at the campsite in minutes.",
                "Cooks hot meals on the trail, from noodles to porridge.",
                "A steady flame for cooking at the campsite, even in a breeze.",
            ],
            sizes: ["ultralight": 0.8, "single-burner": 1.0, "two-burner": 1.5],
            materials: ["titanium": 1.4, "stainless steel": 1.0, "aluminium": 0.9],
            finishes: [],
            features: [
                "a piezo igniter", "a windshield", "a simmer control", "a folding pot support",
                "a carry case", "runs on standard gas canisters",
            ],
            audiences: ["backpackers", "car campers", "scouts", "emergency kits"], price: 55),
        Kind(
            "outdoor / camping", "Headlamp",
            uses: [
                "Lights the path after dark with a bright, adjustable beam.",
                "Hands-free light for pitching camp, reading or running at night.",
                "A strap-on light that points wherever you look.",
            ],
            sizes: ["200-lumen": 0.7, "400-lumen": 1.0, "900-lumen": 1.5],
            materials: ["a polycarbonate housing": 1.0, "an aluminium housing": 1.3, "a lightweight ABS housing": 0.85],
            finishes: ["black", "orange", "blue", "green"],
            features: [
                "a red night-vision mode", "USB-C charging", "a lock against switching on in a bag",
                "a tilting lamp head", "an IPX4 splash rating", "a battery level indicator",
            ],
            audiences: ["campers", "night runners", "anglers", "emergency kits"], price: 30),
        Kind(
            "outdoor / camping", "Sleeping Pad", keywords: ["r-value"],
            uses: [
                "Cushions you off cold, rocky ground for a good night's sleep outdoors.",
                "Insulates you from the cold earth at camp.",
                "Inflates in a few breaths and packs to the size of a water jug.",
            ],
            sizes: ["regular": 1.0, "long": 1.1, "wide": 1.2],
            materials: ["ripstop nylon with synthetic insulation": 1.0, "self-inflating open-cell foam": 0.9, "closed-cell foam": 0.5],
            finishes: ["orange", "green", "blue", "grey"],
            features: [
                "a pump sack", "an R-value of 4", "a repair kit", "a quiet fabric that does not crinkle",
                "a one-way valve", "a stuff sack",
            ],
            audiences: ["backpackers", "side sleepers", "winter campers", "car campers"], price: 75),

        // MARK: outdoor / hiking
        Kind(
            "outdoor / hiking", "Hiking Backpack", keywords: ["rucksack"],
            uses: [
                "Carries water, layers and lunch comfortably on long day hikes.",
                "Carries a multi-day load close to your back on the trail.",
                "A ventilated back system keeps you cool when carrying gear uphill.",
            ],
            sizes: ["20 litre": 0.8, "30 litre": 1.0, "50 litre": 1.4],
            materials: ["ripstop nylon": 1.0, "recycled polyester": 0.9, "waxed canvas": 1.2],
            finishes: outdoor,
            features: [
                "a hydration sleeve", "a built-in rain cover", "hip-belt pockets", "trekking pole loops",
                "a ventilated mesh back", "an adjustable torso length",
            ],
            audiences: ["day hikers", "trekkers", "travellers", "scouts"], price: 90),
        Kind(
            "outdoor / hiking", "Trekking Poles", plural: true,
            uses: [
                "Take the strain off knees on steep descents.",
                "Give balance on river crossings, scree and muddy paths.",
                "Help you keep a steady rhythm uphill and take weight off your legs.",
            ],
            sizes: ["collapsible": 1.0, "folding": 1.1, "telescopic": 0.95],
            materials: ["aluminium": 1.0, "carbon fibre": 1.6, "7075 alloy": 1.2],
            finishes: ["black", "red", "blue", "green"],
            features: [
                "cork grips", "quick-lock adjustment", "rubber tips for pavements", "snow baskets",
                "padded wrist straps", "tungsten carbide tips",
            ],
            audiences: ["hillwalkers", "older walkers", "trekkers", "thru-hikers"], price: 60),
        Kind(
            "outdoor / hiking", "Water Filter", keywords: ["bacteria", "protozoa"],
            uses: [
                "Makes stream and lake water safe to drink on the trail.",
                "Removes bacteria and protozoa so you can refill from any stream.",
                "Lets you drink straight from a river, safely, on long hikes.",
            ],
            sizes: ["squeeze": 0.8, "straw": 0.6, "gravity 4 litre": 1.4],
            materials: ["a hollow-fibre membrane": 1.0, "a hollow-fibre membrane with activated carbon": 1.25, "a ceramic element": 1.4],
            finishes: [],
            features: [
                "a backflush syringe", "a 0.1-micron pore size", "fits standard bottle threads", "a collapsible pouch",
                "removes bad tastes", "a hanging loop",
            ],
            audiences: ["backpackers", "travellers", "emergency kits", "thru-hikers"], price: 40),
        Kind(
            "outdoor / hiking", "Binoculars", keywords: ["binocular", "magnif"], plural: true,
            uses: [
                "Bring distant birds and wildlife up close with a bright, sharp view.",
                "Bring far-off peaks, ships and deer into clear view.",
                "Sharp magnified views for birding, safaris and stadium seats.",
            ],
            sizes: ["8x25 compact": 0.7, "8x42": 1.0, "10x42": 1.1, "10x50": 1.2],
            materials: ["rubber-armoured polycarbonate": 1.0, "a magnesium alloy body": 1.4, "a lightweight aluminium body": 1.15],
            finishes: ["black", "olive", "camouflage"],
            features: [
                "fog-proof nitrogen filling", "fully multi-coated lenses", "twist-up eyecups", "a neck strap and case",
                "a tripod thread", "a close focus of two metres",
            ],
            audiences: ["birdwatchers", "safari trips", "sports fans", "hillwalkers"], price: 140),

        // MARK: electronics / audio
        Kind(
            "electronics / audio", "Noise-Cancelling Headphones", keywords: ["headphone", "over-ear"], plural: true,
            uses: [
                "Shut out engine drone on flights and trains with active noise cancelling.",
                "Quiet the open-plan office so you can focus with music or nothing at all.",
                "Over-ear cushions and noise cancelling for long listening in peace.",
            ],
            sizes: ["on-ear": 0.8, "over-ear": 1.0, "studio over-ear": 1.3],
            materials: [
                "aluminium and soft protein leather": 1.2, "matte plastic with memory-foam cushions": 0.9, "lightweight composite": 1.0,
            ],
            finishes: tech,
            features: [
                "thirty hours of battery life", "multipoint pairing", "a transparency mode", "a fold-flat hard case",
                "a wired mode for flights", "touch controls",
            ],
            audiences: ["frequent flyers", "open-plan offices", "students", "music lovers"], price: 220),
        Kind(
            "electronics / audio", "Wireless Earbuds", keywords: ["earbud", "in-ear"], plural: true,
            uses: [
                "Tiny buds that stay put during workouts and calls.",
                "Pocketable sound for runs, commutes and calls, with a charging case.",
                "Small buds that sit snugly for music and calls on the go.",
            ],
            sizes: ["compact": 0.9, "sport-fit": 1.0, "studio-tuned": 1.3],
            materials: ["matte polycarbonate": 1.0, "glossy polycarbonate": 1.0, "lightweight plastic": 0.8],
            finishes: tech,
            features: [
                "an IPX5 sweat rating", "a wireless charging case", "ear hooks", "noise cancelling",
                "six sizes of ear tips", "eight hours per charge",
            ],
            audiences: ["runners", "commuters", "gym goers", "students"], price: 90),
        Kind(
            "electronics / audio", "Bluetooth Speaker", keywords: ["speaker"],
            uses: [
                "Fills a room or a garden party with rich sound from your phone.",
                "Plays music loud and clear at the beach, the park or a picnic.",
                "Room-filling sound that streams from any phone.",
            ],
            sizes: ["pocket": 0.6, "portable": 1.0, "party": 1.7],
            materials: ["splash-resistant fabric": 1.0, "rugged rubber": 1.05, "aluminium grille": 1.2],
            finishes: tech,
            features: [
                "twenty hours of playtime", "an IP67 waterproof rating", "stereo pairing with a second unit",
                "a carry strap", "a built-in microphone", "USB-C charging",
            ],
            audiences: ["beach days", "garden parties", "students", "campers"], price: 80),
        Kind(
            "electronics / audio", "Soundbar", keywords: ["dialogue", "tv"],
            uses: [
                "Makes TV dialogue clear without a full surround system.",
                "Sits below the TV and brings cinema sound to the living room.",
                "A slim bar that fills the living room for films and sport.",
            ],
            sizes: ["2.0-channel": 0.7, "3.1-channel": 1.0, "5.1.2-channel": 1.8],
            materials: ["a fabric-wrapped cabinet": 1.0, "a metal grille cabinet": 1.2, "a matte plastic cabinet": 0.85],
            finishes: ["black", "white", "charcoal"],
            features: [
                "a wireless subwoofer", "HDMI eARC", "a night mode", "a voice enhancement mode",
                "wall-mount brackets", "Dolby Atmos",
            ],
            audiences: ["film fans", "sports fans", "small living rooms", "home cinemas"], price: 250),

        // MARK: electronics / computing
        Kind(
            "electronics / computing", "Mechanical Keyboard", keywords: ["keyboard", "keycap", "typing"],
            uses: [
                "Tactile switches make long typing sessions comfortable.",
                "Crisp, tactile keys for long documents and programming.",
                "A solid board with switches you feel on every press.",
            ],
            sizes: ["60 %": 0.85, "tenkeyless": 1.0, "full-size": 1.1],
            materials: [
                "PBT keycaps on a steel plate": 1.0, "an aluminium case with PBT keycaps": 1.4, "ABS keycaps on a plastic case": 0.75,
            ],
            finishes: tech,
            features: [
                "hot-swappable switches", "per-key backlighting", "Bluetooth and USB-C", "a detachable cable",
                "programmable layers", "a wrist rest",
            ],
            audiences: ["programmers", "writers", "gamers", "remote workers"], price: 110),
        Kind(
            "electronics / computing", "Wireless Mouse", keywords: ["mouse", "cursor"],
            uses: [
                "Glides precisely and wakes instantly from sleep.",
                "An ergonomic shape that keeps your wrist relaxed through a long working day.",
                "Tracks on almost any surface and moves the cursor precisely.",
            ],
            sizes: ["travel-size": 0.8, "full-size": 1.0, "vertical": 1.15],
            materials: ["matte plastic": 1.0, "soft-touch rubber": 1.1, "recycled plastic": 0.95],
            finishes: tech,
            features: [
                "silent clicks", "a free-spinning scroll wheel", "a rechargeable battery", "six programmable buttons",
                "a USB receiver that stores inside", "multi-device switching",
            ],
            audiences: ["remote workers", "designers", "students", "travellers"], price: 45),
        Kind(
            "electronics / computing", "USB-C Hub", keywords: ["hub"],
            uses: [
                "Adds HDMI, Ethernet and card readers to a thin laptop through one port.",
                "Turns one USB-C port into a full desk setup with a monitor and wired network.",
                "Plugs into a thin laptop and adds the connectors it left out.",
            ],
            sizes: ["five-port": 0.8, "seven-port": 1.0, "eleven-port": 1.4],
            materials: ["an aluminium shell": 1.0, "a plastic shell": 0.8, "a braided cable and aluminium shell": 1.15],
            finishes: ["space grey", "silver", "black"],
            features: [
                "4K HDMI output", "100 W pass-through charging", "gigabit Ethernet", "SD and microSD readers",
                "a 3.5 mm audio jack", "two USB-A ports",
            ],
            audiences: ["laptop users", "hot-desking", "photographers", "presenters"], price: 50),
        Kind(
            "electronics / computing", "Portable SSD", keywords: ["ssd"],
            uses: [
                "Backs up photos and projects at high speed in a pocket-sized case.",
                "Carries large video files between computers fast.",
                "A rugged, tiny drive for travel photos and backups.",
            ],
            sizes: ["500 GB": 0.7, "1 TB": 1.0, "2 TB": 1.6, "4 TB": 2.7],
            materials: ["an aluminium body": 1.0, "a rubber-armoured shell": 1.1, "a plastic body": 0.9],
            finishes: ["black", "blue", "grey", "orange"],
            features: [
                "1,050 MB/s transfers", "hardware encryption", "drop resistance to two metres", "USB-C and USB-A cables",
                "a five-year warranty", "a carabiner loop",
            ],
            audiences: ["photographers", "video editors", "travellers", "students"], price: 100),
        Kind(
            "electronics / computing", "Laptop Stand", keywords: ["eye level"],
            uses: [
                "Raises your screen to eye level to ease neck strain at the desk.",
                "Lifts a laptop for better posture and cooler running.",
                "Brings the screen up to eye level so you stop hunching.",
            ],
            sizes: ["fixed-height": 0.8, "adjustable": 1.0, "foldable": 0.9],
            materials: ["anodised aluminium": 1.0, "bamboo": 0.85, "steel": 0.9],
            finishes: ["silver", "space grey", "black", "natural"],
            features: [
                "six height settings", "silicone pads", "open airflow underneath", "a carry pouch",
                "cable management", "space beneath for a tablet",
            ],
            audiences: ["remote workers", "hot-desking", "students", "laptop users"], price: 40),

        // MARK: electronics / smart home
        Kind(
            "electronics / smart home", "Smart Plug",
            uses: [
                "Switches lamps and appliances on and off from your phone or by voice.",
                "Puts any appliance on a schedule, so lights come on while you are away.",
                "Turns an ordinary appliance into one you can control from an app.",
            ],
            sizes: ["single": 1.0, "two-pack": 1.8, "four-pack": 3.2],
            materials: ["flame-retardant polycarbonate": 1.0, "a compact plastic housing": 0.9, "a slim polycarbonate housing": 1.05],
            finishes: ["white", "black"],
            features: [
                "energy monitoring", "works with voice assistants", "away mode", "schedules and timers",
                "no bridge needed", "a physical on/off button",
            ],
            audiences: ["renters", "smart home beginners", "holiday homes", "energy savers"], price: 15),
        Kind(
            "electronics / smart home", "Video Doorbell", keywords: ["doorbell"],
            uses: [
                "Shows who is at the door on your phone and lets you talk to them.",
                "Sees visitors and parcel deliveries at the front door, wherever you are.",
                "Records motion at the door and sends an alert to your phone.",
            ],
            sizes: ["battery-powered": 1.0, "hardwired": 0.9, "plug-in": 0.95],
            materials: ["a weatherproof plastic housing": 1.0, "a zinc alloy faceplate": 1.2, "a slim aluminium housing": 1.15],
            finishes: ["black", "satin nickel", "white"],
            features: [
                "1080p HD video", "two-way talk", "night vision", "custom motion zones", "quick replies",
                "local storage",
            ],
            audiences: ["homeowners", "parcel deliveries", "renters", "busy families"], price: 100),
        Kind(
            "electronics / smart home", "Smart Thermostat", keywords: ["thermostat", "heating"],
            uses: [
                "Learns your schedule and turns the heating down when nobody is home.",
                "Controls home heating from your phone and cuts energy bills.",
                "Heats the house only when you need it, by schedule or by app.",
            ],
            sizes: ["standard": 1.0, "multi-zone": 1.5, "compact": 0.85],
            materials: ["a glass and metal display": 1.2, "a plastic housing": 0.9, "a brushed aluminium ring": 1.1],
            finishes: ["white", "black", "stainless silver"],
            features: [
                "geofencing", "energy reports", "works with voice assistants", "hot water control",
                "room sensors", "open-window detection",
            ],
            audiences: ["homeowners", "energy savers", "families", "landlords"], price: 180),
        Kind(
            "electronics / smart home", "Mesh Wi-Fi System", keywords: ["wi-fi", "router"],
            uses: [
                "Blankets the whole house in strong Wi-Fi, with no dead spots upstairs.",
                "Spreads fast Wi-Fi from the router to the garden and the loft.",
                "Carries strong Wi-Fi to every room with units that work as one network.",
            ],
            sizes: ["one-unit": 0.5, "two-unit": 1.0, "three-unit": 1.4],
            materials: ["matte plastic units": 1.0, "compact plastic units": 0.95, "fabric-wrapped units": 1.15],
            finishes: ["white", "black"],
            features: [
                "Wi-Fi 6", "parental controls", "a guest network", "gigabit Ethernet ports",
                "automatic updates", "an easy setup app",
            ],
            audiences: ["large homes", "home offices", "gamers", "families"], price: 200),

        // MARK: clothing / knitwear
        Kind(
            "clothing / knitwear", "Sweater", keywords: ["sweater", "jumper"],
            uses: [
                "A soft, warm layer for chilly autumn evenings.",
                "Breathes and resists odour, so it can be worn for days on a trip.",
                "A warm knit for cold mornings, smart enough for the office.",
            ],
            sizes: ["crew-neck": 1.0, "V-neck": 1.0, "roll-neck": 1.1, "chunky-knit": 1.25],
            materials: ["fine merino wool": 1.2, "pure cashmere": 2.2, "organic cotton": 0.8, "lambswool": 1.0],
            finishes: textile,
            features: [
                "ribbed cuffs and hem", "machine washable on a wool cycle", "a relaxed fit", "a slim fit",
                "elbow patches", "a cable-knit front",
            ],
            audiences: ["office wear", "winter travellers", "gift giving", "layering under a coat"], price: 80),
        Kind(
            "clothing / knitwear", "Beanie", keywords: ["beanie", "ears"],
            uses: [
                "Keeps your ears warm on frosty winter mornings.",
                "A snug hat that keeps the cold off on winter walks.",
                "Pulls down over your ears on a windy day on the hill.",
            ],
            sizes: ["fitted": 1.0, "slouchy": 1.0, "cuffed": 1.05],
            materials: ["merino wool": 1.2, "cashmere": 2.0, "recycled acrylic": 0.7, "wool with a fleece lining": 1.1],
            finishes: textile,
            features: [
                "a fleece lining", "a pom-pom", "a fold-up cuff", "a reflective stripe", "a ribbed knit",
            ],
            audiences: ["winter walks", "skiers", "commuters", "gift giving"], price: 25),
        Kind(
            "clothing / knitwear", "Scarf", keywords: ["scarf"],
            uses: [
                "Wraps around your neck against a cold wind.",
                "A long, soft wrap that keeps the chill out of your collar.",
                "A cosy wrap for cold commutes and frosty football matches.",
            ],
            sizes: ["long": 1.0, "oversized": 1.2, "skinny": 0.8],
            materials: ["pure cashmere": 2.0, "lambswool": 1.0, "organic cotton": 0.8, "alpaca wool": 1.5],
            finishes: textile + ["tartan", "herringbone"],
            features: [
                "fringed ends", "a brushed finish", "a gift box", "a double-sided weave", "hand-finished edges",
            ],
            audiences: ["gift giving", "winter travellers", "commuters", "football fans"], price: 45),
        Kind(
            "clothing / knitwear", "Fleece Pullover", keywords: ["pullover"],
            uses: [
                "A light, warm mid-layer for hikes and cold campsites.",
                "Traps warmth under a waterproof shell on cold days outside.",
                "A cosy layer that dries fast after a damp walk.",
            ],
            sizes: ["lightweight": 0.85, "midweight": 1.0, "heavyweight": 1.2],
            materials: ["recycled polyester fleece": 1.0, "grid fleece": 1.15, "sherpa fleece": 1.1],
            finishes: outdoor,
            features: [
                "a quarter zip", "a kangaroo pocket", "thumb loops", "a chest pocket", "a stand-up collar",
            ],
            audiences: ["hikers", "campers", "school runs", "layering in winter"], price: 50),

        // MARK: clothing / footwear
        Kind(
            "clothing / footwear", "Trail Running Shoes", plural: true,
            uses: [
                "Grippy lugs hold on muddy, rocky paths.",
                "Light, grippy shoes for fast miles on forest trails.",
                "Cushioned for long trail runs and sure-footed on wet roots.",
            ],
            sizes: ["regular-fit": 1.0, "wide-fit": 1.05, "low-drop": 1.05],
            materials: ["breathable mesh": 1.0, "a waterproof membrane": 1.25, "recycled knit uppers": 1.05],
            finishes: ["black", "blue", "orange", "green", "grey"],
            features: [
                "5 mm lugs", "a rock plate", "a gusseted tongue", "quick-lace cords", "removable cushioned insoles",
                "a toe bumper",
            ],
            audiences: ["trail runners", "fell runners", "ultrarunners", "fast hikers"], price: 120),
        Kind(
            "clothing / footwear", "Hiking Boots", keywords: ["hiking boot"], plural: true,
            uses: [
                "Ankle support and a waterproof lining for long days in the mountains.",
                "Sturdy support over rocky ground, and dry feet through bogs.",
                "Stable, waterproof support for multi-day treks with a heavy pack.",
            ],
            sizes: ["mid-cut": 1.0, "high-cut": 1.15, "lightweight": 0.9],
            materials: ["full-grain leather": 1.3, "suede and mesh": 1.0, "synthetic uppers": 0.9],
            finishes: ["brown", "black", "grey", "olive"],
            features: [
                "a waterproof lining", "a Vibram outsole", "a rubber rand", "removable insoles",
                "speed hooks for lacing", "a padded collar",
            ],
            audiences: ["hikers", "hillwalkers", "trekkers", "Duke of Edinburgh groups"], price: 150),
        Kind(
            "clothing / footwear", "Canvas Sneakers", keywords: ["sneaker"], plural: true,
            uses: [
                "Comfortable for walking around the city all day.",
                "Easy everyday shoes that go with jeans, shorts or a summer dress.",
                "Light, casual shoes for errands, travel and weekends.",
            ],
            sizes: ["low-top": 1.0, "high-top": 1.1, "slip-on": 0.95],
            materials: ["organic cotton canvas and natural rubber": 1.1, "vulcanised rubber and canvas": 1.0, "recycled canvas": 1.0],
            finishes: ["white", "black", "navy", "red", "cream"],
            features: [
                "a cushioned footbed", "a padded collar", "metal eyelets", "a washable upper", "a grippy gum sole",
            ],
            audiences: ["city walks", "students", "travellers", "summer holidays"], price: 55),
        Kind(
            "clothing / footwear", "Slippers", keywords: ["slipper"], plural: true,
            uses: [
                "Warm and cosy for padding around the house in winter.",
                "Soft and warm on cold tiles at home.",
                "Keep feet toasty at home on chilly evenings.",
            ],
            sizes: ["mule": 0.9, "moccasin": 1.0, "bootie": 1.15],
            materials: ["boiled wool with a felt sole": 1.0, "sheepskin": 1.6, "memory foam and fleece": 0.8],
            finishes: ["grey", "charcoal", "oatmeal", "navy", "burgundy"],
            features: [
                "a rubber sole for popping outside", "a memory foam footbed", "a washable lining", "a heel counter",
                "a gift box",
            ],
            audiences: ["anyone with cold feet", "gift giving", "older relatives", "winter evenings"], price: 35),

        // MARK: tools / power tools
        Kind(
            "tools / power tools", "Cordless Drill", keywords: ["drill", "bore"],
            uses: [
                "Drives screws and bores holes in wood, metal and masonry.",
                "Drills into brick and plaster to put up shelves and curtain rails.",
                "Drives screws into studs and bores clean holes for fixings.",
            ],
            sizes: ["12 V": 0.75, "18 V": 1.0, "18 V hammer": 1.25],
            materials: ["a glass-filled nylon housing": 1.0, "a metal gearbox": 1.2, "a rubber over-moulded housing": 1.05],
            finishes: [],
            features: [
                "two batteries and a fast charger", "a brushless motor", "an LED work light", "a 13 mm keyless chuck",
                "a belt clip", "a hard carry case",
            ],
            audiences: ["DIY beginners", "home renovators", "contractors", "first homes"], price: 110),
        Kind(
            "tools / power tools", "Impact Driver", keywords: ["impact", "torque"],
            uses: [
                "Drives long screws and lag bolts without stripping them.",
                "High torque for decking screws and stubborn bolts.",
                "Sinks screws into hardwood quickly, with little strain on your wrist.",
            ],
            sizes: ["compact 12 V": 0.8, "18 V": 1.0, "18 V three-speed": 1.2],
            materials: ["a glass-filled nylon housing": 1.0, "an aluminium gear housing": 1.2, "a rubber over-moulded housing": 1.05],
            finishes: [],
            features: [
                "a brushless motor", "three speed modes", "an LED work light", "a quick-change hex collet",
                "two batteries", "a belt hook",
            ],
            audiences: ["deck builders", "contractors", "home renovators", "woodworkers"], price: 130),
        Kind(
            "tools / power tools", "Circular Saw", keywords: ["saw", "rip cut"],
            uses: [
                "Cuts sheet goods and planks in straight lines for building projects.",
                "Cross-cuts planks and rips plywood fast and square.",
                "Cuts beams and decking for sheds and frames.",
            ],
            sizes: ["165 mm": 1.0, "190 mm": 1.15, "mini 85 mm": 0.7],
            materials: ["a die-cast aluminium base": 1.1, "a magnesium base": 1.3, "a steel base": 0.9],
            finishes: [],
            features: [
                "a laser guide", "a dust port", "bevel cuts to 50°", "an electric brake", "a rip fence",
                "a carbide blade",
            ],
            audiences: ["woodworkers", "home renovators", "contractors", "shed builders"], price: 120),
        Kind(
            "tools / power tools", "Orbital Sander", keywords: ["sanding", "grit"],
            uses: [
                "Smooths furniture before painting or staining.",
                "Takes old paint and rough spots off doors and tables.",
                "A swirl-free finish on wood, ready for oil or varnish.",
            ],
            sizes: ["palm": 0.8, "125 mm": 1.0, "150 mm": 1.2],
            materials: ["a soft-grip plastic housing": 1.0, "a rubber over-moulded housing": 1.1, "an aluminium base": 1.2],
            finishes: [],
            features: [
                "variable speed", "a dust bag", "hook-and-loop pads", "a vacuum adapter",
                "low vibration", "twenty sanding discs",
            ],
            audiences: ["furniture upcyclers", "woodworkers", "DIY beginners", "home renovators"], price: 70),
        Kind(
            "tools / power tools", "Angle Grinder", keywords: ["grinding disc", "cut-off"],
            uses: [
                "Cuts metal bars, bolts and tiles with an abrasive disc.",
                "Removes rust and weld spatter from steel.",
                "Cuts through rebar, pipe and paving slabs.",
            ],
            sizes: ["115 mm": 0.9, "125 mm": 1.0, "230 mm": 1.4],
            materials: ["a metal gear head": 1.0, "a slim plastic body": 0.9, "a glass-filled nylon body": 1.05],
            finishes: [],
            features: [
                "a side handle", "a disc guard", "a spindle lock", "a soft start", "a paddle switch",
                "five cutting discs",
            ],
            audiences: ["metalworkers", "builders", "landscapers", "workshop owners"], price: 80),

        // MARK: tools / hand tools
        Kind(
            "tools / hand tools", "Socket Set", keywords: ["ratchet", "socket"],
            uses: [
                "Everything needed for bike and car repairs in one case.",
                "Tightens and loosens nuts and bolts on cars, bikes and machines.",
                "A ratchet and sockets for every nut on the car.",
            ],
            sizes: ["40-piece": 0.7, "94-piece": 1.0, "150-piece": 1.4],
            materials: ["chrome vanadium steel": 1.0, "chrome molybdenum steel": 1.3, "drop-forged steel": 1.1],
            finishes: [],
            features: [
                "a 72-tooth ratchet", "metric and imperial sizes", "a blow-moulded case", "extension bars",
                "a lifetime warranty", "spark plug sockets",
            ],
            audiences: ["mechanics", "motorbike owners", "first cars", "handy people"], price: 60),
        Kind(
            "tools / hand tools", "Claw Hammer", keywords: ["nail"],
            uses: [
                "Drives nails and pulls them out cleanly.",
                "Knocks in nails for frames and fences, and levers them out when needed.",
                "A balanced hammer for nails, picture hooks and demolition.",
            ],
            sizes: ["16 oz": 1.0, "20 oz": 1.1, "12 oz": 0.9],
            materials: ["a hickory handle and forged head": 1.0, "a one-piece steel body": 1.2, "a fibreglass handle": 0.9],
            finishes: [],
            features: [
                "an anti-vibration grip", "a magnetic nail starter", "a rip claw", "a milled face",
                "a lifetime warranty",
            ],
            audiences: ["first homes", "carpenters", "renters", "handy people"], price: 25),
        Kind(
            "tools / hand tools", "Screwdriver Set", keywords: ["screwdriver", "bits"],
            uses: [
                "Fits the screws in furniture, electronics and appliances.",
                "Flat, Phillips and Torx tips for every screw in the house.",
                "Tightens loose hinges, handles and battery covers.",
            ],
            sizes: ["6-piece": 0.7, "12-piece": 1.0, "precision 32-piece": 1.1],
            materials: ["hardened steel with rubber grips": 1.0, "S2 steel with cushion grips": 1.2, "chrome vanadium steel": 1.05],
            finishes: [],
            features: [
                "magnetic tips", "a storage rack", "insulated shafts", "precision sizes", "a lifetime warranty",
            ],
            audiences: ["first homes", "electronics repairs", "renters", "handy people"], price: 25),
        Kind(
            "tools / hand tools", "Tape Measure",
            uses: [
                "Measures rooms, boards and windows accurately for home improvement.",
                "Checks a wall or a window before you buy furniture or blinds.",
                "Locks in place so you can measure long runs alone.",
            ],
            sizes: ["3 m": 0.7, "5 m": 1.0, "8 m": 1.3],
            materials: [
                "a nylon-coated steel blade in an ABS case": 1.0, "a steel blade in a rubber case": 1.1,
                "a steel blade in a chrome case": 1.2,
            ],
            finishes: [],
            features: [
                "a belt clip", "a magnetic hook", "a thumb lock", "metric and imperial markings", "a wide stand-out blade",
            ],
            audiences: ["first homes", "decorators", "carpenters", "handy people"], price: 12),

        // MARK: toys / building and games
        Kind(
            "toys / building and games", "Building Blocks Set", keywords: ["blocks", "bricks"],
            uses: [
                "Hours of creative building for young imaginations.",
                "Builds cars, castles and spaceships, then comes apart for the next idea.",
                "Clicks together into anything a child can dream up.",
            ],
            sizes: ["100-piece": 0.6, "500-piece": 1.0, "1,200-piece": 1.7],
            materials: ["non-toxic ABS plastic": 1.0, "sustainably sourced beech wood": 1.3, "plant-based plastic": 1.1],
            finishes: ["rainbow", "primary-coloured", "pastel"],
            features: [
                "compatible with major brands", "a storage tub", "an idea booklet", "a baseplate", "extra-large pieces for toddlers",
            ],
            audiences: ["children aged 4 and up", "families", "birthday presents", "budding engineers"], price: 35),
        Kind(
            "toys / building and games", "Wooden Train Set", keywords: ["railway"],
            uses: [
                "Track, bridges and engines for a railway across the playroom floor.",
                "Lets little ones build a railway and push the trains around it.",
                "Wooden track and engines for imaginative play.",
            ],
            sizes: ["30-piece": 0.7, "60-piece": 1.0, "100-piece": 1.5],
            materials: ["beech wood": 1.0, "FSC-certified birch": 1.1, "rubberwood": 0.9],
            finishes: ["painted", "natural", "pastel"],
            features: [
                "magnetic carriages", "a bridge and tunnel", "a battery engine", "a storage box", "water-based paints",
            ],
            audiences: ["toddlers", "children aged 3 and up", "grandparents' houses", "birthday presents"], price: 45),
        Kind(
            "toys / building and games", "Jigsaw Puzzle", keywords: ["puzzle"],
            uses: [
                "A thousand pieces to put together on a rainy weekend.",
                "A relaxing puzzle for a quiet evening at the kitchen table.",
                "Absorbing fun with satisfying, snug-fitting pieces.",
            ],
            sizes: ["500-piece": 0.8, "1,000-piece": 1.0, "2,000-piece": 1.4],
            materials: ["thick recycled cardboard": 1.0, "linen-finish board": 1.1, "laser-cut wood": 2.0],
            finishes: ["landscape", "map-themed", "wildlife", "art print"],
            features: [
                "a poster of the picture", "a sorting tray", "a resealable bag", "irregular pieces", "a matte finish",
            ],
            audiences: ["puzzle fans", "families", "rainy days", "retirees"], price: 20),
        Kind(
            "toys / building and games", "Board Game", keywords: ["players"],
            uses: [
                "A family game night favourite for two to six players.",
                "Quick to learn, with enough strategy to keep adults hooked.",
                "Laughs and friendly rivalry in under an hour.",
            ],
            sizes: ["two-player": 0.8, "family": 1.0, "party-size": 1.2],
            madeOf: "made with",
            materials: [
                "wooden pieces and a linen-finish board": 1.1, "recycled cardboard tiles": 1.0, "metal coins and thick cards": 1.3,
            ],
            finishes: ["pirate-themed", "space-themed", "wildlife-themed", "mystery-themed"],
            features: [
                "quick-start rules", "a storage insert", "an expansion pack", "a solo mode", "ages 8 and up",
            ],
            audiences: ["family game nights", "friends", "birthday presents", "holiday evenings"], price: 35),
        Kind(
            "toys / building and games", "Remote Control Car", keywords: ["race"],
            uses: [
                "Races across the floor and the garden path at high speed.",
                "Zooms over grass and gravel with chunky off-road tyres.",
                "Drives, drifts and jumps with a simple two-stick controller.",
            ],
            sizes: ["1:24 scale": 0.7, "1:16 scale": 1.0, "1:10 scale": 1.6],
            materials: ["a shock-resistant plastic body": 1.0, "an aluminium chassis": 1.4, "a rubber-bumpered body": 1.1],
            finishes: bright,
            features: [
                "a rechargeable battery", "four-wheel drive", "two speed modes", "LED headlights", "a spare battery",
            ],
            audiences: ["children aged 8 and up", "birthday presents", "hobby racers", "garden play"], price: 50),

        // MARK: garden / plants and care
        Kind(
            "garden / plants and care", "Garden Hose", keywords: ["hose", "kink"],
            uses: [
                "Waters flower beds and vegetables without kinks.",
                "Reaches the far end of the garden to water lawns and pots.",
                "Carries water from the outside tap to beds, pots and the car.",
            ],
            sizes: ["15 m": 0.8, "30 m": 1.0, "50 m": 1.4],
            materials: ["reinforced PVC": 1.0, "natural rubber": 1.4, "expandable latex in a fabric sleeve": 0.9],
            finishes: ["green", "grey", "orange", "black"],
            features: [
                "a seven-pattern spray gun", "brass fittings", "a wall-mounted reel", "UV resistance",
                "a shut-off valve", "expands to three times its length",
            ],
            audiences: ["gardeners", "allotment holders", "car washing", "new homes"], price: 35),
        Kind(
            "garden / plants and care", "Pruning Shears", keywords: ["prun", "shears"], plural: true,
            uses: [
                "Trim roses and shrubs with clean cuts.",
                "Snip stems and branches up to 2 cm thick.",
                "Deadhead flowers and shape hedges without crushing stems.",
            ],
            sizes: ["compact": 0.9, "standard": 1.0, "heavy-duty": 1.3],
            materials: ["carbon steel blades": 1.0, "Japanese steel blades": 1.4, "stainless steel blades": 1.1],
            finishes: [],
            features: [
                "a safety lock", "a rotating handle", "a sap groove", "a holster", "replaceable blades", "a left-handed option",
            ],
            audiences: ["gardeners", "rose growers", "allotment holders", "orchard keepers"], price: 25),
        Kind(
            "garden / plants and care", "Raised Planter", keywords: ["planter"],
            uses: [
                "Grows herbs and tomatoes on a patio or balcony.",
                "A waist-high bed for vegetables with no bending.",
                "Grows salads and herbs where there is no garden soil.",
            ],
            sizes: ["60 cm": 0.7, "120 cm": 1.0, "180 cm": 1.4],
            materials: ["cedar wood": 1.2, "galvanised steel": 1.0, "recycled plastic": 0.85],
            finishes: [],
            features: [
                "drainage holes", "a liner", "a lower storage shelf", "legs with levellers", "a self-watering reservoir",
            ],
            audiences: ["balcony growers", "gardeners with bad backs", "beginners", "small patios"], price: 90),
        Kind(
            "garden / plants and care", "Watering Can", keywords: ["rose head"],
            uses: [
                "A gentle shower for seedlings and pots.",
                "Waters houseplants without a splash on the furniture.",
                "Carries water to pots, baskets and seed trays.",
            ],
            sizes: ["1 litre": 0.6, "5 litre": 1.0, "10 litre": 1.3],
            materials: ["galvanised steel": 1.3, "recycled plastic": 0.8, "powder-coated steel": 1.1],
            finishes: ["green", "grey", "terracotta", "cream"],
            features: [
                "a brass rose head", "a long spout", "a balanced handle", "a detachable rose", "a fill-level window",
            ],
            audiences: ["houseplant lovers", "gardeners", "children gardening", "greenhouses"], price: 20),
        Kind(
            "garden / plants and care", "Compost Bin", keywords: ["compost", "scraps"],
            uses: [
                "Turns kitchen scraps and garden waste into rich soil.",
                "Rots down leaves and food waste into compost for the beds.",
                "Makes compost from kitchen waste and grass cuttings.",
            ],
            sizes: ["220 litre": 0.8, "330 litre": 1.0, "rotating 160 litre": 1.3],
            materials: ["recycled plastic": 1.0, "timber slats": 1.2, "galvanised steel": 1.1],
            finishes: [],
            features: [
                "a hatch at the bottom", "a lockable lid", "air vents", "a rotating drum", "a kitchen caddy",
            ],
            audiences: ["gardeners", "allotment holders", "zero-waste households", "families"], price: 55),

        // MARK: garden / outdoor living
        Kind(
            "garden / outdoor living", "Hammock", keywords: ["hammock"],
            uses: [
                "Strings between two trees for a lazy afternoon in the shade.",
                "A relaxing place to swing and read on summer afternoons.",
                "Hangs in the garden or at the campsite for an afternoon nap.",
            ],
            sizes: ["single": 0.8, "double": 1.0, "family-size": 1.3],
            materials: ["cotton rope": 1.0, "parachute nylon": 0.8, "quilted polyester": 1.1],
            finishes: ["striped", "sand", "forest green", "terracotta"],
            features: [
                "tree straps", "a steel stand", "a spreader bar", "a matching cushion", "a stuff sack",
            ],
            audiences: ["summer gardens", "campers", "readers", "holiday homes"], price: 60),
        Kind(
            "garden / outdoor living", "Fire Pit", keywords: ["fire"],
            uses: [
                "Logs crackle in it on cool evenings in the garden.",
                "Gathers everyone around real flames after dark.",
                "A log-burning centrepiece for autumn evenings on the patio.",
            ],
            sizes: ["60 cm": 0.8, "80 cm": 1.0, "100 cm": 1.3],
            materials: ["corten steel": 1.3, "cast iron": 1.1, "black powder-coated steel": 1.0],
            finishes: [],
            features: [
                "a spark guard", "a grill grate", "a poker", "a rain cover", "a log rack",
            ],
            audiences: ["garden parties", "autumn evenings", "patio hosts", "holiday lets"], price: 120),
        Kind(
            "garden / outdoor living", "Outdoor String Lights", keywords: ["bulbs", "string lights"], plural: true,
            uses: [
                "Warm bulbs that turn a patio into a place to linger after dark.",
                "Festoon bulbs for garden parties and summer evenings.",
                "Hang along a fence or pergola for a soft evening glow.",
            ],
            sizes: ["10 m": 0.8, "15 m": 1.0, "25 m": 1.4],
            materials: ["shatterproof plastic bulbs": 1.0, "glass bulbs": 1.2, "LED filament bulbs": 1.15],
            finishes: ["warm white", "multicolour", "amber"],
            features: [
                "a solar panel", "a remote control", "a timer", "weatherproof IP65 fittings", "spare bulbs", "connectable ends",
            ],
            audiences: ["garden parties", "balconies", "weddings", "patio hosts"], price: 35),
        Kind(
            "garden / outdoor living", "Bird Feeder", keywords: ["finches"],
            uses: [
                "Brings finches and tits to the garden all year.",
                "Keeps wild birds fed through the winter, where you can watch them.",
                "Hangs from a branch and fills the garden with birdsong.",
            ],
            sizes: ["two-port": 0.8, "four-port": 1.0, "six-port": 1.3],
            materials: ["powder-coated steel": 1.1, "recycled plastic": 0.9, "cedar wood": 1.2],
            finishes: ["green", "grey", "natural"],
            features: [
                "a squirrel guard", "a removable base for cleaning", "a hanging hook", "a window mount",
                "a seed tray",
            ],
            audiences: ["birdwatchers", "families", "gift giving", "wildlife gardens"], price: 25),

        // MARK: sports / fitness
        Kind(
            "sports / fitness", "Yoga Mat", keywords: ["yoga"],
            uses: [
                "Cushions and grips for yoga and stretching at home.",
                "A grippy surface that stays put through sun salutations.",
                "Gives joints a soft, stable base for floor exercises.",
            ],
            sizes: ["4 mm": 0.9, "6 mm": 1.0, "extra-long 8 mm": 1.25],
            materials: ["natural rubber": 1.3, "TPE foam": 1.0, "cork and rubber": 1.4, "PVC-free foam": 0.85],
            finishes: ["purple", "teal", "charcoal", "sand", "sage"],
            features: [
                "a non-slip texture", "alignment lines", "a carry strap", "an antimicrobial finish", "a travel-weight fold",
            ],
            audiences: ["yoga classes", "home workouts", "pilates fans", "beginners"], price: 40),
        Kind(
            "sports / fitness", "Adjustable Dumbbells", keywords: ["dumbbell", "weights"], plural: true,
            uses: [
                "Replace a rack of weights for strength training in a small space.",
                "Dial in the weight you need for curls, presses and rows.",
                "Strength training at home from light to heavy in one pair.",
            ],
            sizes: ["2–10 kg": 0.7, "2–24 kg": 1.0, "2–40 kg": 1.6],
            materials: ["cast iron plates with steel handles": 1.0, "rubber-coated plates": 1.15, "steel plates in a plastic shell": 0.9],
            finishes: [],
            features: [
                "a quick-change dial", "a storage tray", "knurled grips", "a workout app", "a compact stand",
            ],
            audiences: ["home workouts", "spare rooms", "strength beginners", "garage gyms"], price: 180),
        Kind(
            "sports / fitness", "Resistance Bands", plural: true,
            uses: [
                "Add resistance to squats and rows anywhere you travel.",
                "Warm up, rehabilitate and strengthen with gentle, steady tension.",
                "A whole-body workout that fits in a pocket.",
            ],
            sizes: ["three-band": 0.7, "five-band": 1.0, "eleven-piece": 1.4],
            materials: ["natural latex": 1.0, "latex-free TPE": 1.1, "fabric-covered elastic": 1.2],
            finishes: [],
            features: [
                "a door anchor", "ankle straps", "cushioned handles", "an exercise guide", "a mesh bag",
            ],
            audiences: ["physiotherapy", "travellers", "home workouts", "runners"], price: 20),
        Kind(
            "sports / fitness", "Jump Rope", keywords: ["skip"],
            uses: [
                "Fast cardio anywhere, from the garage to a hotel room.",
                "Builds stamina and footwork in ten-minute sessions.",
                "Quick, spinning rope work for boxers and crossfitters.",
            ],
            sizes: ["adjustable": 1.0, "speed": 1.1, "weighted": 1.3],
            materials: ["a coated steel cable": 1.0, "PVC": 0.7, "beaded plastic": 0.9],
            finishes: bright,
            features: [
                "ball-bearing handles", "a digital counter", "foam grips", "a spare cable", "a carry pouch",
            ],
            audiences: ["boxers", "home workouts", "kids' play", "travellers"], price: 15),
        Kind(
            "sports / fitness", "Foam Roller", keywords: ["roller", "muscle"],
            uses: [
                "Eases sore muscles after a run or a workout.",
                "Works knots out of calves, thighs and back.",
                "Helps tight muscles recover between training days.",
            ],
            sizes: ["30 cm": 0.8, "45 cm": 1.0, "90 cm": 1.3],
            materials: ["EVA foam": 1.0, "high-density EPP foam": 1.1, "a hollow core with textured foam": 1.2],
            finishes: ["black", "blue", "orange", "pink"],
            features: [
                "a ridged surface", "a vibrating motor", "an exercise guide", "a carry strap", "a firm density",
            ],
            audiences: ["runners", "physiotherapy", "gym goers", "cyclists"], price: 25),

        // MARK: sports / cycling
        Kind(
            "sports / cycling", "Bike Helmet", keywords: ["helmet"],
            uses: [
                "Protects your head on the daily ride to work.",
                "Certified protection for road rides and trail days.",
                "A light, ventilated shell that guards your head on every ride.",
            ],
            sizes: ["small": 1.0, "medium": 1.0, "large": 1.0, "kids'": 0.7],
            materials: ["in-mould polycarbonate and EPS foam": 1.0, "an EPS shell with MIPS liner": 1.4, "a hard ABS shell": 0.85],
            finishes: ["matte black", "white", "fluoro yellow", "blue", "red"],
            features: [
                "an adjustable fit dial", "a rear LED light", "a visor", "eighteen air vents", "a magnetic buckle",
            ],
            audiences: ["bike commuters", "road cyclists", "mountain bikers", "kids learning to ride"], price: 60),
        Kind(
            "sports / cycling", "Bike Light Set", keywords: ["visible"],
            uses: [
                "Makes you visible to traffic on dark evening rides.",
                "A front and rear pair for safe riding after sunset.",
                "Lights the road ahead and shows cars where you are.",
            ],
            sizes: ["400-lumen": 0.8, "800-lumen": 1.0, "1,500-lumen": 1.5],
            materials: ["an aluminium housing": 1.2, "a silicone housing": 0.9, "a polycarbonate housing": 1.0],
            finishes: [],
            features: [
                "USB rechargeable", "a daytime flash mode", "a quick-release mount", "a brake-sensing rear",
                "a battery indicator", "a side visibility cut-out",
            ],
            audiences: ["bike commuters", "winter riders", "students", "city riders"], price: 35),
        Kind(
            "sports / cycling", "Bike Lock", keywords: ["thieves"],
            uses: [
                "Keeps a bicycle safe from thieves outside the shop.",
                "Secures your bike to a rack or railing in town.",
                "A tough lock that deters bike thieves in the city.",
            ],
            sizes: ["mini U": 0.9, "standard U": 1.0, "1.2 m chain": 1.4, "folding": 1.2],
            materials: ["hardened steel": 1.0, "boron alloy steel": 1.4, "steel links in a fabric sleeve": 1.1],
            finishes: [],
            features: [
                "three keys", "a frame mount", "a Sold Secure Gold rating", "a combination dial", "a weatherproof cover",
            ],
            audiences: ["bike commuters", "students", "city riders", "e-bike owners"], price: 45),
        Kind(
            "sports / cycling", "Saddle Bag", keywords: ["saddle"],
            uses: [
                "Carries a spare tube and tools under the seat.",
                "Keeps repair kit, keys and a snack tucked under your saddle.",
                "A small pack under the seat for punctures on the road.",
            ],
            sizes: ["0.5 litre": 0.8, "1 litre": 1.0, "bikepacking 10 litre": 2.2],
            materials: ["weatherproof nylon": 1.0, "waxed canvas": 1.3, "TPU-coated fabric": 1.2],
            finishes: ["black", "grey", "olive"],
            features: [
                "a quick-release clip", "a reflective strip", "a rear light loop", "a roll-top closure", "an inner pocket",
            ],
            audiences: ["road cyclists", "bike commuters", "bikepackers", "mountain bikers"], price: 25),

        // MARK: office / supplies
        Kind(
            "office / supplies", "Notebook", keywords: ["pages"],
            uses: [
                "Dot-grid pages for planning, journaling and sketching.",
                "Smooth pages for meeting notes and journaling.",
                "A notebook that lies flat for notes and sketches.",
            ],
            sizes: ["A6 pocket": 0.7, "A5": 1.0, "A4": 1.25],
            materials: [
                "acid-free paper with a linen cover": 1.0, "recycled paper with a kraft cover": 0.8,
                "100 gsm paper in a leather cover": 1.6,
            ],
            finishes: ["navy", "black", "sage", "terracotta", "mustard"],
            features: [
                "lay-flat binding", "numbered pages", "a ribbon marker", "an elastic closure", "a back pocket",
            ],
            audiences: ["students", "writers", "planners", "artists"], price: 15),
        Kind(
            "office / supplies", "Fountain Pen", keywords: ["nib", "ink"],
            uses: [
                "Writes smoothly for letters, journals and notes.",
                "A steel nib that glides across the page for everyday writing.",
                "Makes handwriting a pleasure for letters and signatures.",
            ],
            sizes: ["fine-nib": 1.0, "medium-nib": 1.0, "broad-nib": 1.0],
            materials: ["brass and resin": 1.2, "lacquered aluminium": 1.0, "acrylic": 0.8],
            finishes: ["black", "navy", "burgundy", "green marble"],
            features: [
                "a converter and cartridges", "a gift box", "a gold-plated nib", "a screw cap", "a pocket clip",
            ],
            audiences: ["writers", "students", "gift giving", "calligraphy beginners"], price: 45),
        Kind(
            "office / supplies", "Desk Organiser",
            uses: [
                "Keeps pens, cables and papers tidy on the desk.",
                "Gives stationery, notes and a phone a tidy home.",
                "Clears clutter off the desk into neat compartments.",
            ],
            sizes: ["three-compartment": 0.8, "five-compartment": 1.0, "tiered": 1.3],
            materials: ["bamboo": 1.0, "powder-coated steel mesh": 0.85, "walnut": 1.5, "felt": 0.9],
            finishes: [],
            features: [
                "a phone slot", "a drawer", "cable holes", "a letter tray", "non-slip feet",
            ],
            audiences: ["home offices", "students", "teachers", "reception desks"], price: 25),
        Kind(
            "office / supplies", "Desk Lamp", keywords: ["glare"],
            uses: [
                "Gives glare-free light for reading and late-night work.",
                "Lights your desk evenly for paperwork and drawing.",
                "Bright, even task light with an arm that bends where you need it.",
            ],
            sizes: ["clip-on": 0.8, "standard": 1.0, "architect": 1.3],
            materials: ["aluminium": 1.1, "steel": 1.0, "plastic": 0.8],
            finishes: ["black", "white", "brass", "sage green"],
            features: [
                "adjustable colour temperature", "a dimmer", "a USB charging port", "a swing arm", "a touch switch",
                "a timer",
            ],
            audiences: ["students", "home offices", "artists", "readers"], price: 40),

        // MARK: office / furniture
        Kind(
            "office / furniture", "Office Chair", keywords: ["chair"],
            uses: [
                "Supports your back through long working days.",
                "Lumbar support and adjustable arms for long hours of desk work.",
                "A supportive seat that eases back strain at the desk.",
            ],
            sizes: ["task": 0.8, "mid-back": 1.0, "high-back": 1.3],
            materials: ["breathable mesh and aluminium": 1.2, "fabric and steel": 1.0, "bonded leather": 1.1],
            finishes: ["black", "grey", "navy"],
            features: [
                "adjustable lumbar support", "4D armrests", "a headrest", "a seat slide", "a tilt lock",
                "quiet castors",
            ],
            audiences: ["home offices", "gamers", "programmers", "tall people"], price: 220),
        Kind(
            "office / furniture", "Standing Desk", keywords: ["standing", "sit-stand"],
            uses: [
                "Rises at the touch of a button so you can switch between sitting and standing.",
                "Lets you stand for part of the working day, with a quiet electric lift.",
                "A sit-stand desk that moves from seated to standing height in seconds.",
            ],
            sizes: ["120 cm": 0.85, "140 cm": 1.0, "180 cm": 1.3],
            materials: [
                "a bamboo top on a steel frame": 1.1, "a laminate top on a steel frame": 0.9, "a solid oak top on a steel frame": 1.5,
            ],
            finishes: ["white", "black", "natural oak", "walnut"],
            features: [
                "dual motors", "four memory presets", "anti-collision sensors", "a cable tray", "a USB charging port",
            ],
            audiences: ["home offices", "remote workers", "programmers", "tall people"], price: 380),
        Kind(
            "office / furniture", "Monitor Arm", keywords: ["vesa", "gas spring"],
            uses: [
                "Lifts a screen off the desk and moves it wherever it suits you.",
                "Holds a monitor at the right height and frees up desk space.",
                "Swings and tilts a screen into place with gas-spring support.",
            ],
            sizes: ["single": 1.0, "dual": 1.6, "heavy-duty single": 1.3],
            materials: ["aluminium": 1.1, "steel": 1.0, "steel and plastic": 0.85],
            finishes: ["black", "white", "silver"],
            features: [
                "a gas spring", "a desk clamp and grommet mount", "cable channels", "a quick-release VESA plate",
                "360° rotation",
            ],
            audiences: ["home offices", "programmers", "gamers", "trading desks"], price: 80),
        Kind(
            "office / furniture", "Bookcase", keywords: ["books"],
            uses: [
                "Holds books, files and plants with room to grow.",
                "Open shelves for a home library or office files.",
                "Tall, sturdy shelves for books and display pieces.",
            ],
            sizes: ["three-shelf": 0.7, "five-shelf": 1.0, "wide five-shelf": 1.4],
            materials: ["solid pine": 1.0, "oak veneer": 1.3, "white laminate": 0.8, "walnut veneer": 1.5],
            finishes: [],
            features: [
                "adjustable shelves", "a wall anchor kit", "doors on the bottom shelf", "levelling feet", "a back panel",
            ],
            audiences: ["home offices", "readers", "first homes", "children's rooms"], price: 120),

        // MARK: beauty / skin care
        Kind(
            "beauty / skin care", "Moisturiser", keywords: ["moistur"],
            uses: [
                "Hydrates dry skin through cold, windy winters.",
                "Light daily hydration that sinks in fast under makeup.",
                "Restores moisture to tight, dry skin overnight.",
            ],
            sizes: ["30 ml": 0.7, "50 ml": 1.0, "100 ml": 1.5],
            madeOf: "made with", materials: ["shea butter and ceramides": 1.0, "hyaluronic acid": 1.1, "squalane and niacinamide": 1.2],
            finishes: scent,
            features: [
                "dermatologist testing", "a non-greasy finish", "a recyclable jar", "vegan ingredients", "SPF 15",
            ],
            audiences: ["dry skin", "sensitive skin", "everyday use", "winter skin"], price: 22),
        Kind(
            "beauty / skin care", "Sunscreen", keywords: ["sunburn", "uva"],
            uses: [
                "Protects skin from sunburn at the beach and on the slopes.",
                "Broad-spectrum protection for days outdoors in strong sun.",
                "Shields skin from UVA and UVB by the pool and on the water.",
            ],
            sizes: ["50 ml": 0.7, "100 ml": 1.0, "200 ml": 1.5],
            madeOf: "made with", materials: ["mineral zinc oxide": 1.1, "chemical filters": 0.9, "zinc oxide and titanium dioxide": 1.0],
            finishes: ["unscented", "coconut-scented", "lightly fragranced"],
            features: [
                "SPF 50", "four-hour water resistance", "a reef-safe formula", "a non-white finish", "a travel-size bottle",
            ],
            audiences: ["beach days", "skiers", "outdoor workers", "kids"], price: 16),
        Kind(
            "beauty / skin care", "Facial Cleanser",
            uses: [
                "Washes away makeup and grime without stripping the skin.",
                "A gentle daily wash that leaves skin clean and soft.",
                "Clears the day's grime and pollution from the skin.",
            ],
            sizes: ["100 ml": 0.7, "150 ml": 1.0, "250 ml": 1.3],
            madeOf: "made with", materials: ["aloe vera and glycerin": 1.0, "salicylic acid": 1.1, "oat extract": 1.0],
            finishes: scent,
            features: [
                "a pump bottle", "a pH-balanced formula", "no sulphates", "vegan ingredients", "a foaming texture",
            ],
            audiences: ["sensitive skin", "oily skin", "everyday use", "teens"], price: 14),
        Kind(
            "beauty / skin care", "Lip Balm", keywords: ["chapped"],
            uses: [
                "Soothes chapped lips in cold wind.",
                "Keeps lips soft and protected through winter.",
                "Heals cracked, dry lips overnight.",
            ],
            sizes: ["single-stick": 0.6, "twin-pack": 1.0, "four-pack": 1.6],
            madeOf: "made with", materials: ["beeswax and plant oils": 1.0, "shea butter": 1.0, "candelilla wax": 1.1],
            finishes: ["mint-flavoured", "unflavoured", "cherry-flavoured", "vanilla-flavoured"],
            features: [
                "SPF 15", "a tinted finish", "vegan ingredients", "a recyclable tube", "a tin pot",
            ],
            audiences: ["skiers", "winter walks", "everyday use", "stocking fillers"], price: 6),
        Kind(
            "beauty / skin care", "Hand Cream", keywords: ["cracked hands"],
            uses: [
                "Soothes cracked, sore hands.",
                "Softens hands dried out by washing and cold weather.",
                "A rich balm for working hands that sinks in fast.",
            ],
            sizes: ["30 ml": 0.7, "75 ml": 1.0, "150 ml": 1.4],
            madeOf: "made with", materials: ["shea butter and glycerin": 1.0, "urea and lanolin": 1.1, "almond oil": 1.05],
            finishes: scent,
            features: [
                "a non-greasy finish", "a travel-size tube", "fragrance-free options", "vegan ingredients", "a gift set",
            ],
            audiences: ["gardeners", "nurses", "winter skin", "gift giving"], price: 12),

        // MARK: home / bedding
        Kind(
            "home / bedding", "Duvet", keywords: ["duvet"],
            uses: [
                "Keeps you warm without overheating on winter nights.",
                "A light, airy cover for comfortable sleep all year.",
                "Fluffy warmth that settles over you on cold nights.",
            ],
            sizes: ["single": 0.7, "double": 1.0, "king-size": 1.25, "super-king": 1.45],
            materials: ["responsibly sourced goose down": 1.6, "duck feather and down": 1.1, "hollowfibre": 0.7, "wool": 1.3],
            finishes: [],
            features: [
                "a 10.5 tog rating", "a 4.5 tog summer weight", "an all-season two-part design", "a cotton cover",
                "box stitching", "machine washable",
            ],
            audiences: ["light sleepers", "guest rooms", "cold bedrooms", "new homes"], price: 90),
        Kind(
            "home / bedding", "Sheet Set", keywords: ["sheets"],
            uses: [
                "Cool and breathable sheets for hot summer nights.",
                "Soft sheets that get better with every wash.",
                "Crisp, fresh sheets for a made-up hotel feel.",
            ],
            sizes: ["single": 0.7, "double": 1.0, "king-size": 1.25],
            materials: [
                "stonewashed French linen": 1.5, "400-thread-count cotton percale": 1.0, "cotton sateen": 1.1, "bamboo lyocell": 1.2,
            ],
            finishes: ["white", "sage", "oatmeal", "slate", "blush pink"],
            features: [
                "deep-pocket fitted sheets", "two pillowcases", "a flat sheet", "envelope closures", "OEKO-TEX certification",
            ],
            audiences: ["hot sleepers", "guest rooms", "new homes", "wedding gifts"], price: 80),
        Kind(
            "home / bedding", "Bed Pillow",
            uses: [
                "Supports the neck for side and back sleepers.",
                "Holds its shape all night so you wake without a stiff neck.",
                "Soft but supportive for a better night's sleep.",
            ],
            sizes: ["standard": 1.0, "king-size": 1.2, "low-profile": 0.95],
            materials: ["memory foam with a bamboo cover": 1.2, "hollowfibre": 0.7, "duck feather and down": 1.1, "natural latex": 1.3],
            finishes: [],
            features: [
                "a removable washable cover", "adjustable fill", "a cooling gel layer", "hypoallergenic fill", "a zipped inner case",
            ],
            audiences: ["side sleepers", "back sleepers", "guest rooms", "allergy sufferers"], price: 35),
        Kind(
            "home / bedding", "Weighted Blanket",
            uses: [
                "Gentle, even pressure that helps you relax and fall asleep.",
                "A calming weight that settles a busy mind before sleep.",
                "A dense, soothing layer for restless nights.",
            ],
            sizes: ["4 kg": 0.8, "7 kg": 1.0, "9 kg": 1.2],
            materials: ["cotton with glass beads": 1.0, "bamboo with glass beads": 1.2, "chunky-knit cotton": 1.4],
            finishes: ["grey", "navy", "sage", "oatmeal"],
            features: [
                "a removable cover", "quilted pockets that stop beads shifting", "corner ties", "a cooling cover", "a minky cover",
            ],
            audiences: ["restless sleepers", "anxious minds", "reading in bed", "teenagers"], price: 90),

        // MARK: home / cleaning
        Kind(
            "home / cleaning", "Robot Vacuum", keywords: ["robot", "suction"],
            uses: [
                "Cleans floors on a schedule while you are out.",
                "Maps the house and sucks up crumbs, dust and pet hair by itself.",
                "Sweeps under beds and sofas every day without being asked.",
            ],
            sizes: ["slim": 0.9, "standard": 1.0, "self-emptying": 1.6],
            materials: ["a tempered glass top": 1.1, "a matte plastic body": 1.0, "a scratch-resistant shell": 1.05],
            finishes: ["black", "white", "grey"],
            features: [
                "lidar mapping", "a mopping pad", "app control", "no-go zones", "carpet boost", "a tangle-free brush",
            ],
            audiences: ["pet owners", "busy households", "large homes", "allergy sufferers"], price: 300),
        Kind(
            "home / cleaning", "Stick Vacuum",
            uses: [
                "A cordless cleaner for quick tidy-ups on floors and stairs.",
                "Turns into a handheld for the car, sofa and cobwebs.",
                "Lifts dust and pet hair from carpets without trailing a cord.",
            ],
            sizes: ["lightweight": 0.8, "standard": 1.0, "long-run": 1.3],
            materials: ["a polycarbonate body": 1.0, "an aluminium wand": 1.15, "a nickel-finished body": 1.2],
            finishes: ["purple", "grey", "red", "blue"],
            features: [
                "a HEPA filter", "a wall dock", "a crevice tool", "sixty minutes of run time", "LED floor lights",
                "a motorised pet tool",
            ],
            audiences: ["pet owners", "small flats", "stairs and cars", "busy households"], price: 220),
        Kind(
            "home / cleaning", "Steam Mop",
            uses: [
                "Cleans tiles and hard floors with hot steam instead of chemicals.",
                "Lifts sticky spills and grime from kitchen floors.",
                "Sanitises hard floors with steam in a single pass.",
            ],
            sizes: ["compact": 0.85, "standard": 1.0, "2-in-1 handheld": 1.3],
            materials: [
                "a plastic body with microfibre pads": 1.0, "a steel pole with microfibre pads": 1.1, "a lightweight plastic body": 0.9,
            ],
            finishes: ["white", "blue", "grey"],
            features: [
                "three steam levels", "two washable pads", "a carpet glider", "a thirty-second heat-up", "a swivel head",
            ],
            audiences: ["families", "pet owners", "tiled homes", "allergy sufferers"], price: 70),
        Kind(
            "home / cleaning", "Air Purifier", keywords: ["purif", "pollen"],
            uses: [
                "Clears pollen, dust and smoke from the air in a room.",
                "Filters allergens and odours for easier breathing at home.",
                "Quietly cleans the bedroom air overnight.",
            ],
            sizes: ["desktop": 0.6, "20 m²": 1.0, "50 m²": 1.5],
            materials: ["a HEPA and carbon filter": 1.0, "a HEPA-13 filter": 1.15, "a washable pre-filter and HEPA filter": 1.1],
            finishes: ["white", "grey", "black"],
            features: [
                "an air-quality sensor", "a sleep mode", "app control", "a filter change reminder", "an auto mode",
            ],
            audiences: ["allergy sufferers", "pet owners", "bedrooms", "city flats"], price: 150),

        // MARK: pets / supplies
        Kind(
            "pets / supplies", "Dog Bed", keywords: ["dog bed", "orthopaedic"],
            uses: [
                "A cosy orthopaedic place for an older dog to rest.",
                "A soft bed with raised sides for dogs who like to curl up.",
                "A supportive bed for a dog to stretch out and sleep.",
            ],
            sizes: ["small": 0.7, "medium": 1.0, "large": 1.3, "extra-large": 1.6],
            materials: ["memory foam with a microfibre cover": 1.2, "polyester fill with a canvas cover": 0.9, "waterproof fabric": 1.0],
            finishes: soft,
            features: [
                "a removable washable cover", "a non-slip base", "bolster sides", "a chew-resistant fabric", "a waterproof liner",
            ],
            audiences: ["older dogs", "puppies", "large breeds", "dog owners"], price: 60),
        Kind(
            "pets / supplies", "Cat Scratching Post", keywords: ["claws"],
            uses: [
                "Saves your sofa from a cat's claws.",
                "Gives cats a place to scratch, climb and nap.",
                "A sturdy post that keeps claws off the furniture.",
            ],
            sizes: ["50 cm": 0.7, "80 cm": 1.0, "150 cm tree": 1.8],
            materials: ["sisal rope and carpet": 1.0, "corrugated cardboard": 0.7, "sisal and plush": 1.1],
            finishes: ["grey", "cream", "beige"],
            features: [
                "a dangling toy", "a top perch", "a hideaway", "a weighted base", "replaceable sisal",
            ],
            audiences: ["cat owners", "indoor cats", "kittens", "multi-cat homes"], price: 40),
        Kind(
            "pets / supplies", "Dog Leash", keywords: ["leash", "walkies"],
            uses: [
                "A strong, comfortable lead for daily walks.",
                "Keeps a dog close on busy streets and country lanes.",
                "A lead that is easy on your hands when a dog pulls.",
            ],
            sizes: ["1.2 m": 0.9, "1.8 m": 1.0, "5 m retractable": 1.3],
            materials: ["reflective nylon webbing": 1.0, "leather": 1.5, "climbing rope": 1.2],
            finishes: ["black", "red", "navy", "orange", "green"],
            features: [
                "a padded handle", "a traffic handle", "a poo-bag holder", "a swivel clip", "reflective stitching",
            ],
            audiences: ["dog owners", "puppies", "large breeds", "night walks"], price: 20),
        Kind(
            "pets / supplies", "Automatic Pet Feeder", keywords: ["kibble"],
            uses: [
                "Serves meals on schedule while you are at work.",
                "Dispenses measured portions of dry food at set times.",
                "Keeps a pet's meals regular when you are away for the day.",
            ],
            sizes: ["2 litre": 0.8, "4 litre": 1.0, "6 litre": 1.2],
            materials: ["BPA-free plastic with a steel bowl": 1.0, "food-grade plastic": 0.9, "stainless steel": 1.3],
            finishes: ["white", "grey", "black"],
            features: [
                "programmable portions", "a voice recording", "app control", "battery backup", "a camera",
            ],
            audiences: ["cat owners", "dog owners", "busy households", "weekend trips"], price: 70),
        Kind(
            "pets / supplies", "Pet Carrier", keywords: ["vet"],
            uses: [
                "Takes a small pet safely to the vet or on a trip.",
                "A calm, ventilated space for a cat or small dog on the move.",
                "Carries a pet by car, train or plane.",
            ],
            sizes: ["small": 0.8, "medium": 1.0, "large": 1.3],
            materials: ["ventilated mesh and nylon": 1.0, "hard plastic": 0.9, "padded canvas": 1.1],
            finishes: ["grey", "black", "navy"],
            features: [
                "airline approval", "a top-loading door", "a shoulder strap", "a seatbelt loop", "a fleece pad",
            ],
            audiences: ["cat owners", "small dogs", "travel with pets", "vet visits"], price: 45),

        // MARK: baby / nursery
        Kind(
            "baby / nursery", "Baby Monitor",
            uses: [
                "Lets you watch and hear the nursery from another room.",
                "Lets you check on a sleeping baby while you get on with the evening.",
                "Shows a sleeping baby on screen, day or night.",
            ],
            sizes: ["audio": 0.5, "video": 1.0, "video with breathing sensor": 1.8],
            materials: ["a plastic parent unit with a 5-inch screen": 1.0, "a wall-mounted camera": 1.1, "a compact camera and app": 0.9],
            finishes: ["white", "grey"],
            features: [
                "night vision", "two-way talk", "a room thermometer", "lullabies", "a long-range signal",
            ],
            audiences: ["new parents", "baby showers", "grandparents", "twins"], price: 110),
        Kind(
            "baby / nursery", "Baby Carrier", keywords: ["babywearing", "hands free"],
            uses: [
                "Keeps a baby close and your hands free on walks.",
                "Carries a baby or toddler on your front or back, hands free.",
                "Lets you carry a little one comfortably on walks and trails.",
            ],
            sizes: ["newborn": 0.9, "all-ages": 1.0, "toddler": 1.05],
            materials: ["organic cotton": 1.0, "breathable mesh": 1.1, "linen blend": 1.2],
            finishes: soft,
            features: [
                "a hip-healthy seat", "lumbar support", "a sun hood", "four carrying positions", "padded straps",
            ],
            audiences: ["new parents", "outdoorsy parents", "baby showers", "dads"], price: 95),
        Kind(
            "baby / nursery", "Stroller", keywords: ["stroller"],
            uses: [
                "Folds with one hand for buses and car boots.",
                "A smooth ride on pavements and park paths from birth.",
                "Pushes easily over kerbs and gravel with a baby on board.",
            ],
            sizes: ["compact": 0.8, "full-size": 1.0, "all-terrain": 1.3],
            materials: ["an aluminium frame with padded fabric": 1.0, "a steel frame": 0.8, "a magnesium frame": 1.4],
            finishes: soft,
            features: [
                "a lie-flat seat", "a rain cover", "a large basket", "puncture-proof tyres", "a cup holder",
                "a one-hand fold",
            ],
            audiences: ["new parents", "city families", "travel with infants", "grandparents"], price: 320),
        Kind(
            "baby / nursery", "Changing Bag", keywords: ["nappies", "wipes"],
            uses: [
                "Holds nappies, wipes and bottles for a day out.",
                "A tidy bag for everything a baby needs away from home.",
                "Carries spare clothes, nappies and snacks with room to spare.",
            ],
            sizes: ["tote": 1.0, "backpack": 1.1, "compact clutch": 0.7],
            materials: ["water-resistant nylon": 1.0, "vegan leather": 1.2, "recycled polyester": 0.95],
            finishes: ["black", "grey", "navy", "sage", "tan"],
            features: [
                "a changing mat", "pram straps", "insulated bottle pockets", "a wipe-clean lining", "many pockets",
            ],
            audiences: ["new parents", "baby showers", "dads", "travel with infants"], price: 50),
        Kind(
            "baby / nursery", "Teething Toy", keywords: ["teeth", "gums"],
            uses: [
                "Soothes sore gums when the first teeth come in.",
                "A soft, chewable ring for a teething baby.",
                "Gives little hands something safe to grip and chew.",
            ],
            sizes: ["ring": 1.0, "mitten": 1.1, "two-pack": 1.6],
            materials: ["food-grade silicone": 1.0, "natural rubber": 1.2, "untreated beech wood and silicone": 1.15],
            finishes: ["sage", "blush pink", "mustard", "blue"],
            features: [
                "freezer-safe", "dishwasher-safe", "a clip for the pushchair", "textured bumps", "BPA-free",
            ],
            audiences: ["babies from three months", "baby showers", "new parents", "gift giving"], price: 10),

        // MARK: travel / luggage
        Kind(
            "travel / luggage", "Carry-On Suitcase", keywords: ["suitcase"],
            uses: [
                "Fits airline cabin limits and rolls smoothly through the airport.",
                "Packs a long weekend into the overhead locker.",
                "A cabin-size case that glides on four wheels.",
            ],
            sizes: ["35 litre": 0.9, "40 litre": 1.0, "expandable 45 litre": 1.15],
            materials: ["polycarbonate": 1.0, "aluminium": 2.2, "ballistic nylon": 1.1],
            finishes: ["black", "navy", "sage", "sand", "silver"],
            features: [
                "four spinner wheels", "a TSA lock", "a laptop pocket", "compression straps", "a USB port",
            ],
            audiences: ["frequent flyers", "business trips", "weekend breaks", "students"], price: 150),
        Kind(
            "travel / luggage", "Packing Cubes", plural: true,
            uses: [
                "Keep clothes sorted and compressed inside a bag.",
                "Organise a bag by outfit or family member.",
                "Squeeze more into a bag and find things fast.",
            ],
            sizes: ["three-piece": 0.8, "five-piece": 1.0, "seven-piece": 1.3],
            materials: ["ripstop nylon": 1.0, "recycled polyester": 0.95, "ultralight silnylon": 1.3],
            finishes: ["black", "navy", "teal", "grey"],
            features: [
                "compression zips", "mesh tops", "a laundry bag", "carry handles", "a shoe bag",
            ],
            audiences: ["travellers", "backpackers", "family holidays", "business trips"], price: 25),
        Kind(
            "travel / luggage", "Travel Pillow", keywords: ["travel pillow"],
            uses: [
                "Holds your head up for naps on planes, trains and coaches.",
                "Stops the nodding-head wake-up on long journeys.",
                "Supports your neck for sleep in an upright seat.",
            ],
            sizes: ["standard": 1.0, "slim": 0.9, "wrap-around": 1.2],
            materials: ["memory foam": 1.0, "inflatable TPU": 0.7, "microbead fill": 0.85],
            finishes: ["grey", "navy", "black"],
            features: [
                "a washable cover", "a clip for your bag", "eye mask and earplugs", "a packing pouch", "a chin support",
            ],
            audiences: ["frequent flyers", "long drives", "night trains", "travellers"], price: 25),
        Kind(
            "travel / luggage", "Passport Wallet", keywords: ["passport", "boarding"],
            uses: [
                "Keeps passports, boarding passes and cards together.",
                "Holds travel documents and a pen for landing cards.",
                "A slim case for a passport, tickets and cash abroad.",
            ],
            sizes: ["single": 1.0, "family-size": 1.4, "slim": 0.85],
            materials: ["full-grain leather": 1.3, "vegan leather": 1.0, "recycled nylon": 0.8],
            finishes: ["tan", "black", "navy", "burgundy"],
            features: [
                "RFID blocking", "a zip around", "a pen loop", "a SIM card slot", "a coin pocket",
            ],
            audiences: ["frequent flyers", "families abroad", "gift giving", "backpackers"], price: 30),
    ]
}
