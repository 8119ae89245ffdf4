import AWS
import Foundation
import Synchronization

/// The age of the oldest message of SQS queues, from CloudWatch's
/// `ApproximateAgeOfOldestMessage` (SQS's own attributes do not carry it).
///
/// The metric is a one-minute figure, so it is read at most once a minute, in the
/// background, for all the queues in one `GetMetricData` call: a stats refresh never
/// waits for CloudWatch and stays at one `GetQueueAttributes` per queue. Where CloudWatch
/// has no data or is not allowed (an emulator, a role without `cloudwatch:GetMetricData`)
/// the ages are unknown, and it is asked again only after ten minutes.
final class OldestMessageAges: Sendable {
    struct State {
        var ages: [String: Duration] = [:]
        var nextRead: ContinuousClock.Instant?
        var reading: Task<Void, Never>?
    }

    let cloudWatch: CloudWatchClient
    let interval: Duration
    let retryAfterFailure: Duration
    private let state = Mutex(State())

    init(cloudWatch: CloudWatchClient, interval: Duration = .seconds(60), retryAfterFailure: Duration = .seconds(600)) {
        self.cloudWatch = cloudWatch
        self.interval = interval
        self.retryAfterFailure = retryAfterFailure
    }

    deinit { state.withLock { $0.reading?.cancel() } }

    /// The last known ages of `queues` (by name); starts a read when one is due.
    func ages(of queues: [String]) -> [String: Duration] {
        state.withLock { state in
            let now = ContinuousClock.now
            if state.reading == nil, state.nextRead.map({ now >= $0 }) ?? true {
                state.nextRead = now + interval
                state.reading = Task { [self] in await self.read(queues) }
            }
            return state.ages
        }
    }

    /// Waits for a read in progress (tests).
    func settled() async {
        let reading = state.withLock { $0.reading }
        await reading?.value
    }

    private func read(_ queues: [String]) async {
        let queries = queues.enumerated().map { index, name in
            MetricDataQuery(
                id: "q\(index)",
                metric: MetricStat(
                    namespace: "AWS/SQS", metricName: "ApproximateAgeOfOldestMessage", dimensions: ["QueueName": name], period: 60,
                    stat: "Maximum"))
        }
        let now = Date()
        var ages: [String: Duration] = [:]
        var failed = false
        do {
            let results = try await cloudWatch.getMetricData(queries: queries, start: now.addingTimeInterval(-900), end: now)
            for result in results {
                guard let index = Int(result.id.dropFirst()), queues.indices.contains(index), let seconds = result.values.last else {
                    continue
                }
                ages[queues[index]] = .milliseconds(Int64(max(0, seconds) * 1000))
            }
        } catch {
            failed = true
        }
        state.withLock { state in
            state.reading = nil
            if failed {
                state.nextRead = ContinuousClock.now + retryAfterFailure
            } else {
                state.ages = ages
            }
        }
    }
}
