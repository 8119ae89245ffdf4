import ArgumentParser
import Catalog
import Foundation
import UserFacing

#if canImport(Glibc)
    import Glibc
#endif

extension RefarchCommand {
    /// The process entry point: one grammar and one error format for every command.
    ///
    /// Before ArgumentParser sees the arguments, they are checked and normalised
    /// (``CommandLineNormalizer``): bytes that are not UTF-8 are refused naming the option,
    /// global options given before the subcommand move after it, and a negative number after
    /// an option becomes that option's value. Usage errors are printed as `error:` and `hint:`
    /// lines like every other error, and still exit 64.
    public static func runCommandLine() async {
        let raw = CommandLineNormalizer.rawArguments()
        let normalizer = CommandLineNormalizer(root: RefarchCommand.self)
        let arguments: [String]
        do {
            arguments = try normalizer.normalize(raw)
        } catch {
            printError(summary: error.summary, remedy: error.remedy)
            Foundation.exit(ExitCode.failure.rawValue)
        }
        do {
            var command = try await asyncParseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exitReporting(error, commandPath: normalizer.commandPath(arguments))
        }
    }

    /// Exits for `error`: help and version as ArgumentParser prints them, already reported
    /// failures (`ExitCode`) silently, everything else as `error:` + `hint:`.
    static func exitReporting(_ error: any Error, commandPath: [String]) -> Never {
        if error is ExitCode || error is CleanExit { exit(withError: error) }
        let code = exitCode(for: error)
        if code.rawValue == 0 { exit(withError: error) }  // --help, --version
        let message = self.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
        if code.rawValue == ExitCode.validationFailure.rawValue {
            printError(summary: message, remedy: usageHint(for: error, commandPath: commandPath))
        } else {
            printError(summary: message, remedy: nil)
        }
        Foundation.exit(code.rawValue)
    }

    /// ArgumentParser's help line for the option at fault (its `Help:` line), then where to
    /// read the command's help.
    static func usageHint(for error: any Error, commandPath: [String]) -> String {
        let full = fullMessage(for: error, columns: 200)
        var parts: [String] = []
        for line in full.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("Help:") else { continue }
            // "Help:  --price <price>  Price: 12, …" → "--price <price>: Price: 12, …"
            let help = trimmed.dropFirst("Help:".count).trimmingCharacters(in: .whitespaces)
            var text = help
            if let gap = help.range(of: "  ") {
                text = help[..<gap.lowerBound] + ": " + help[gap.upperBound...].trimmingCharacters(in: .whitespaces)
            }
            parts.append(text.hasSuffix(".") || text.hasSuffix(")") ? text : text + ".")
        }
        let command = (["refarch-tui"] + commandPath).joined(separator: " ")
        parts.append("Run `\(command) --help` for the options.")
        return parts.joined(separator: " ")
    }
}

/// Turns argv into what ArgumentParser parses, the same way for every command.
///
/// ArgumentParser takes options only after the subcommand that declares them, reads `-5`
/// as a short option, and gets arguments that Swift has already repaired (invalid UTF-8
/// becomes U+FFFD, so `Bad\xffName` would be stored as `Bad�Name`). The command tree's
/// options come from ArgumentParser's own description of it, so the rules hold for every
/// subcommand, positional arguments included.
struct CommandLineNormalizer {
    /// Options every command takes (``GlobalOptions``) that are followed by a value.
    static let globalOptionsWithValue: Set<String> = ["--config", "--database-url", "--log-level"]
    /// Switches every command takes.
    static let globalFlags: Set<String> = ["--read-only"]

    let root: any ParsableCommand.Type

    /// The process's arguments as bytes, without the program name.
    static func rawArguments() -> [[UInt8]] {
        (1..<Int(CommandLine.argc)).map { index in
            guard let pointer = CommandLine.unsafeArgv[index] else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
        }
    }

    /// Checks and normalises raw arguments; throws naming the first one that is not UTF-8.
    func normalize(_ raw: [[UInt8]]) throws(UserError) -> [String] {
        let decoded = raw.map { String(validating: $0, as: UTF8.self) }
        if let bad = decoded.firstIndex(where: { $0 == nil }) {
            let repaired = raw.map { String(decoding: $0, as: UTF8.self) }
            let field = describeArgument(at: bad, in: repaired)
            throw UserError(
                summary: "\(field) is not valid UTF-8; nothing was changed.",
                remedy: "Give text in UTF-8 (convert a file with `iconv -t UTF-8`; check the terminal's or script's encoding).")
        }
        return normalize(decoded.map { $0! })
    }

