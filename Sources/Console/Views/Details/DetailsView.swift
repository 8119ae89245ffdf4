import Catalog
import Foundation

/// One product in full: opened with enter from search or the products list.
public enum DetailsView {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.escape], "back", "Back to the list", .back),
        KeyBinding([.character("e")], "edit", "Edit this product", .editSelected, isWrite: true),
        KeyBinding([.character("d")], "delete", "Delete this product (asks first)", .deleteSelected, isDestructive: true),
        KeyBinding([.up, .down, .pageUp, .pageDown], "scroll", "Scroll the description", .edit, isHidden: true),
    ]

    public static func render(_ s: ConsoleState, into grid: inout CellGrid) {
        guard let details = s.details else { return }
        let product = details.product
        let body = s.body.inset(dx: 1, dy: 0)
        grid.write(product.name, x: body.x, y: body.y, role: .title, maxWidth: body.width)
        var facts = ["SKU \(product.sku)", product.price.description, "id \(product.id)"]
        if let date = product.lastUpdated { facts.append("updated \(date)") }
        if let score = details.score { facts.append(String(format: "score %.3f", score)) }
        grid.write(facts.joined(separator: " · "), x: body.x, y: body.y + 1, role: .accent, maxWidth: body.width)
        grid.write(String(repeating: "─", count: body.width), x: body.x, y: body.y + 2, role: .border)
        let text = TextWrap.lines(product.description.isEmpty ? "(no description)" : product.description, width: body.width)
        let area = Rect(x: body.x, y: body.y + 3, width: body.width, height: body.height - 3)
        let first = min(details.scroll, max(0, text.count - area.height))
        for row in 0..<area.height where first + row < text.count {
            grid.write(text[first + row], x: area.x, y: area.y + row, role: .text, maxWidth: area.width)
        }
        if text.count > area.height {
            let position = " \(first + 1)–\(min(text.count, first + area.height)) of \(text.count) lines "
            grid.write(position, x: area.maxX - position.displayWidth, y: area.maxY - 1, role: .muted)
        }
    }
}
