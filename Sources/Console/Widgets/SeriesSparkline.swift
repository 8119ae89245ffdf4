/// A one-row chart of a metric series (oldest first) on a fixed scale: the newest `width`
/// points, or the series spread over `width` columns, each a block from ▁ to █ of `ceiling`
/// (utilisation in percent: 100), so two services' charts compare at a glance.
public enum SeriesSparkline {
    public static func text(_ values: [Double], width: Int, ceiling: Double = 100) -> String {
        guard width > 0, !values.isEmpty, ceiling > 0 else { return "" }
        let blocks = Sparkline.blocks
        // More points than columns: each column is the highest of its slice.
        var columns: [Double] = []
        if values.count <= width {
            columns = values
        } else {
            for i in 0..<width {
                let slice = values[(i * values.count / width)..<max(i * values.count / width + 1, (i + 1) * values.count / width)]
                columns.append(slice.max() ?? 0)
            }
        }
        return String(
            columns.map { value -> Character in
                let level = Int((min(max(value, 0), ceiling) / ceiling * Double(blocks.count - 1)).rounded())
                return blocks[level]
            })
    }
}
