import CMiniLMKernels
import COpenBLAS
import Catalog
import DedicatedThreads
import Foundation

/// all-MiniLM-L6-v2 (or any BERT sentence model folder) as an ``Catalog/Embedder``, natively.
///
/// Threads: every call is a job that runs on the embedder's own coordinator thread, never on
/// Swift's cooperative pool; callers only await. Jobs run one at a time (so calls from several
/// tasks are safe and each job gets every core). A small job (a search query, up to
/// `smallJobTokens` ids) runs as one forward pass whose matrix products are split over the
/// threads; a large one is cut into equal packed mini-batches that the coordinator and its
/// helpers take in turn, each running its products alone (the packed AVX-512 kernel, or
/// single-threaded OpenBLAS on CPUs without AVX-512), so GEMMs, attention and the
/// elementwise passes all run in parallel. Creating an embedder sets OpenBLAS to one thread
/// for the whole process.
public final class MiniLMEmbedder: Embedder {
    /// One embedded window of a text.
    public struct EmbeddedChunk: Sendable, Equatable {
        /// The part of the text this vector covers.
        public var range: Range<String.Index>
        /// The same range as UTF-8 byte offsets (what JSON output carries).
        public var utf8Range: Range<Int>
        /// Ids fed to the model, `[CLS]` and `[SEP]` included.
        public var tokenCount: Int
        public var vector: [Float]
    }

    public let model: MiniLMModel
    /// Threads that encode: the coordinator and `threadCount - 1` helpers.
    public let threadCount: Int
    public var dimension: Int { model.config.hiddenSize }
    public var tokenizer: BertTokenizer { model.tokenizer }

    /// Jobs with at most this many ids run as one forward pass with products split over the threads.
    let smallJobTokens: Int
    /// Upper bound on ids per packed mini-batch (bounds scratch memory, ~17 MB per 1024 ids per thread).
    let miniBatchTokens: Int
    private let encoder: BertEncoder
    private let coordinator: DedicatedThreadExecutor
    private let helpers: [DedicatedThreadExecutor]
    private let workspaces: [WorkspaceBox]

    /// Loads the model folder and starts `threads` worker threads (default: the machine's cores).
    /// Blocks while the weights load; throws ``EmbeddingError`` for a missing or broken folder.
    public convenience init(modelFolder: URL, threads: Int? = nil) throws {
        try self.init(model: MiniLMModel(folder: modelFolder), threads: threads)
    }

    /// Wraps an already loaded model (several embedders may share one). `smallJobTokens` and
    /// `miniBatchTokens` tune the two job paths described on the type; the defaults suit MiniLM:
    /// mini-batches of 512 ids when the packed AVX-512 kernel runs every product (it is at its
    /// peak from a few rows, and smaller batches keep the activations in L2), 2,048 for OpenBLAS.
    public init(model: MiniLMModel, threads: Int? = nil, smallJobTokens: Int = 128, miniBatchTokens: Int? = nil) {
        self.model = model
        let count = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        threadCount = count
        self.smallJobTokens = smallJobTokens
        let defaultMiniBatch = model.weights.packedForEveryProduct ? 512 : 2048
        self.miniBatchTokens = max(miniBatchTokens ?? defaultMiniBatch, model.tokenizer.maxLength)
        encoder = BertEncoder(weights: model.weights)
        coordinator = DedicatedThreadExecutor(name: "minilm-0")
        helpers = (1..<count).map { DedicatedThreadExecutor(name: "minilm-\($0)") }
        workspaces = (0..<count).map { _ in WorkspaceBox() }
        // Parallelism comes from the embedder's own threads; OpenBLAS threads would compete
        // with them, and changing the count per call is not safe while another call runs.
        openblas_set_num_threads(1)
    }

    deinit {
        coordinator.shutdown()
        for helper in helpers { helper.shutdown() }
    }

    /// The product kernel this CPU runs: "avx512" (every product), "avx2" or "portable" (small
    /// products; OpenBLAS the rest). `REFARCH_MINILM_KERNELS=avx2|portable` caps it.
    public static var productKernelName: String {
        switch Int(minilm_kernel_level()) {
        case Int(MINILM_KERNELS_AVX512): "avx512"
        case Int(MINILM_KERNELS_AVX2): "avx2"
        default: "portable"
        }
    }

