import ArgumentParser

/// Fills a history store with 30 days of one-minute windows of 100 keys and measures it: the
/// query of one key's month warm and cold, and the rate at which the store takes window results.
@main
struct LoadStore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driftline-load-store",
        abstract: "History store scenarios: fill a 4.3M-window store, time queries and writes.",
        subcommands: [FillCommand.self, QueryCommand.self, WriteCommand.self]
    )
}
