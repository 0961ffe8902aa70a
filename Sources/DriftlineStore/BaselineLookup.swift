import DriftlineCore
import Foundation
import GRDB

/// The baselines merged counts are judged against (PSI, offline accuracy), each read from the
/// `baselines` table once per lookup.
struct BaselineLookup {
    private var loaded: [String: Baseline?] = [:]

    mutating func baseline(model: String, version: String, in db: Database) throws -> Baseline? {
        let key = model + "\u{0}" + version
        if let known = loaded[key] { return known }
        let profile = try String.fetchOne(
            db, sql: "SELECT profile FROM baselines WHERE model = ? AND version = ?", arguments: [model, version])
        // A profile that no longer decodes (written by a newer version) leaves the rollup without PSI.
        let baseline = profile.flatMap { try? JSONDecoder().decode(Baseline.self, from: Data($0.utf8)) }
        loaded[key] = baseline
        return baseline
    }
}