    /// Moves global options given before the subcommand to after it, and joins a negative
    /// number to the option before it (`--price -5` → `--price=-5`).
    func normalize(_ arguments: [String]) -> [String] {
        var path: [String] = []
        var moved: [String] = []
        var command = root
        var index = 0
        scan: while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { break }
            if let sub = Self.subcommand(of: command, named: argument) {
                path.append(argument)
                command = sub
                index += 1
            } else if Self.globalFlags.contains(argument) {
                moved.append(argument)
                index += 1
            } else if Self.globalOptionsWithValue.contains(where: { argument.hasPrefix($0 + "=") }) {
                moved.append(argument)
                index += 1
            } else if Self.globalOptionsWithValue.contains(argument), index + 1 < arguments.count {
                moved += [argument, arguments[index + 1]]
                index += 2
            } else {
                break scan
            }
        }
        var rest = Array(arguments[index...])
        guard rest.contains(where: Self.isNegativeNumber) else { return path + moved + rest }
        let options = valueOptions(of: path)
        var joined: [String] = []
        var afterTerminator = false
        for (index, argument) in rest.enumerated() {
            if !afterTerminator, argument == "--" { afterTerminator = true }
            if !afterTerminator, Self.isNegativeNumber(argument), let previous = joined.last, options.contains(previous) {
                joined[joined.count - 1] = previous + "=" + argument
            } else if !afterTerminator, Self.isNegativeNumber(argument),
                !rest[index...].contains(where: { $0.hasPrefix("-") && !Self.isNegativeNumber($0) })
            {
                // A positional argument (`services scale emu -1`): after `--`, ArgumentParser
                // takes it as one, as it does everything that follows (no options do).
                joined += ["--", argument]
                afterTerminator = true
            } else {
                joined.append(argument)
            }
        }
        rest = joined
        return path + moved + rest
    }

    /// The subcommand names at the start of already normalised arguments.
    func commandPath(_ arguments: [String]) -> [String] {
        var path: [String] = []
        var command = root
        for argument in arguments {
            guard let sub = Self.subcommand(of: command, named: argument) else { break }
            path.append(argument)
            command = sub
        }
        return path
    }

    static func subcommand(of command: any ParsableCommand.Type, named name: String) -> (any ParsableCommand.Type)? {
        command.configuration.subcommands.first { $0._commandName == name || $0.configuration.aliases.contains(name) }
    }

    /// `-5`, `-5.25`, `-.5`, `-$5`, `-1,000`: never an option of ours (none is a digit).
    static func isNegativeNumber(_ argument: String) -> Bool {
        guard argument.hasPrefix("-"), let next = argument.dropFirst().first else { return false }
        return next.isASCII && (next.isNumber || next == "." || next == "$")
    }

    /// "--name" for an option's value, "QUERY (argument 2)" for a positional argument.
    func describeArgument(at index: Int, in arguments: [String]) -> String {
        let argument = arguments[index]
        if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
            return "the value of " + argument[..<equals]
        }
        let path = commandPath(arguments)
        let tree = ArgumentTree(root: root)
        let valueOptions = tree.valueOptions(path: path)
        if index > 0, valueOptions.contains(arguments[index - 1]) {
            return "the value of \(arguments[index - 1])"
        }
        if argument.hasPrefix("-") { return "argument \(index + 1) (an option name)" }
        // Which positional it is: count the positionals before it, skipping option values.
        var position = 0
        var skipNext = false
        for (i, token) in arguments.enumerated() where i >= path.count && i < index {
            if skipNext {
                skipNext = false
                continue
            }
            if token.hasPrefix("-") {
                skipNext = valueOptions.contains(token)
                continue
            }
            position += 1
        }
        let positionals = tree.positionals(path: path)
        if let name = positionals.isEmpty ? nil : positionals[min(position, positionals.count - 1)] {
            return "\(name.uppercased()) (argument \(index + 1))"
        }
        return "argument \(index + 1)"
    }

    func valueOptions(of path: [String]) -> Set<String> {
        ArgumentTree(root: root).valueOptions(path: path)
    }
}

/// The options and positional arguments of each command, from ArgumentParser's JSON
/// description of the tree (the same data `--experimental-dump-help` prints).
struct ArgumentTree {
    struct Command: Decodable {
        let commandName: String
        let aliases: [String]?
        let subcommands: [Command]?
        let arguments: [Argument]?
    }
    struct Argument: Decodable {
        struct Name: Decodable {
            let kind: String
            let name: String
        }
        let kind: String
        let names: [Name]?
        let valueName: String?
    }
    struct Dump: Decodable { let command: Command }

    let command: Command?

    init(root: any ParsableCommand.Type) {
        command = try? JSONDecoder().decode(Dump.self, from: Data(root._dumpHelp().utf8)).command
    }

    func node(_ path: [String]) -> Command? {
        var node = command
        for name in path {
            node = node?.subcommands?.first { $0.commandName == name || ($0.aliases ?? []).contains(name) }
        }
        return node
    }

    /// Spellings (`--price`, `-n`) of the options of the command at `path` that take a value.
    func valueOptions(path: [String]) -> Set<String> {
        var names: Set<String> = []
        for argument in node(path)?.arguments ?? [] where argument.kind == "option" {
            for name in argument.names ?? [] {
                names.insert(name.kind == "short" ? "-" + name.name : "--" + name.name)
            }
        }
        return names
    }

    /// Value names of the positional arguments, in order.
    func positionals(path: [String]) -> [String] {
        (node(path)?.arguments ?? []).filter { $0.kind == "positional" }.map { $0.valueName ?? "argument" }
    }
}