    /// The kernel OpenBLAS picked for this CPU (e.g. "Haswell", "SkylakeX", "Cooperlake").
    public static var blasCoreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// One unit vector per text, each text truncated to the model's window exactly as
    /// sentence-transformers does. Suspends until the coordinator thread has run the job.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        if texts.isEmpty { return [] }
        let tokenizer = model.tokenizer
        return try await coordinator.run { [self] in
            let ids = texts.map { tokenizer.encode($0) }
            return self.encodeOnCoordinator(ids)
        }
    }

    /// One unit vector per id sequence (each with `[CLS]`/`[SEP]`, at most the model's window).
    public func embed(tokenIDs: [[Int32]]) async throws -> [[Float]] {
        if tokenIDs.isEmpty { return [] }
        let config = model.config
        for ids in tokenIDs {
            guard !ids.isEmpty, ids.count <= config.maxPositions else {
                throw EmbeddingError.invalidInput(reason: "a sequence of \(ids.count) ids (1...\(config.maxPositions) allowed)")
            }
            guard ids.allSatisfy({ $0 >= 0 && Int($0) < config.vocabularySize }) else {
                throw EmbeddingError.invalidInput(reason: "an id outside the vocabulary of \(config.vocabularySize)")
            }
        }
        return try await coordinator.run { [self] in self.encodeOnCoordinator(tokenIDs) }
    }

    /// Embeds every text in windows (see ``TextChunker``): one vector per chunk with its text range,
    /// so no part of a long text is lost (up to `maxChunks` windows).
    public func embedChunks(_ texts: [String], maxChunks: Int = 32) async throws -> [[EmbeddedChunk]] {
        if texts.isEmpty { return [] }
        let tokenizer = model.tokenizer
        let chunker = TextChunker(maxPieces: tokenizer.maxLength - 2, maxChunks: maxChunks)
        return try await coordinator.run { [self] in
            var ids: [[Int32]] = []
            var layout: [[(Range<Int>, Int)]] = []
            for text in texts {
                let pieces = tokenizer.wordPieces(text)
                var spans: [(Range<Int>, Int)] = []
                for chunk in chunker.chunks(of: text, pieces: pieces) {
                    var chunkIDs = [tokenizer.classifierID]
                    chunkIDs.append(contentsOf: pieces[chunk.pieces].lazy.map(\.id))
                    chunkIDs.append(tokenizer.separatorID)
                    spans.append((chunk.utf8Range, chunkIDs.count))
                    ids.append(chunkIDs)
                }
                layout.append(spans)
            }
            let vectors = self.encodeOnCoordinator(ids)
            var next = 0
            return zip(texts, layout).map { text, spans in
                spans.map { range, count in
                    defer { next += 1 }
                    let utf8 = text.utf8
                    let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
                    let upper = utf8.index(lower, offsetBy: range.count)
                    return EmbeddedChunk(range: lower..<upper, utf8Range: range, tokenCount: count, vector: vectors[next])
                }
            }
        }
    }

    /// Time per encoder phase, summed over all threads since the last reset (for the benchmark).
    public func profile(reset: Bool = false) async throws -> EncoderProfile {
        try await coordinator.run { [self] in
            // Safe to read every workspace here: helpers only touch theirs inside a job,
            // and jobs run on this thread, which is now running this closure instead.
            let sum = self.workspaces.reduce(EncoderProfile()) { $0 + $1.workspace.profile }
            if reset { for box in self.workspaces { box.workspace.profile = EncoderProfile() } }
            return sum
        }
    }

    // MARK: - Running a job (coordinator thread only)

    private func encodeOnCoordinator(_ sequences: [[Int32]]) -> [[Float]] {
        let h = model.config.hiddenSize
        let output = OutputBuffer(count: sequences.count * h)
        defer { output.pointer.deallocate() }
        let total = sequences.reduce(0) { $0 + $1.count }

        if total <= smallJobTokens && threadCount > 1 {
            // A query: one forward pass whose products are split over spinning helpers.
            let team = SpinTeam(size: threadCount)
            for (index, helper) in helpers.enumerated() {
                helper.execute { team.helperLoop(index: index + 1) }
            }
            run(batch: Array(sequences.indices), of: sequences, workspace: workspaces[0], output: output, team: team)
            team.stop()
        } else {
            let batches = packedBatches(sequences, total: total)
            let queue = BatchQueue(count: batches.count)
            let done = DispatchSemaphore(value: 0)
            let shared = SharedJob(sequences: sequences, batches: batches)
            for (index, helper) in helpers.enumerated() {
                let workspace = workspaces[index + 1]
                helper.execute { [self] in
                    while let next = queue.next() {
                        self.run(batch: shared.batches[next], of: shared.sequences, workspace: workspace, output: output)
                    }
                    done.signal()
                }
            }
            while let next = queue.next() {
                run(batch: batches[next], of: sequences, workspace: workspaces[0], output: output)
            }
            for _ in helpers { done.wait() }
        }
        return (0..<sequences.count).map { i in Array(UnsafeBufferPointer(start: output.pointer + i * h, count: h)) }
    }

    /// Sequence indices split into mini-batches of equal token counts, a multiple of the thread
    /// count of them, each at most `miniBatchTokens` (unless one sequence is longer).
    ///
    /// Packing concatenates sequences, so mixing lengths in one mini-batch costs nothing; what
    /// matters is that every thread gets the same work and each GEMM sees enough rows (OpenBLAS
    /// runs near its peak from ~128 rows). Longest sequence first into the lightest batch.
    private func packedBatches(_ sequences: [[Int32]], total: Int) -> [[Int]] {
        let perThread = (total + threadCount - 1) / threadCount
        let rounds = max(1, (perThread + miniBatchTokens - 1) / miniBatchTokens)
        let count = min(sequences.count, threadCount * rounds)
        let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
        var batches = [[Int]](repeating: [], count: count)
        var load = [Int](repeating: 0, count: count)
        for index in order {
            var lightest = 0
            for b in 1..<count where load[b] < load[lightest] { lightest = b }
            batches[lightest].append(index)
            load[lightest] += sequences[index].count
        }
        return batches
    }

    private func run(
        batch: [Int], of sequences: [[Int32]], workspace: WorkspaceBox, output: OutputBuffer, team: SpinTeam? = nil
    ) {
        let h = model.config.hiddenSize
        var ids: [Int32] = []
        ids.reserveCapacity(batch.reduce(0) { $0 + sequences[$1].count })
        var lengths: [Int] = []
        lengths.reserveCapacity(batch.count)
        for index in batch {
            ids.append(contentsOf: sequences[index])
            lengths.append(sequences[index].count)
        }
        let vectors = UnsafeMutablePointer<Float>.allocate(capacity: batch.count * h)
        defer { vectors.deallocate() }
        ids.withUnsafeBufferPointer { ids in
            lengths.withUnsafeBufferPointer { lengths in
                encoder.encode(ids: ids, lengths: lengths, workspace: workspace.workspace, output: vectors, team: team)
            }
        }
        for (row, index) in batch.enumerated() {
            (output.pointer + index * h).update(from: vectors + row * h, count: h)
        }
    }
}

/// A workspace that one thread uses at a time.
// @unchecked Sendable: workspace k is only touched by worker thread k (index 0 is the
// coordinator), and jobs on the coordinator are serial, so no two threads share one.
private final class WorkspaceBox: @unchecked Sendable {  // one thread per workspace, see above
    let workspace = EncoderWorkspace()
}

/// The output rows of one job.
private final class OutputBuffer: @unchecked Sendable {  // threads write disjoint rows, see below
    // @unchecked Sendable: every sequence index belongs to exactly one mini-batch, so the
    // threads write disjoint rows; the coordinator reads only after all helpers signalled.
    let pointer: UnsafeMutablePointer<Float>
    init(count: Int) { pointer = .allocate(capacity: max(count, 1)) }
}

/// The inputs of one job, read by every worker.
private final class SharedJob: Sendable {
    let sequences: [[Int32]]
    let batches: [[Int]]
    init(sequences: [[Int32]], batches: [[Int]]) {
        self.sequences = sequences
        self.batches = batches
    }
}

/// Hands out mini-batch numbers to the threads of one job.
private final class BatchQueue: @unchecked Sendable {  // guarded by `lock`, see below
    // @unchecked Sendable: `nextIndex` is only read and written while `lock` is held.
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int
    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }
}
