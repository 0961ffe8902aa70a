import ArgumentParser

/// The `driftline` command line.
@main
struct Driftline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Streaming drift and health analytics for models in production.",
        subcommands: [
            DemoCommand.self, RunCommand.self, ReplayCommand.self, DevKafkaCommand.self, ValidateCommand.self,
            BaselineCommand.self, QueryCommand.self, AlertsCommand.self, ReportCommand.self, ServeCommand.self,
        ]
    )
}
