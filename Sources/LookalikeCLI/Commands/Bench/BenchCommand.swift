import ArgumentParser

/// `lookalike bench ...`: speed measurements.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure speed (run on an otherwise idle machine; compare medians).",
        subcommands: [EmbedBenchCommand.self, DecodeBenchCommand.self, SearchBenchCommand.self, DatabaseBenchCommand.self, FillBenchCommand.self])
}
