import Catalog
import DedicatedThreads

/// All vectors of the local index in memory, laid out for exact top-k search.
///
/// Rows are contiguous: unit-length float32 vectors (`dimension` floats a row) and, beside
/// them, an int8 copy with one scale per row, a quarter of the bytes. A query scans the
/// int8 copy — memory bandwidth is what limits an exact search — with a bound on each
/// row's quantisation error, keeps every row that could still be in the top k, and scores
/// only those exactly in float32. So the result equals a brute-force float32 search
/// (ties aside) while reading about a quarter of the bytes.
///
/// Not thread-safe: ``LocalVectorIndex`` confines it to one thread.
package final class VectorMatrix {
    package let dimension: Int
    package private(set) var count = 0
    private var capacity = 0
    private var values: UnsafeMutablePointer<Float>
    private var compact: UnsafeMutablePointer<Int8>
    private var scales: [Float] = []
    package private(set) var ids: [String] = []
    private var rowOf: [String: Int] = [:]
    private var columns: [String: MetadataColumn] = [:]

    package init(dimension: Int, capacity: Int = 1024) {
        self.dimension = dimension
        self.capacity = max(capacity, 16)
        values = .allocate(capacity: self.capacity * dimension)
        compact = .allocate(capacity: self.capacity * dimension)
        scales.reserveCapacity(self.capacity)
        ids.reserveCapacity(self.capacity)
    }

    deinit {
        values.deallocate()
        compact.deallocate()
    }

    /// Bytes held by the vectors (float32 rows plus the int8 copy and scales).
    package var vectorBytes: Int { count * dimension * 5 + count * 4 }

    /// Makes room for `total` rows without reallocating on the way.
    package func reserve(_ total: Int) {
        guard total > capacity else { return }
        let newValues = UnsafeMutablePointer<Float>.allocate(capacity: total * dimension)
        newValues.update(from: values, count: count * dimension)
        values.deallocate()
        values = newValues
        let newCompact = UnsafeMutablePointer<Int8>.allocate(capacity: total * dimension)
        newCompact.update(from: compact, count: count * dimension)
        compact.deallocate()
        compact = newCompact
        capacity = total
        scales.reserveCapacity(total)
        ids.reserveCapacity(total)
        rowOf.reserveCapacity(total)
    }

    func contains(_ id: String) -> Bool { rowOf[id] != nil }

    /// Inserts or replaces a row. `vector` must have `dimension` values, not all zero.
    package func upsert(id: String, vector: UnsafeBufferPointer<Float>, metadata: Metadata) {
        precondition(vector.count == dimension)
        let row: Int
        if let existing = rowOf[id] {
            row = existing
            // A replaced row loses the keys its new metadata does not have.
            for (key, column) in columns where metadata[key] == nil { column.set(nil, at: row, count: count) }
        } else {
            if count == capacity { reserve(capacity * 2) }
            row = count
            count += 1
            ids.append(id)
            scales.append(0)
            rowOf[id] = row
        }
        store(vector, at: row)
        for (key, value) in metadata {
            let column =
                columns[key]
                ?? {
                    let c = MetadataColumn(); columns[key] = c; return c
                }()
            column.set(value, at: row, count: count)
        }
    }

    private func store(_ vector: UnsafeBufferPointer<Float>, at row: Int) {
        var norm: Float = 0
        for v in vector { norm += v * v }
        norm = norm.squareRoot()
        let inverse: Float = norm > 0 ? 1 / norm : 0
        let dst = values + row * dimension
        var maxAbs: Float = 0
        for j in 0..<dimension {
            let v = vector[j] * inverse
            dst[j] = v
            maxAbs = max(maxAbs, abs(v))
        }
        let scale = maxAbs > 0 ? maxAbs / 127 : 1
        let c = compact + row * dimension
        for j in 0..<dimension {
            c[j] = Int8(clamping: Int((dst[j] / scale).rounded()))
        }
        scales[row] = scale
    }

    /// Removes a row by moving the last row into its place, so rows stay contiguous.
    @discardableResult
    func remove(id: String) -> Bool {
        guard let row = rowOf.removeValue(forKey: id) else { return false }
        let last = count - 1
        if row != last {
            (values + row * dimension).update(from: values + last * dimension, count: dimension)
            (compact + row * dimension).update(from: compact + last * dimension, count: dimension)
            scales[row] = scales[last]
            ids[row] = ids[last]
            rowOf[ids[row]] = row
        }
        for column in columns.values { column.move(from: last, to: row) }
        ids.removeLast()
        scales.removeLast()
        count -= 1
        return true
    }

    /// Ids starting with `prefix`, in byte order.
    func ids(withPrefix prefix: String) -> [String] {
        ids.filter { $0.hasPrefix(prefix) }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The metadata of a row, rebuilt from the columns.
    func metadata(row: Int) -> Metadata {
        var out: Metadata = [:]
        for (key, column) in columns {
            if let value = column.value(at: row) { out[key] = value }
        }
        return out
    }

    func row(of id: String) -> Int? { rowOf[id] }

    /// The stored unit vector of a row.
    func vector(row: Int) -> [Float] { Array(UnsafeBufferPointer(start: values + row * dimension, count: dimension)) }

    // MARK: - Search

    /// Exact top-k by cosine similarity among the rows that pass `filter`, best first.
    package func search(_ query: [Float], topK: Int, filter: MetadataFilter?, workers: ParallelWorkers) -> [(row: Int, score: Float)] {
        guard count > 0, topK > 0 else { return [] }
        var norm: Float = 0
        for v in query { norm += v * v }
        norm = norm.squareRoot()
        guard norm > 0 else { return [] }
        let q = query.map { $0 / norm }
        var l1: Float = 0
        for v in q { l1 += abs(v) }
        let allowed = filter.map { rows(matching: $0) }
        if let allowed, allowed.isEmpty { return [] }
        let total = allowed?.count ?? count
        let k = min(topK, total)

        let parts = workers.width
        var results = [ScanResult](repeating: ScanResult(), count: parts)
        q.withUnsafeBufferPointer { qp in
            let qBase = qp.baseAddress!
            results.withUnsafeMutableBufferPointer { out in
                let outBase = out.baseAddress!
                let scanner = Scanner(
                    query: qBase, dimension: dimension, compact: compact, scales: scales,
                    halfL1: l1 / 2, k: k)
                workers.perform { part in
                    let start = total * part / parts, end = total * (part + 1) / parts
                    outBase[part] = scanner.scan(start..<end, rows: allowed)
                }
            }
        }
        // The k-th best lower bound over all parts: no row whose upper bound is below it can be in the top k.
        var lowers = results.flatMap(\.lowerBounds)
        lowers.sort(by: >)
        let threshold = lowers.count >= k ? lowers[k - 1] : -.infinity
        var exact: [(row: Int, score: Float)] = []
        q.withUnsafeBufferPointer { qp in
            for result in results {
                for candidate in result.candidates where candidate.upper >= threshold {
                    exact.append((candidate.row, dot(qp.baseAddress!, values + candidate.row * dimension, dimension)))
                }
            }
        }
        exact.sort { $0.score != $1.score ? $0.score > $1.score : ids[$0.row] < ids[$1.row] }
        return Array(exact.prefix(k))
    }

    /// Exact scores of every row (for tests: the brute-force reference).
    func bruteForce(_ query: [Float]) -> [(id: String, score: Float)] {
        var norm: Float = 0
        for v in query { norm += v * v }
        let q = query.map { $0 / norm.squareRoot() }
        return q.withUnsafeBufferPointer { qp in
            (0..<count).map { (ids[$0], dot(qp.baseAddress!, values + $0 * dimension, dimension)) }
        }
    }

    /// Rows whose metadata passes `filter`, ascending.
    func rows(matching filter: MetadataFilter) -> [Int32] {
        let mask = evaluate(filter)
        var rows: [Int32] = []
        rows.reserveCapacity(count / 8)
        for i in 0..<count where mask[i] { rows.append(Int32(i)) }
        return rows
    }

    private func evaluate(_ filter: MetadataFilter) -> [Bool] {
        switch filter {
        case .and(let parts):
            var mask = [Bool](repeating: true, count: count)
            for part in parts {
                let m = evaluate(part)
                for i in 0..<count { mask[i] = mask[i] && m[i] }
            }
            return mask
        case .or(let parts):
            var mask = [Bool](repeating: false, count: count)
            for part in parts {
                let m = evaluate(part)
                for i in 0..<count { mask[i] = mask[i] || m[i] }
            }
            return mask
        case .field(let name, let condition):
            guard let column = columns[name] else { return [Bool](repeating: condition.matches(nil), count: count) }
            return column.evaluate(condition, count: count)
        }
    }
}

/// What one part of a scan found: rows that may be in the top k, and its best lower bounds.
struct ScanResult {
    var candidates: [(row: Int, upper: Float)] = []
    var lowerBounds: [Float] = []
}

/// The int8 scan of one range of rows (or of allowed rows), with error bounds.
struct Scanner {
    let query: UnsafePointer<Float>
    let dimension: Int
    let compact: UnsafeMutablePointer<Int8>
    let scales: [Float]
    let halfL1: Float
    let k: Int

    func scan(_ range: Range<Int>, rows allowed: [Int32]?) -> ScanResult {
        var result = ScanResult()
        guard !range.isEmpty else { return result }
        var heap = MinHeap(capacity: k)
        var threshold = -Float.infinity
        result.candidates.reserveCapacity(4 * k + 64)
        scales.withUnsafeBufferPointer { scales in
            for index in range {
                let row = allowed.map { Int($0[index]) } ?? index
                let scale = scales[row]
                let approx = scale * dotInt8(query, compact + row * dimension, dimension)
                // |exact - approx| ≤ Σ|q_j| · scale/2, plus a margin for float rounding.
                let error = scale * halfL1 + 1e-5
                let upper = approx + error
                guard upper >= threshold else { continue }
                if heap.offer(approx - error) { threshold = heap.count == k ? heap.minimum : -.infinity }
                result.candidates.append((row, upper))
                if result.candidates.count > 8 * k + 4096 {
                    result.candidates.removeAll { $0.upper < threshold }
                }
            }
        }
        result.candidates.removeAll { $0.upper < threshold }
        result.lowerBounds = heap.elements
        return result
    }
}

/// The k largest values seen, with the smallest of them on top.
struct MinHeap {
    private(set) var elements: [Float] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        elements.reserveCapacity(capacity)
    }

    var count: Int { elements.count }
    var minimum: Float { elements[0] }

    /// Adds `value` if it is among the k largest; returns true when the heap changed.
    mutating func offer(_ value: Float) -> Bool {
        if elements.count < capacity {
            elements.append(value)
            var i = elements.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard elements[i] < elements[parent] else { break }
                elements.swapAt(i, parent)
                i = parent
            }
            return true
        }
        guard value > elements[0] else { return false }
        elements[0] = value
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < elements.count && elements[l] < elements[smallest] { smallest = l }
            if r < elements.count && elements[r] < elements[smallest] { smallest = r }
            if smallest == i { break }
            elements.swapAt(i, smallest)
            i = smallest
        }
        return true
    }
}

