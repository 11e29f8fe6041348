import ArgumentParser

/// The `lookalike` command: reverse image search for fashion catalogs.
@main
struct Lookalike: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookalike",
        abstract: "Reverse image search for fashion catalogs.",
        subcommands: [IndexCommand.self, SearchCommand.self, SimilarCommand.self, ServeCommand.self, StatsCommand.self, RemoveCommand.self, EvalCommand.self, TuneCommand.self,
                      MigrateCommand.self, BackupCommand.self, RestoreCommand.self, ConfigCommand.self,
                      EmbedCommand.self, ClassifyCommand.self, BenchCommand.self]
    )
}
