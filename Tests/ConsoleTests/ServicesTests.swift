import Catalog
import Console
import Foundation
import Operations
import TestSupport
import Testing

/// The services view: navigation, drill-down, the three actions with their confirmations and
/// the scale form's bounds, read-only refusals, and its golden screens.
@Suite("Services view")
struct ServicesTests {
    static let sizes = [Size(columns: 80, rows: 24), Size(columns: 160, rows: 48)]

    func name(_ base: String, _ size: Size) -> String { "\(base)-\(size.columns)x\(size.rows)" }

    @discardableResult
    func drive(_ s: inout ConsoleState, _ effects: [ConsoleEffect], _ services: FakeConsoleServices) async -> [ConsoleEffect] {
        await Ops.drive(&s, effects, services, screen: ServicesView.self).seen
    }

    /// The console on the services view (opened with `command`), its list answered.
    func opened(
        _ size: Size = Size(columns: 80, rows: 24), list: ServiceList = ServiceSamples.healthy, readOnly: Bool = false,
        command: String = "svc"
    ) async -> (ConsoleState, FakeConsoleServices) {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        services.serviceList.withLock { $0 = .success(list) }
        var s = Ops.state(size, readOnly: readOnly)
        await drive(&s, press(&s, .character(":")) + Ops.typeAndEnter(&s, command), services)
        return (s, services)
    }

    // MARK: Navigation

    @Test func colonSvcAndColonServicesOpenTheViewAndReadTheServices() async {
        for command in ["svc", "services"] {
            let (s, _) = await opened(command: command)
            #expect(s.view == .services)
            #expect(s.services.list == ServiceSamples.healthy)
        }
    }

    @Test func enterListsTasksThenContainersAndEscGoesBackUp() async {
        var (s, services) = await opened()
        await drive(&s, press(&s, .enter), services)
        #expect(s.services.level == .tasks(ServiceReference(name: "emu", cluster: "refarch")))
        #expect(s.services.tasks == ServiceSamples.tasks)
        await drive(&s, press(&s, .down, .enter), services)
        #expect(s.services.level == .containers(ServiceReference(name: "emu", cluster: "refarch"), taskID: "9b8c7d6e5f4a3b2c"))
        #expect(s.services.containers == ServiceSamples.containers)
        press(&s, .escape)
        #expect(s.services.level == .tasks(ServiceReference(name: "emu", cluster: "refarch")))
        press(&s, .escape)
        #expect(s.services.level == .services)
        #expect(s.view == .services)
    }

    // MARK: The / filter

    @Test func slashFiltersTheServicesEnterAppliesEscClears() async {
        var (s, services) = await opened()
        press(&s, .character("/"))
        type(&s, "pel")
        #expect(s.services.serviceFilter.field?.text == "pel")
        #expect(s.services.visibleServices.count == 2, "nothing is applied while typing")
        press(&s, .enter)
        #expect(s.services.serviceFilter.applied?.text == "pel")
        #expect(s.services.visibleServices.map(\.name) == ["pelican"])
        // esc in the input leaves the filter as it was; esc on the list clears it.
        press(&s, .character("/"), .control("u"))
        type(&s, "emu")
        press(&s, .escape)
        #expect(s.services.visibleServices.map(\.name) == ["pelican"])
        // enter acts on the filtered row: pelican's tasks.
        await drive(&s, press(&s, .enter), services)
        #expect(s.services.level == .tasks(ServiceReference(name: "pelican", cluster: "refarch")))
        press(&s, .escape)
        #expect(s.services.level == .services && s.services.serviceFilter.isActive, "back up, the list is still filtered")
        press(&s, .escape)
        #expect(s.services.serviceFilter.applied == nil)
        #expect(s.services.visibleServices.map(\.name) == ["emu", "pelican"])
        #expect(s.view == .services)
    }

    @Test func theSelectionFollowsTheFilteredRows() async {
        var (s, _) = await opened()
        press(&s, .down)
        #expect(s.services.selectedService?.name == "pelican")
        press(&s, .character("/"))
        type(&s, "service:pel")
        press(&s, .enter)
        // pelican is now the first (and only) row: selected, and what the actions act on.
        #expect(s.services.selection.selected == 0)
        #expect(s.services.selectedService?.name == "pelican")
        press(&s, .down, .down)
        #expect(s.services.selectedService?.name == "pelican", "one row: the selection stays on it")
        press(&s, .character("s"))
        #expect(s.services.scaleForm?.service.name == "pelican")
    }

