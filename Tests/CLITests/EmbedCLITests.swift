import Foundation
import TestSupport
import Testing

/// `refarch-tui embed` as a user runs it: the parity fixture through `--jsonl` with each
/// product-kernel level the CPU has (the AVX-512 packed kernel, AVX2 with OpenBLAS for large
/// batches, portable C with OpenBLAS), texts as arguments, `--file --stats`, and bad input.
@Suite("embed command")
struct EmbedCLITests {
    static var modelDirectory: String { MiniLMFixtures.modelFolder.path }
    static var parityFixture: URL { MiniLMFixtures.parityFixture }

    static func decodeLines(_ text: String) throws -> [ParityCase] {
        try text.split(separator: "\n").map { try JSONDecoder().decode(ParityCase.self, from: Data($0.utf8)) }
    }

    @Test(
        "MiniLM parity through embed --jsonl at every kernel level, one text per job and all in one",
        arguments: ["", "avx2", "portable"], [1, 64])
    func parityThroughTheCommand(kernels: String, batchSize: Int) async throws {
        let expected = try Fixtures.jsonLines(ParityCase.self, at: Self.parityFixture)
        let result = try await CLIRunner.run(
            ["embed", "--jsonl", Self.parityFixture.path, "--model-dir", Self.modelDirectory, "--batch-size", String(batchSize)],
            environment: kernels.isEmpty ? [:] : ["REFARCH_MINILM_KERNELS": kernels])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try Self.decodeLines(result.stdout)
        #expect(lines.count == expected.count)
        for (got, want) in zip(lines, expected) {
            #expect(got.text == want.text)
            #expect(got.input_ids == want.input_ids, "ids of \(want.text.prefix(40))")
            let (maxAbs, cosine) = compare(got.embedding.map { Float($0) }, want.embedding.map { Float($0) })
            #expect(maxAbs <= 1e-4 && cosine >= 0.99999, "\(want.text.prefix(40)): max abs \(maxAbs)")
        }
    }

    @Test("texts as arguments print one unit vector of 384 floats per line, and --file --stats reports throughput")
    func argumentsAndStats() async throws {
        let result = try await CLIRunner.run(["embed", "red kettle", "blue kettle", "--model-dir", Self.modelDirectory])
        #expect(result.status == 0, "\(result.stderr)")
        let vectors = try result.stdout.split(separator: "\n").map { try JSONDecoder().decode([Double].self, from: Data($0.utf8)) }
        #expect(vectors.count == 2)
        for vector in vectors {
            #expect(vector.count == 384)
            #expect(abs(vector.map { $0 * $0 }.reduce(0, +) - 1) < 1e-5)
        }
        #expect(vectors[0] != vectors[1])

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try (0..<50).map { "product \($0): a sturdy kettle with a whistle" }.joined(separator: "\n").write(
            to: file, atomically: true, encoding: .utf8)
        let stats = try await CLIRunner.run(["embed", "--file", file.path, "--stats", "--model-dir", Self.modelDirectory])
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.contains("texts: 50"))
        for label in ["sentences/s: ", "tokens/s: ", "peak RSS: "] {
            let value = stats.stdout.split(separator: "\n").first { $0.hasPrefix(label) }?.dropFirst(label.count).split(separator: " ")
                .first
            #expect(value.flatMap { Double($0) }.map { $0 > 0 } == true, "\(label) in \(stats.stdout)")
        }
    }

    @Test("a missing model folder and a bad JSON line are clear errors that say what to do")
    func badInput() async throws {
        let missing = try await CLIRunner.run(["embed", "x", "--model-dir", "/nonexistent/model"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/model"))
        #expect(missing.stdout.isEmpty)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try "{\"text\":\"fine\"}\n{\"txt\":\"wrong key\"}\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try await CLIRunner.run(["embed", "--jsonl", file.path, "--model-dir", Self.modelDirectory])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("Line 2 of \(file.path) is not a JSON object with a \"text\" string."))
        #expect(bad.stdout.isEmpty, "nothing is half-written")
    }
}
