import Catalog
import Console
import Testing

/// The `/` filter every list shares: what it reads from the text typed and which rows pass.
@Suite("List filter")
struct ListFilterTests {
    static let columns = ["CLUSTER", "SERVICE", "STATUS", "STOPPED REASON"]
    static let rows: [[String]] = [
        ["refarch", "emu", "RUNNING", ""],
        ["refarch", "pelican", "STOPPED", "Essential container exited"],
        ["other", "emu-canary", "FAILED", "CannotPullContainerError"],
    ]

    /// The second cell (the service) of each row the filter lets through.
    func shown(_ text: String) -> [String] {
        ListFilter(text).apply(Self.rows, columns: Self.columns) { $0 }.map { $0[1] }
    }

    @Test func plainTextMatchesAnyCellIgnoringCase() {
        #expect(shown("EMU") == ["emu", "emu-canary"])
        #expect(shown("container") == ["pelican", "emu-canary"])
        #expect(shown("") == ["emu", "pelican", "emu-canary"])
        #expect(shown("nowhere").isEmpty)
    }

    @Test func columnValueMatchesOnlyThatColumn() {
        // "refarch" is in CLUSTER, not in SERVICE.
        #expect(shown("service:refarch").isEmpty)
        #expect(shown("cluster:refarch") == ["emu", "pelican"])
        #expect(shown("STATUS:failed") == ["emu-canary"])
        #expect(ListFilter("status:FAILED").terms == [ListFilter.Term(column: "status", value: "failed")])
    }

    @Test func aColumnMayBeNamedByAPrefixOfOneHeader() {
        #expect(shown("cl:other") == ["emu-canary"])
        #expect(shown("stopped:exited") == ["pelican"])
        #expect(FilterText.resolve("stat", in: Self.columns) == .column(2))
        // An exact name wins over the longer header it also starts.
        #expect(FilterText.resolve("status", in: ["STATUS", "STATUS CODE"]) == .column(0))
    }

    @Test func anAmbiguousOrUnknownColumnIsNamedWithTheColumns() {
        #expect(FilterText.resolve("s", in: Self.columns) == .ambiguous(["SERVICE", "STATUS", "STOPPED REASON"]))
        #expect(
            ListFilter("s:emu").problem(columns: Self.columns)
                == "“s” could be service, status or stopped reason: type more of the column's name.")
        #expect(
            ListFilter("health:ok emu").problem(columns: Self.columns)
                == "No column “health”: filter by cluster, service, status or stopped reason (as column:value), or quote text with a colon."
        )
        #expect(ListFilter("cluster:refarch emu").problem(columns: Self.columns) == nil)
        // Unchecked, an unknown column lets no row through (never every row).
        #expect(shown("health:ok").isEmpty)
    }

    @Test func severalTermsMustAllMatch() {
        #expect(shown("emu cluster:refarch") == ["emu"])
        #expect(shown("refarch status:stopped") == ["pelican"])
        #expect(shown("emu status:stopped").isEmpty)
    }

    @Test func quotesKeepSpacesAndColonsInOneTerm() {
        #expect(shown("\"container exited\"") == ["pelican"])
        #expect(shown("stopped:\"essential container\"") == ["pelican"])
        // A colon in quotes, or after something that is not a column's name, is text.
        #expect(ListFilter("\"a:b\"").terms == [ListFilter.Term(column: nil, value: "a:b")])
        #expect(ListFilter("\"op\":\"upsert\"").terms == [ListFilter.Term(column: nil, value: "\"op\":\"upsert\"")])
        #expect(ListFilter("status:").terms == [ListFilter.Term(column: nil, value: "status:")])
    }

    @Test func plainTermsAlsoSearchTextBeyondTheCells() {
        let filter = ListFilter("upsert")
        #expect(filter.matches(["1", "42"], columns: ["ID", "PRODUCT"], moreText: "{\"op\":\"upsert\"}"))
        #expect(!ListFilter("id:upsert").matches(["1", "42"], columns: ["ID", "PRODUCT"], moreText: "{\"op\":\"upsert\"}"))
    }
}
