import ArgumentParser

/// Generates seeded contract-shaped event streams with injected drift.
@main
struct LoadGen: ParsableCommand {}
