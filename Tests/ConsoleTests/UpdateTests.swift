import Catalog
import Console
import Operations
import Testing

/// The update function, key by key, view by view.
@Suite("Console update")
struct UpdateTests {
    /// A state on the search view with results shown and the results focused.
    func withResults(readOnly: Bool = false) -> ConsoleState {
        var s = Sample.state(readOnly: readOnly)
        type(&s, "coffee")
        let effects = press(&s, .enter)
        _ = ConsoleUpdate.update(&s, .searchFinished(request: requestNumber(effects)!, Sample.hits("coffee")))
        return s
    }

    func onProducts(readOnly: Bool = false) -> ConsoleState {
        var s = Sample.state(readOnly: readOnly)
        let effects = press(&s, .tab)
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: requestNumber(effects)!, Sample.page))
        return s
    }

    // MARK: Search

    @Test func typingGoesToTheQueryEvenForKeysThatAreCommandsElsewhere() {
        var s = Sample.state()
        #expect(type(&s, "q?:T/").isEmpty)
        #expect(s.search.query.text == "q?:T/")
        #expect(!s.isQuitting && s.overlay == nil && s.themeName == "mono")
    }

    @Test func anEmptyOrBlankQueryDoesNothing() {
        var s = Sample.state()
        #expect(press(&s, .enter).isEmpty)
        type(&s, "   ")
        let before = s
        #expect(press(&s, .enter).isEmpty)
        #expect(s == before)
    }

    @Test func enterSearchesForTheTrimmedQueryAndFocusesTheResults() {
        var s = Sample.state()
        type(&s, "  coffee mug ")
        let effects = press(&s, .enter)
        #expect(effects == [.search(request: s.search.pending!, SearchRequest(query: "coffee mug", topK: 18, page: 1))])
        #expect(s.search.focus == .results)
        #expect(s.inFlight[s.search.pending!]?.label == "searching")
    }

    @Test func aNewerSearchCancelsTheOlderAndItsLateAnswerIsDropped() {
        var s = Sample.state()
        type(&s, "one")
        let first = requestNumber(press(&s, .enter))!
        press(&s, .character("/"))
        type(&s, " two")
        let second = press(&s, .enter)
        #expect(second.first == .cancel(request: first))
        _ = ConsoleUpdate.update(&s, .searchFinished(request: first, Sample.hits("one")))
        #expect(s.search.result == nil)
        _ = ConsoleUpdate.update(&s, .searchFinished(request: requestNumber(second)!, Sample.hits("one two")))
        #expect(s.search.result?.request.query == "one two")
        #expect(s.inFlight.isEmpty)
    }

    @Test func resultKeysMoveOpenAndPage() {
        var s = withResults()
        press(&s, .down, .character("j"))
        #expect(s.search.selection.selected == 2)
        press(&s, .character("k"))
        press(&s, .enter)
        #expect(s.view == .details)
        #expect(s.details?.product == Sample.products[1])
        press(&s, .escape)
        #expect(s.view == .search && s.details == nil)
        let next = press(&s, .character("]"))
        #expect(next == [.search(request: requestNumber(next)!, SearchRequest(query: "coffee", topK: 18, page: 2))])
        // On page 1 there is no previous page.
        var t = withResults()
        #expect(press(&t, .character("[")).isEmpty)
        #expect(t.status?.text == "This is the first page.")
    }

    @Test func upFromTheFirstResultAndSlashGoBackToTheQuery() {
        var s = withResults()
        press(&s, .up)
        #expect(s.search.focus == .query)
        press(&s, .escape)
        #expect(s.search.focus == .results)
        press(&s, .character("/"))
        #expect(s.search.focus == .query)
    }

    @Test func escapeFromTheResultsNeverTypesSoColonOpensTheCommandLine() {
        var s = withResults()
        press(&s, .escape)
        #expect(s.search.focus == .results, "esc at the root of Search does not go into the query box")
        type(&s, ":")
        guard case .command = s.overlay else { Issue.record("`:` did not open the command line"); return }
        type(&s, "workers")
        press(&s, .enter)
        #expect(s.view == .workers && s.search.query.text == "coffee")
        // In the box, esc goes out of it (to the results), never into typing.
        type(&s, ":search")
        press(&s, .enter)
        press(&s, .character("/"))
        #expect(s.search.focus == .query)
        press(&s, .escape)
        #expect(s.search.focus == .results)
    }

    @Test func theSearchSummarySaysWhatIsKnownAndNeverATotalThatMoves() {
        var s = withResults()
        #expect(ConsoleView.render(s).text.contains("top 3 for “coffee” · page 1 · ] for more"))
        let next = press(&s, .character("]"))
        var page2 = Sample.hits("coffee", page: 2)
        page2.request.topK = 18
        page2.hits = page2.hits.enumerated().map { i, hit in
            var hit = hit
            hit.rank = 19 + i
            return hit
        }
        page2.totalMatched = 36 + 3
        _ = ConsoleUpdate.update(&s, .searchFinished(request: requestNumber(next)!, page2))
        #expect(ConsoleView.render(s).text.contains("results 19–21 for “coffee” · page 2 · ] for more"))
        page2.totalMatched = 21
        _ = ConsoleUpdate.update(&s, .searchFinished(request: requestNumber(press(&s, .character("r")))!, page2))
        #expect(ConsoleView.render(s).text.contains("results 19–21 for “coffee” · page 2, the last"))
        #expect(press(&s, .character("]")).isEmpty)
        #expect(s.status?.text == "This is the last page.")
    }

    @Test func aPageOfResultsFillsTheWindow() {
        var s = Sample.state(Size(columns: 120, rows: 40))
        type(&s, "mug")
        let effects = press(&s, .enter)
        // 40 rows: header, hints, status, the query line and the summary leave 35, less the table header.
        #expect(effects == [.search(request: requestNumber(effects)!, SearchRequest(query: "mug", topK: 34, page: 1))])
    }

    @Test func f1OpensHelpEvenWhileTyping() {
        var s = Sample.state()
        type(&s, "mug")
        press(&s, .function(1))
        #expect(s.overlay == .help(scroll: 0) && s.search.query.text == "mug")
        press(&s, .function(1))
        #expect(s.overlay == nil)
        var e = editing()
        press(&e, .function(1))
        #expect(e.overlay == .help(scroll: 0))
        #expect(ConsoleView.render(e).text.contains("F1 help"), "the footer shows the key that works in forms")
    }

    @Test func priceRangeValidatesAndRerunsTheSearch() {
        var s = withResults()
        press(&s, .character("$"))
        guard case .priceRange = s.overlay else { Issue.record("no price overlay"); return }
        type(&s, "abc")
        press(&s, .tab)
        type(&s, "50")
        #expect(press(&s, .enter).isEmpty, "an invalid price keeps the dialog open")
        guard case .priceRange(let form) = s.overlay else { Issue.record("dialog closed"); return }
        #expect(form.fields[0].error?.contains("is not a price") == true)
        press(&s, .backTab)
        press(&s, .control("u"))
        type(&s, "10")
        press(&s, .tab)
        let effects = press(&s, .enter)
        #expect(s.overlay == nil)
        #expect(
            effects == [
                .search(
                    request: requestNumber(effects)!,
                    SearchRequest(
                        query: "coffee", topK: 18, page: 1,
                        minPrice: try! Price(parsing: "10"),
                        maxPrice: try! Price(parsing: "50")))
            ])
    }

    @Test func priceRangeRejectsMinAboveMax() {
        var s = withResults()
        press(&s, .character("$"))
        type(&s, "60")
        press(&s, .tab)
        type(&s, "50")
        #expect(press(&s, .enter).isEmpty)
        guard case .priceRange(let form) = s.overlay else { Issue.record("dialog closed"); return }
        #expect(form.fields[1].error == "the highest price is below the lowest.")
    }

    // MARK: Global keys

    @Test func commandLineJumpsToViewsByNameAndReportsUnknownOnes() {
        var s = withResults()
        press(&s, .character(":"))
        type(&s, "prod")
        let effects = press(&s, .enter)
        #expect(s.view == .products)
        #expect(effects.contains { if case .loadProducts = $0 { true } else { false } })
        press(&s, .character(":"))
        type(&s, "bogus")
        press(&s, .enter)
        #expect(s.view == .products)
        #expect(s.status?.level == .error && s.status?.text.contains("No view named \"bogus\"") == true)
        press(&s, .character(":"))
        type(&s, "se")
        press(&s, .tab)
        guard case .command(let field) = s.overlay else { Issue.record("no command line"); return }
        #expect(field.text == "search")
        press(&s, .enter)
        #expect(s.view == .search)
    }

    @Test func tabCyclesViewsThemeCyclesAndHelpOpensAndCloses() {
        var s = withResults()
        press(&s, .tab)
        #expect(s.view == .products)
        press(&s, .backTab)
        #expect(s.view == .search)
        press(&s, .character("T"))
        #expect(s.themeName == "default")
        press(&s, .character("T"))
        #expect(s.themeName == "light")
        press(&s, .character("?"))
        #expect(s.overlay == .help(scroll: 0))
        press(&s, .character("j"))
        #expect(s.overlay == .help(scroll: 1) && s.search.selection.selected == 0, "j scrolls the help; keys under it do nothing")
        press(&s, .character("k"), .character("k"))
        #expect(s.overlay == .help(scroll: 0))
        press(&s, .escape)
        #expect(s.overlay == nil)
    }

    @Test func quitQuitsAtOnceWithoutUnsavedEdits() {
        var s = withResults()
        #expect(press(&s, .character("q")) == [.quit])
        #expect(s.isQuitting)
        var t = Sample.state()
        #expect(press(&t, .control("c")) == [.quit], "ctrl-c quits even while typing")
    }

    @Test func aStopFromOutsideQuitsEvenWithUnsavedEdits() {
        var s = editing()
        type(&s, "x")
        #expect(ConsoleUpdate.update(&s, .stopRequested) == [.quit])
    }

    // MARK: Products

    @Test func productsKeysSortFilterAndPage() {
        var s = onProducts()
        var effects = press(&s, .character("s"))
        #expect(s.products.query.sort == .name)
        #expect(effects == [.loadProducts(request: requestNumber(effects)!, ProductQuery(limit: 18, sort: .name))])
        effects = press(&s, .character("S"))
        #expect(
            effects.last
                == .loadProducts(
                    request: requestNumber(effects.filter { if case .cancel = $0 { false } else { true } })!,
                    ProductQuery(limit: 18, sort: .name, descending: true)))
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: s.products.pending!, Sample.page))
        press(&s, .character("/"))
        type(&s, "mug")
        #expect(s.products.filter?.text == "mug")
        effects = press(&s, .enter)
        #expect(s.products.filter == nil && s.products.query.filter == "mug")
        #expect(
            effects == [
                .loadProducts(request: requestNumber(effects)!, ProductQuery(limit: 18, sort: .name, descending: true, filter: "mug"))
            ])
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: s.products.pending!, Sample.page))
        effects = press(&s, .character("]"))
        #expect(s.products.query.offset == 18)
        press(&s, .escape)
        #expect(s.view == .products)
    }

    @Test func aBadProductsFilterIsNamedAndTheInputStaysOpenToFixIt() {
        var s = onProducts()
        press(&s, .character("/"))
        type(&s, "price:<10 colour:red")
        #expect(press(&s, .enter).isEmpty)
        #expect(s.products.filter?.text == "price:<10 colour:red")
        #expect(s.products.query.filter == nil)
        #expect(s.status?.level == .warn)
        #expect(
            s.status?.text.hasPrefix("No column “colour”: filter products by name, sku, description, id or price (as column:value).")
                == true)
        press(&s, .escape)
        #expect(s.products.filter == nil && s.products.query.filter == nil)
    }

    @Test func escapeLeavesTheFilterAsItWas() {
        var s = onProducts()
        press(&s, .character("/"))
        type(&s, "zzz")
        #expect(press(&s, .escape).isEmpty)
        #expect(s.products.filter == nil && s.products.query.filter == nil)
    }

    @Test func escapeOnAFilteredListShowsTheWholeCatalogFirst() {
        var s = onProducts()
        press(&s, .character("/"))
        type(&s, "sku:kit")
        press(&s, .enter)
        #expect(s.products.query.filter == "sku:kit")
        let effects = press(&s, .escape)
        #expect(s.products.query.filter == nil && s.products.query.offset == 0)
        #expect(effects.contains { if case .loadProducts(_, let query) = $0 { query.filter == nil } else { false } })
        #expect(s.view == .products, "the first esc clears the filter and stays")
        #expect(press(&s, .escape).isEmpty, "with no filter, esc loads nothing (it goes back, as before)")
    }

    @Test func deleteAsksNamingTheProductThenDeletes() {
        var s = onProducts()
        press(&s, .down)
        #expect(press(&s, .character("d")).isEmpty)
        guard case .confirm(let dialog, let action) = s.overlay else { Issue.record("no confirmation"); return }
        #expect(dialog.message.contains("product 2") && dialog.message.contains("保温杯 Thermal Tumbler"))
        #expect(action == .deleteProduct(ProductID(2)))
        press(&s, .character("n"))
        #expect(s.overlay == nil)
        press(&s, .character("d"))
        let effects = press(&s, .character("y"))
        #expect(effects == [.deleteProduct(request: requestNumber(effects)!, ProductID(2))])
        let reload = ConsoleUpdate.update(&s, .productDeleted(request: requestNumber(effects)!, ProductID(2), existed: true))
        #expect(s.status?.text == "Deleted product 2.")
        #expect(reload.contains { if case .loadProducts = $0 { true } else { false } })
    }

    // MARK: Editor

    func editing(_ index: Int = 0) -> ConsoleState {
        var s = onProducts()
        for _ in 0..<index { press(&s, .down) }
        let effects = press(&s, .character("e"))
        _ = ConsoleUpdate.update(&s, .productLoaded(request: requestNumber(effects)!, Sample.products[index]))
        return s
    }

    @Test func editOpensTheFormWithTheRowReloaded() {
        var s = onProducts()
        let effects = press(&s, .character("e"))
        #expect(effects == [.loadProduct(request: requestNumber(effects)!, ProductID(1))])
        #expect(s.view == .editor && s.editor?.form.value("name") == "Atlas Everyday Vacuum Flask")
        var changed = Sample.products[0]
        changed.name = "Renamed elsewhere"
        _ = ConsoleUpdate.update(&s, .productLoaded(request: requestNumber(effects)!, changed))
        #expect(s.editor?.form.value("name") == "Renamed elsewhere")
        #expect(s.editor?.isDirty == false)
    }

    @Test func savingSendsOnlyTheChangedFields() {
        var s = editing()
        press(&s, .tab, .tab, .tab, .tab, .end)
        type(&s, " Now with a lid.")
        let effects = press(&s, .control("s"))
        let changes = try! ProductChanges(description: Sample.products[0].description + " Now with a lid.")
        #expect(effects == [.updateProduct(request: requestNumber(effects)!, ProductID(1), changes)])
        #expect(s.editor?.saving != nil)
        #expect(press(&s, .control("s")).isEmpty, "a second ctrl-s while saving does nothing")
    }

    @Test func invalidInputIsKeptWithAMessageBesideEachField() {
        var s = editing()
        press(&s, .control("u"))  // name emptied
        press(&s, .tab)
        type(&s, " X")  // SKU with a space
        press(&s, .tab, .control("u"))
        type(&s, "12.345")  // three decimals
        press(&s, .tab)
        type(&s, "x")  // date "2024-05-02x"
        let effects = press(&s, .control("s"))
        #expect(effects.isEmpty)
        let form = s.editor!.form
        #expect(form.fields[0].error == "name is required.")
        #expect(form.fields[1].error == "sku must not contain spaces.")
        #expect(form.fields[2].error?.contains("more than two decimals") == true)
        #expect(form.fields[3].error?.contains("is not a date") == true)
        #expect(form.value("sku") == "KIT-233-61J X", "the user's input stays")
        #expect(form.focus == 0, "focus goes to the first field with a problem")
        #expect(s.status?.text == "Not saved: 4 fields need fixing (marked ✗).")
    }

    @Test func aNewProductNeedsNameSkuAndPrice() {
        var s = onProducts()
        press(&s, .character("n"))
        #expect(s.view == .editor && s.editor?.original == nil)
        #expect(press(&s, .control("s")).isEmpty)
        #expect(s.editor?.form.fields.prefix(3).allSatisfy { $0.error != nil } == true)
        type(&s, "Trail Mug")
        press(&s, .tab)
        type(&s, "MUG-1")
        press(&s, .tab)
        type(&s, "$12.50")
        let effects = press(&s, .control("s"))
        let expected = try! NewProduct(name: "Trail Mug", sku: "MUG-1", price: Price(parsing: "12.50"))
        #expect(effects == [.createProduct(request: requestNumber(effects)!, expected)])
    }

    @Test func aServerSideProblemGoesBesideItsField() {
        var s = editing()
        press(&s, .tab, .control("u"))
        type(&s, "OUT-409-706")
        let request = requestNumber(press(&s, .control("s")))!
        _ = ConsoleUpdate.update(
            &s,
            .requestFailed(
                request: request,
                ConsoleError(
                    ProductValidationErrors([
                        ProductValidationError(field: .sku, problem: .duplicateSKU("OUT-409-706"))
                    ]))))
        #expect(s.editor?.form.fields[1].error == "sku \"OUT-409-706\" is already used by another product.")
        #expect(s.editor?.form.value("sku") == "OUT-409-706")
        #expect(s.editor?.saving == nil)
    }

    @Test func afterASaveTheChangeIsFollowedToTheIndex() {
        var s = editing()
        type(&s, "!")
        let request = requestNumber(press(&s, .control("s")))!
        var saved = Sample.products[0]
        saved.name += "!"
        _ = ConsoleUpdate.update(&s, .ticked(at: .seconds(10)))
        let poll = ConsoleUpdate.update(&s, .productSaved(request: request, saved))
        #expect(s.editor?.isDirty == false && s.editor?.sync?.changeSequence == nil)
        let pollRequest = poll.compactMap { if case let .loadSyncStage(r, id, nil) = $0, id == saved.id { r } else { nil } }
            .first
        #expect(pollRequest != nil, "saving starts following the change at once (its seq is read by the first poll)")
        _ = ConsoleUpdate.update(&s, .ticked(at: .milliseconds(10_050)))
        _ = ConsoleUpdate.update(&s, .syncProgressed(request: pollRequest!, .sent, changeSequence: 42))
        #expect(s.editor?.sync?.stage == .sent && s.editor?.sync?.changeSequence == 42)
        #expect(s.editor?.sync?.reached[.captured] == .milliseconds(50))
        #expect(s.editor?.sync?.reached[.sent] == .milliseconds(50))
        let next = ConsoleUpdate.update(&s, .ticked(at: .milliseconds(10_200)))
        let nextRequest = next.compactMap { if case let .loadSyncStage(r, _, 42) = $0 { r } else { nil } }.first!
        _ = ConsoleUpdate.update(&s, .ticked(at: .milliseconds(10_300)))
        _ = ConsoleUpdate.update(&s, .syncProgressed(request: nextRequest, .indexed, changeSequence: 42))
        #expect(s.editor?.sync?.reached[.indexed] == .milliseconds(300))
        #expect(s.status?.text == "Product 1 is searchable: indexed 300 ms after the save.")
        let after = ConsoleUpdate.update(&s, .ticked(at: .seconds(11)))
        #expect(!after.contains { if case .loadSyncStage = $0 { true } else { false } }, "polling stops once indexed")
    }

    @Test func anIndexThatCannotAnswerLeavesTheSaveSaved() {
        var s = editing()
        type(&s, "!")
        let request = requestNumber(press(&s, .control("s")))!
        var saved = Sample.products[0]
        saved.name += "!"
        _ = ConsoleUpdate.update(&s, .ticked(at: .seconds(10)))
        let poll = ConsoleUpdate.update(&s, .productSaved(request: request, saved))
        let pollRequest = requestNumber(poll.filter { if case .loadSyncStage = $0 { true } else { false } })!
        _ = ConsoleUpdate.update(
            &s, .requestFailed(request: pollRequest, ConsoleError(summary: "index not ready yet", remedy: "The index is still opening.")))
        #expect(s.status?.text == "Saved product 1." && s.status?.level == .ok, "the save stays reported as saved")
        #expect(s.editor?.sync?.note == "index not ready yet")
        #expect(ConsoleView.render(s).text.contains("saved ✓ → captured … → sent … → indexed …  0 ms  (index not ready yet)"))
        let early = ConsoleUpdate.update(&s, .ticked(at: .milliseconds(10_500)))
        #expect(!early.contains { if case .loadSyncStage = $0 { true } else { false } }, "a failing index is asked less often")
        let retry = ConsoleUpdate.update(&s, .ticked(at: .milliseconds(11_100)))
        let retryRequest = requestNumber(retry.filter { if case .loadSyncStage(_, _, nil) = $0 { true } else { false } })
        #expect(retryRequest != nil, "the trail keeps following")
        _ = ConsoleUpdate.update(&s, .syncProgressed(request: retryRequest!, .captured, changeSequence: 7))
        #expect(s.editor?.sync?.note == nil && s.editor?.sync?.stage == .captured)
    }

    @Test func aNewSortStartsAtTheFirstRowAndTheHeaderSaysWhereYouAre() {
        var s = onProducts()
        let many = (1...40).map { Sample.product(Int64($0), "Product \($0)", "SKU-\($0)", Int64(100 * $0), "") }
        _ = ConsoleUpdate.update(
            &s, .productsLoaded(request: requestNumber(press(&s, .character("r")))!, ProductPage(products: many, totalCount: 10_000)))
        press(&s, .character("G"))
        #expect(s.products.selection.top > 0)
        #expect(ConsoleView.render(s).text.contains("23–40 of 10,000"))
        press(&s, .character("s"))
        #expect(s.products.selection == TableSelection() && s.products.query.offset == 0)
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: s.products.pending!, ProductPage(products: many, totalCount: 10_000)))
        #expect(ConsoleView.render(s).text.contains("1–18 of 10,000"))
        press(&s, .character("G"), .character("S"))
        #expect(s.products.selection == TableSelection())
    }

    @Test func aWriteRefreshesTheProductsTotal() {
        var s = onProducts()
        press(&s, .character("n"))
        type(&s, "Flask")
        press(&s, .tab)
        type(&s, "KIT-999-AAA")
        press(&s, .tab)
        type(&s, "12")
        let create = press(&s, .control("s"))
        #expect(create.contains { if case .createProduct = $0 { true } else { false } })
        let created = Sample.product(6, "Flask", "KIT-999-AAA", 1200, "")
        let afterCreate = ConsoleUpdate.update(&s, .productSaved(request: requestNumber(create)!, created))
        #expect(afterCreate.contains { if case .loadProducts = $0 { true } else { false } }, "the count is read again after a create")
        press(&s, .escape)
        press(&s, .character("d"))
        let delete = press(&s, .character("y"))
        let afterDelete = ConsoleUpdate.update(&s, .productDeleted(request: requestNumber(delete)!, ProductID(1), existed: true))
        #expect(afterDelete.contains { if case .loadProducts = $0 { true } else { false } }, "and after a delete")
    }

    @Test func aFailedLoadShowsItsRemedyInTheBodyUntilItRecovers() {
        var s = onProducts()
        let request = requestNumber(press(&s, .character("r")))!
        let error = ConsoleError(
            summary: "cannot connect to Postgres at localhost:5432.",
            remedy: "Start it (scripts/pg.sh start pg) and the console picks it up.")
        _ = ConsoleUpdate.update(&s, .ticked(at: .seconds(1)))
        _ = ConsoleUpdate.update(&s, .requestFailed(request: request, error))
        #expect(s.status?.text == "Products not loaded: cannot connect to Postgres at localhost:5432.")
        #expect(ConsoleView.render(s).text.contains("Start it (scripts/pg.sh start pg)"))
        // Retried every refresh interval, and the status line is not rewritten by each retry.
        s.status = nil
        let retry = ConsoleUpdate.update(&s, .ticked(at: .seconds(3)))
        let again = retry.compactMap { if case let .loadProducts(r, _) = $0 { r } else { nil } }.first
        #expect(again != nil)
        _ = ConsoleUpdate.update(&s, .requestFailed(request: again!, error))
        #expect(s.status == nil && s.loadErrors[.products] == error)
        let third = ConsoleUpdate.update(&s, .ticked(at: .seconds(5))).compactMap {
            if case let .loadProducts(r, _) = $0 { r } else { nil }
        }
        _ = ConsoleUpdate.update(&s, .productsLoaded(request: third.first!, Sample.page))
        #expect(s.loadErrors.isEmpty)
        #expect(!ConsoleView.render(s).text.contains("Start it"))
    }

    @Test func escapeAndQuitAskBeforeDiscardingEdits() {
        var s = editing()
        type(&s, "x")
        press(&s, .escape)
        guard case .confirm(_, .discardEdits) = s.overlay else { Issue.record("no discard question"); return }
        press(&s, .escape)
        #expect(s.view == .editor && s.editor != nil)
        #expect(press(&s, .control("c")).isEmpty)
        guard case .confirm(_, .quit) = s.overlay else { Issue.record("no quit question"); return }
        press(&s, .character("n"))
        press(&s, .escape, .character("y"))
        #expect(s.view == .products && s.editor == nil)
        // Without edits esc goes straight back.
        var t = editing()
        press(&t, .escape)
        #expect(t.view == .products)
    }

    @Test func inTheFormLettersTypeInsteadOfActing() {
        var s = editing()
        type(&s, "x")
        press(&s, .control("c"))
        press(&s, .escape)
        _ = ConsoleUpdate.update(&s, .keyPressed(.character("q")))  // typed into the name
        #expect(s.editor?.form.value("name").hasSuffix("xq") == true)
    }

    // MARK: Read-only

    @Test func readOnlyHidesEveryWriteBinding() {
        for s in [withResults(readOnly: true), onProducts(readOnly: true)] {
            let bindings = ConsoleUpdate.bindings(for: s)
            #expect(!bindings.contains { $0.isWrite })
            #expect(!bindings.contains { $0.action == .deleteSelected || $0.action == .newProduct || $0.action == .editSelected })
        }
    }

    @Test("read-only refuses writes", arguments: [Key.character("n"), .character("e"), .character("d")])
    func readOnlyRefuses(key: Key) {
        var s = onProducts(readOnly: true)
        #expect(press(&s, key).isEmpty)
        #expect(s.view == .products && s.overlay == nil && s.editor == nil)
    }

    @Test func updateDropsWriteEffectsInReadOnlyModeAsASecondGuard() {
        // A delete confirmed before read-only was known (or any path that asks for a write).
        var s = onProducts()
        press(&s, .character("d"))
        s.readOnly = true
        #expect(press(&s, .character("y")).isEmpty)
        #expect(s.status?.level == .error && s.status?.text.hasPrefix("Read-only mode") == true)
    }

    // MARK: Time, failures, resize

    @Test func indexProgressIsPolledAndShown() {
        var s = Sample.state()
        let start = ConsoleUpdate.start(&s)
        #expect(start.first == .loadIndexProgress(request: requestNumber(start)!))
        #expect(ConsoleUpdate.update(&s, .ticked(at: .seconds(1))).isEmpty, "one request at a time")
        _ = ConsoleUpdate.update(&s, .indexProgressLoaded(request: requestNumber(start)!, IndexProgress(indexed: 3, total: 10)))
        #expect(s.indexProgress == IndexProgress(indexed: 3, total: 10))
        #expect(ConsoleUpdate.update(&s, .ticked(at: .seconds(1))).isEmpty, "not before the interval")
        #expect(requestNumber(ConsoleUpdate.update(&s, .ticked(at: .seconds(2)))) != nil)
    }

    @Test func aFailedRequestBecomesAnErrorLineAndStopsTheSpinner() {
        var s = Sample.state()
        type(&s, "mug")
        let request = requestNumber(press(&s, .enter))!
        _ = ConsoleUpdate.update(
            &s, .requestFailed(request: request, ConsoleError(summary: "No answer after 10 s.", remedy: "Check Postgres.")))
        #expect(s.search.pending == nil && s.inFlight.isEmpty)
        #expect(s.status == StatusLine(text: "Search failed: No answer after 10 s.", level: .error, expires: .seconds(15)))
        #expect(ConsoleView.render(s).text.contains("Check Postgres."), "the remedy is in the body")
        _ = ConsoleUpdate.update(&s, .ticked(at: .seconds(16)))
        #expect(s.status == nil)
    }

    @Test func resizeKeepsTheSelectionInView() {
        var s = withResults()
        press(&s, .end)
        #expect(s.search.selection.selected == 2)
        _ = ConsoleUpdate.update(&s, .resized(Size(columns: 60, rows: 12)))
        #expect(s.size == Size(columns: 60, rows: 12))
        #expect(s.search.selection.top + Table.visibleRows(height: s.body.height - 2) > s.search.selection.selected)
        _ = ConsoleUpdate.update(&s, .resized(Size(columns: 40, rows: 8)))
        #expect(s.isTooSmall)
        #expect(press(&s, .character("j"), .character("q")) == [.quit])
    }
}

@Suite("Redraw decisions")
struct RedrawTests {
    @Test func anIdleTickDoesNotRedrawButABusyOneDoes() {
        var s = Sample.state()
        let before = s
        _ = ConsoleUpdate.update(&s, .ticked(at: .seconds(30)))
        // The tick asked for index progress: a request in flight shows a spinner later.
        #expect(!s.drawsTheSame(as: before))
        var idle = Sample.state()
        idle.indexProgressCheckedAt = .zero
        idle.indexProgress = IndexProgress(indexed: 1, total: 1)
        idle.queues.requestedAt = .seconds(2)
        let idleBefore = idle
        _ = ConsoleUpdate.update(&idle, .ticked(at: .seconds(3)))
        #expect(idle != idleBefore && idle.drawsTheSame(as: idleBefore))
    }
}
