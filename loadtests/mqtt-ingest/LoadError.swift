/// A load run that could not be carried out or whose messages did not all arrive.
struct LoadError: Error, CustomStringConvertible {
    /// What went wrong, for the console.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
