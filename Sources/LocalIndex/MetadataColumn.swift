import Catalog

/// One metadata key's values for every row, typed so that filters run over arrays.
///
/// Numbers (the common filter: a price range) live in a `[Double]` with NaN for "not a
/// number here", so a range test is a tight loop; every other value sits in a sparse map.
final class MetadataColumn {
    private var numbers: [Double] = []
    private var others: [Int: MetadataValue] = [:]

    func set(_ value: MetadataValue?, at row: Int, count: Int) {
        if numbers.count < count { numbers.append(contentsOf: repeatElement(.nan, count: count - numbers.count)) }
        others[row] = nil
        switch value {
        case .number(let n)?:
            numbers[row] = n
        case let value?:
            numbers[row] = .nan
            others[row] = value
        case nil:
            numbers[row] = .nan
        }
    }

    func value(at row: Int) -> MetadataValue? {
        if row < numbers.count, !numbers[row].isNaN { return .number(numbers[row]) }
        return others[row]
    }

    /// Moves the last row's value into `row` (the matrix removes rows by swapping).
    func move(from last: Int, to row: Int) {
        if row != last {
            // Rows past the end of `numbers` never had a number here (NaN).
            if row < numbers.count { numbers[row] = last < numbers.count ? numbers[last] : .nan }
            others[row] = others[last]
        }
        others[last] = nil
        if numbers.count > last { numbers.removeLast(numbers.count - last) }
    }

    func evaluate(_ condition: MetadataFilter.Condition, count: Int) -> [Bool] {
        if numbers.count < count { numbers.append(contentsOf: repeatElement(.nan, count: count - numbers.count)) }
        var mask = [Bool](repeating: false, count: count)
        // Numeric comparisons run over the number array; NaN compares false, as an absent value should.
        func numeric(_ test: (Double) -> Bool) {
            numbers.withUnsafeBufferPointer { n in
                mask.withUnsafeMutableBufferPointer { m in
                    for i in 0..<count { m[i] = test(n[i]) }
                }
            }
        }
        switch condition {
        case .gt(let x): numeric { $0 > x }
        case .gte(let x): numeric { $0 >= x }
        case .lt(let x): numeric { $0 < x }
        case .lte(let x): numeric { $0 <= x }
        default:
            for i in 0..<count { mask[i] = condition.matches(value(at: i)) }
        }
        return mask
    }
}
