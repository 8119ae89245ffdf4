import Console
import Testing

/// The one request bookkeeping every view holds: ask gives a number unless one is on its
/// way, only that number's answer or failure settles the slot, a stale one is dropped.
@Suite("RequestSlot")
struct RequestSlotTests {
    /// A view's state in miniature: two kinds of request.
    struct Probe: ViewPayload {
        var slot = RequestSlot()
        var other = RequestSlot()
    }

    static func state() -> ConsoleState { ConsoleState(size: Size(columns: 80, rows: 24)) }

    @Test func askGivesANumberInFlightUntilItsAnswerSettlesIt() throws {
        var s = Self.state()
        #expect(!s.probe.slot.isInFlight)
        let asked = s.ask(\.probe.slot, "reading")
        let request = try #require(asked)
        #expect(s.probe.slot.isInFlight && s.probe.slot.request == request)
        #expect(s.inFlight[request]?.label == "reading")
        // One at a time: asking again while it is on its way starts nothing.
        let again = s.ask(\.probe.slot, "reading")
        #expect(again == nil && s.inFlight.count == 1)
        // Another number settles nothing.
        let foreign = s.probe.slot.settle(request + 1)
        #expect(!foreign && s.probe.slot.isInFlight)
        let answered = s.probe.slot.settle(request)
        #expect(answered && !s.probe.slot.isInFlight)
        // Its answer counts once: a second time it is stale.
        let twice = s.probe.slot.settle(request)
        #expect(!twice)
        // Free again: the next ask gets a new number.
        let next = s.ask(\.probe.slot, "")
        #expect(next != nil && next != request)
    }

    @Test func slotsOfOneStateAreApart() throws {
        var s = Self.state()
        let firstAsked = s.ask(\.probe.slot, "")
        let first = try #require(firstAsked)
        let secondAsked = s.ask(\.probe.other, "")
        let second = try #require(secondAsked)
        #expect(first != second)
        let crossed = s.probe.other.settle(first)
        let own = s.probe.slot.settle(first)
        #expect(!crossed && own)
        #expect(s.probe.other.isInFlight)
    }

    @Test func replaceEndsAndCancelsTheOlderWhoseAnswerIsThenStale() {
        var s = Self.state()
        let (older, none) = s.replace(\.probe.slot, "searching")
        #expect(none.isEmpty)
        let (newer, cancel) = s.replace(\.probe.slot, "searching")
        #expect(cancel == [.cancel(request: older)])
        #expect(s.inFlight[older] == nil && s.inFlight[newer] != nil)
        let olderEnded = s.end(older)
        let olderSettled = s.probe.slot.settle(older)
        #expect(!olderEnded && !olderSettled, "the older one's answer is dropped")
        let newerSettled = s.probe.slot.settle(newer)
        #expect(newerSettled)
    }

    @Test func droppedOrCancelledAnswersSettleNothing() throws {
        var s = Self.state()
        let droppedAsked = s.ask(\.probe.slot, "")
        let dropped = try #require(droppedAsked)
        s.probe.slot.drop()
        let droppedSettled = s.probe.slot.settle(dropped)
        #expect(!s.probe.slot.isInFlight && !droppedSettled)
        let cancelledAsked = s.ask(\.probe.slot, "")
        let cancelled = try #require(cancelledAsked)
        let cancel = s.cancel(\.probe.slot)
        #expect(cancel == [.cancel(request: cancelled)])
        let nothingLeft = s.cancel(\.probe.slot)
        #expect(nothingLeft.isEmpty)
        let cancelledSettled = s.probe.slot.settle(cancelled)
        #expect(s.inFlight[cancelled] == nil && !cancelledSettled)
    }

    @Test func anActionAskedOverAnotherTakesTheSlot() {
        var slot = RequestSlot()
        slot.asked(4)
        slot.asked(7)
        #expect(slot.awaits(7) && !slot.awaits(4))
        let older = slot.settle(4)
        let newer = slot.settle(7)
        #expect(!older && newer)
    }
}

extension ConsoleState {
    fileprivate var probe: RequestSlotTests.Probe {
        get { views[RequestSlotTests.Probe.self] ?? RequestSlotTests.Probe() }
        set { views[RequestSlotTests.Probe.self] = newValue }
    }
}