    @Test func aRefreshTheFilterShrinksKeepsTheSelectionOnARow() async {
        var (s, services) = await opened()
        press(&s, .character("/"))
        type(&s, "rollout:completed")
        press(&s, .enter, .down)
        #expect(s.services.selectedService?.name == "pelican")
        // emu starts rolling out: the filter now keeps only pelican.
        services.serviceList.withLock { $0 = .success(ServiceSamples.rolling) }
        await drive(&s, press(&s, .character("r")), services)
        #expect(s.services.visibleServices.map(\.name) == ["pelican"])
        #expect(s.services.selection.selected == 0)
        #expect(s.services.selectedService?.name == "pelican")
    }

    @Test func anUnknownColumnIsNamedAndTheInputStaysOpenToFixIt() async {
        var (s, _) = await opened()
        press(&s, .character("/"))
        type(&s, "status:FAILED")
        press(&s, .enter)
        #expect(s.services.serviceFilter.applied == nil)
        #expect(s.services.serviceFilter.field?.text == "status:FAILED")
        #expect(
            s.status?.text
                == "No column “status”: filter by cluster, service, des, run, pend, rollout, cpu or mem (as column:value), or quote text with a colon."
        )
    }

    @Test func tasksHaveTheirOwnFilterAndEnterOpensTheTaskShown() async {
        var (s, services) = await opened()
        await drive(&s, press(&s, .enter), services)
        press(&s, .character("/"))
        type(&s, "status:stop health:unh")
        press(&s, .enter)
        #expect(ServicesView.visibleTasks(s).map(\.id) == ["1a2b3c4d5e6f7a8b"])
        await drive(&s, press(&s, .enter), services)
        #expect(s.services.level == .containers(ServiceReference(name: "emu", cluster: "refarch"), taskID: "1a2b3c4d5e6f7a8b"))
        press(&s, .character("/"))
        type(&s, "exit:0")
        press(&s, .enter)
        #expect(s.services.visibleContainers.isEmpty)
        press(&s, .escape)
        #expect(s.services.visibleContainers.count == 1 && s.services.level.isContainers)
        press(&s, .escape)
        #expect(ServicesView.visibleTasks(s).map(\.id) == ["1a2b3c4d5e6f7a8b"], "the tasks' filter stays while below it")
        press(&s, .escape, .enter)
        #expect(ServicesView.visibleTasks(s).count == 3, "a service's tasks open unfiltered")
    }

    @Test func theListIsRefreshedEveryIntervalWhileShown() async {
        var (s, _) = await opened()
        let effects = ConsoleUpdate.update(&s, .ticked(at: s.now + s.refreshInterval))
        #expect(effects.contains { if case .view(_, .services, _) = $0 { true } else { false } })
    }

    @Test func lTailsTheLogsFollowsAndSlashFilters() async {
        var (s, services) = await opened()
        await drive(&s, press(&s, .character("l")), services)
        #expect(s.services.level == .logs(ServiceReference(name: "emu", cluster: "refarch")))
        #expect(s.services.logLines.map(\.message) == ServiceSamples.logLines.map(\.message))
        // A tick follows: the new line is appended after the cursor.
        await drive(&s, ConsoleUpdate.update(&s, .ticked(at: s.now + s.refreshInterval)), services)
        #expect(s.services.logLines.last?.message == "batch of 10 indexed")
        #expect(s.services.logLines.count == ServiceSamples.logLines.count + 1)
        // r reads the last lines again (not a follow that would append).
        await drive(&s, press(&s, .character("r")), services)
        #expect(s.services.logLines.map(\.message) == ServiceSamples.logLines.map(\.message))
        await drive(&s, ConsoleUpdate.update(&s, .ticked(at: s.now + s.refreshInterval)), services)
        await drive(&s, press(&s, .character("/")) + type(&s, "pinecone") + press(&s, .enter), services)
        #expect(s.services.logFilter == "pinecone")
        #expect(s.services.logLines.map(\.level) == ["error"])
        press(&s, .escape)
        #expect(s.services.level == .services)
        #expect(s.services.logLines.isEmpty)
    }

    @Test func embeddedLogsSayWhereEachWorkersLogGoesInTheBody() async {
        var local = ServiceSamples.healthy
        local.services = local.services.map { service in
            var service = service
            service.cluster = "local"
            return service
        }
        var (s, services) = await opened(list: local)
        await drive(&s, press(&s, .character("l")), services)
        #expect(s.services.logError?.summary.contains("embedded: no log store for emu") == true)
        assertSnapshot(ConsoleView.render(s), "services-logs-embedded-80x24")
    }

    @Test(arguments: sizes)
    func logTail(size: Size) async {
        var (s, services) = await opened(size)
        await drive(&s, press(&s, .character("l")), services)
        assertSnapshot(ConsoleView.render(s), name("services-logs", size), roles: size.columns == 80)
    }

    // MARK: Actions

    @Test func scaleInsideTheBoundsAsksToConfirmNamingTheServiceThenScales() async {
        var (s, services) = await opened()
        press(&s, .character("s"))
        #expect(s.services.scaleForm?.service == ServiceReference(name: "emu", cluster: "refarch"))
        type(&s, "3")
        press(&s, .enter)
        guard case .confirm(let dialog, _)? = s.overlay else {
            Issue.record("expected a confirmation, got \(String(describing: s.overlay))")
            return
        }
        #expect(dialog.message.contains("emu in refarch"))
        #expect(dialog.message.contains("3 tasks"))
        #expect(services.serviceActions.withLock { $0 }.isEmpty)
        await drive(&s, press(&s, .character("y")), services)
        #expect(services.serviceActions.withLock { $0 } == ["scale emu 3"])
        #expect(s.status?.text.contains("Scaling emu to 3") == true)
    }

    @Test func scaleOutsideTheBoundsAsksAgainNamingThem() async {
        var (s, services) = await opened()
        press(&s, .character("s"))
        type(&s, "9")
        press(&s, .enter)
        #expect(s.overlay == nil)
        #expect(s.services.scaleForm?.error?.contains("1 to 4") == true)
        press(&s, .backspace)
        type(&s, "4")
        press(&s, .enter)
        await drive(&s, press(&s, .character("y")), services)
        #expect(services.serviceActions.withLock { $0 } == ["scale emu 4"])
    }

    @Test func scaleFormRefusesWhatIsNotACountAndEscCancels() async {
        var (s, services) = await opened()
        press(&s, .character("s"))
        type(&s, "x")
        press(&s, .enter)
        #expect(s.services.scaleForm?.error != nil)
        press(&s, .escape)
        #expect(s.services.scaleForm == nil)
        #expect(s.view == .services)
        #expect(services.serviceActions.withLock { $0 }.isEmpty)
    }

    @Test func forceNewDeploymentAndRollBackAskNamingTheServiceThenAct() async {
        var (s, services) = await opened()
        press(&s, .down)  // pelican
        for (key, expected) in [("F", "redeploy pelican"), ("B", "rollback pelican")] {
            press(&s, .character(Character(key)))
            guard case .confirm(let dialog, _)? = s.overlay else {
                Issue.record("\(key): expected a confirmation, got \(String(describing: s.overlay))")
                return
            }
            #expect(dialog.message.contains("pelican in refarch"))
            await drive(&s, press(&s, .character("y")), services)
            #expect(services.serviceActions.withLock { $0 }.last == expected)
        }
        // n says no.
        press(&s, .character("F"), .character("n"))
        #expect(services.serviceActions.withLock { $0 }.count == 2)
    }

    @Test func readOnlyRefusesEveryActionWithTheUsualMessage() async {
        for key in ["s", "F", "B"] {
            var (s, services) = await opened(readOnly: true)
            let effects = press(&s, .character(Character(key)))
            #expect(effects.isEmpty)
            #expect(s.overlay == nil)
            #expect(s.services.scaleForm == nil)
            #expect(s.status?.text == "Read-only mode: restart without --read-only to edit.")
            #expect(services.serviceActions.withLock { $0 }.isEmpty)
        }
    }

    @Test func embeddedActionsAreRefusedAtOnceSayingHowToStartAndStopWorkers() async {
        for key in ["s", "F", "B"] {
            var (s, services) = await opened(list: ServiceSamples.embedded)
            let effects = press(&s, .character(Character(key)))
            #expect(effects.isEmpty)
            #expect(s.overlay == nil)
            #expect(s.services.scaleForm == nil)
            #expect(s.status?.text.hasPrefix("embedded: cannot") == true)
            #expect(services.serviceActions.withLock { $0 }.isEmpty)
        }
    }

    @Test func aConfirmedActionThatReachesTheGuardInReadOnlyModeIsDropped() async {
        var (s, services) = await opened()
        press(&s, .character("F"))
        s.readOnly = true
        let effects = press(&s, .character("y"))
        #expect(effects.filter(\.isWrite).isEmpty)
        #expect(s.status?.text == "Read-only mode: restart without --read-only to edit.")
        await drive(&s, effects, services)
        #expect(services.serviceActions.withLock { $0 }.isEmpty)
    }

    @Test func readOnlyServiceOperationsRefusesEachActionBeforeTheBackend() async {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        let guarded = ReadOnlyServiceOperations(services)
        let emu = ServiceReference(name: "emu", cluster: "refarch")
        await #expect(throws: ServiceOperationError.readOnly(action: "scale emu")) { try await guarded.scale(emu, to: 3) }
        await #expect(throws: ServiceOperationError.readOnly(action: "redeploy emu")) { try await guarded.forceNewDeployment(emu) }
        await #expect(throws: ServiceOperationError.readOnly(action: "roll back emu")) { try await guarded.rollBack(emu) }
        #expect(services.serviceActions.withLock { $0 }.isEmpty)
    }

    @Test func aFailedRefreshKeepsTheLastListMarkedStaleWithTheErrorInTheBody() async {
        let services = FakeConsoleServices(store: InMemoryProductStore(Sample.products))
        var s = Ops.state()
        await drive(&s, press(&s, .character(":")) + Ops.typeAndEnter(&s, "svc"), services)
        services.serviceList.withLock {
            $0 = .failure(ConsoleError(summary: "ECS ListServices: AccessDenied", remedy: "Allow ecs:ListServices."))
        }
        await drive(&s, press(&s, .character("r")), services)
        #expect(s.services.isStale)
        #expect(s.services.list == ServiceSamples.healthy)
        #expect(s.loadErrors[.services]?.summary == "ECS ListServices: AccessDenied")
    }

    // MARK: Golden screens

    @Test(arguments: sizes)
    func healthy(size: Size) async {
        let (s, _) = await opened(size)
        assertSnapshot(ConsoleView.render(s), name("services-healthy", size), roles: size.columns == 80)
    }

    @Test(arguments: sizes)
    func rollingDeployment(size: Size) async {
        let (s, _) = await opened(size, list: ServiceSamples.rolling)
        assertSnapshot(ConsoleView.render(s), name("services-rolling", size))
    }

    @Test(arguments: sizes)
    func failingTasksWithStoppedReasons(size: Size) async {
        var (s, services) = await opened(size)
        await drive(&s, press(&s, .enter), services)
        assertSnapshot(ConsoleView.render(s), name("services-tasks-failing", size), roles: size.columns == 80)
        await drive(&s, press(&s, .down, .enter), services)
        assertSnapshot(ConsoleView.render(s), name("services-containers", size))
    }

    @Test(arguments: sizes)
    func metricsError(size: Size) async {
        let (s, _) = await opened(size, list: ServiceSamples.metricsFailed)
        assertSnapshot(ConsoleView.render(s), name("services-metrics-error", size))
    }

    @Test(arguments: sizes)
    func readOnly(size: Size) async {
        let (s, _) = await opened(size, readOnly: true)
        assertSnapshot(ConsoleView.render(s), name("services-read-only", size))
    }

    @Test(arguments: sizes)
    func embeddedLocalWorkers(size: Size) async {
        let (s, _) = await opened(size, list: ServiceSamples.embedded)
        assertSnapshot(ConsoleView.render(s), name("services-embedded", size))
    }

    @Test(arguments: sizes)
    func filteredList(size: Size) async {
        var (s, _) = await opened(size, list: ServiceSamples.rolling)
        press(&s, .character("/"))
        type(&s, "rollout:in_prog")
        assertSnapshot(ConsoleView.render(s), name("services-filter-typing", size))
        press(&s, .enter)
        assertSnapshot(ConsoleView.render(s), name("services-filtered", size))
    }

    @Test(arguments: sizes)
    func filterMatchingNothing(size: Size) async {
        var (s, _) = await opened(size)
        press(&s, .character("/"))
        type(&s, "rollout:FAILED")
        press(&s, .enter)
        assertSnapshot(ConsoleView.render(s), name("services-filter-empty", size))
    }

    @Test func helpListsTheServicesKeys() async {
        var (s, _) = await opened()
        press(&s, .character("?"))
        assertSnapshot(ConsoleView.render(s), "services-help-80x24")
    }

    @Test func scaleFormOutsideTheBounds() async {
        var (s, _) = await opened()
        press(&s, .character("s"))
        type(&s, "9")
        press(&s, .enter)
        assertSnapshot(ConsoleView.render(s), "services-scale-bounds-80x24")
    }
}

extension ServicesState.Level {
    var isContainers: Bool { if case .containers = self { true } else { false } }
}
