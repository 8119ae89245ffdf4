import RefarchCLI

@main
struct EntryPoint {
    static func main() async {
        await RefarchCommand.runCommandLine()
    }
}