/// Dot product of a float32 query with an int8 row (SIMD; the caller applies the row's scale).
@inline(__always)
func dotInt8(_ q: UnsafePointer<Float>, _ c: UnsafePointer<Int8>, _ dim: Int) -> Float {
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
    var j = 0
    while j + 16 <= dim {
        let p = c + j
        // Element-wise conversions: the compiler turns these into vector sign-extend + convert,
        // where SIMD16<Float>(SIMD16<Int8>) would become a call per vector.
        let f0 = SIMD8<Float>(
            Float(p[0]), Float(p[1]), Float(p[2]), Float(p[3]),
            Float(p[4]), Float(p[5]), Float(p[6]), Float(p[7]))
        let f1 = SIMD8<Float>(
            Float(p[8]), Float(p[9]), Float(p[10]), Float(p[11]),
            Float(p[12]), Float(p[13]), Float(p[14]), Float(p[15]))
        a0 += UnsafeRawPointer(q + j).loadUnaligned(as: SIMD8<Float>.self) * f0
        a1 += UnsafeRawPointer(q + j + 8).loadUnaligned(as: SIMD8<Float>.self) * f1
        j += 16
    }
    var s = (a0 + a1).sum()
    while j < dim { s += q[j] * Float(c[j]); j += 1 }
    return s
}

/// Dot product of two float32 vectors (SIMD).
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dim: Int) -> Float {
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
    var j = 0
    while j + 16 <= dim {
        a0 += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self)
        a1 +=
            UnsafeRawPointer(a + j + 8).loadUnaligned(as: SIMD8<Float>.self)
            * UnsafeRawPointer(b + j + 8).loadUnaligned(as: SIMD8<Float>.self)
        j += 16
    }
    var s = (a0 + a1).sum()
    while j < dim { s += a[j] * b[j]; j += 1 }
    return s
}
