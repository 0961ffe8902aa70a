import ArgumentParser
import Foundation

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

    static func main() async {
        // A write past the process's file size limit (`ulimit -f`) then fails with EFBIG, which the
        // history store writes again later, instead of killing the process.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
