import Foundation

/// CPU time and run-queue wait per thread name of this process, from `/proc/self/task/*/schedstat`
/// (Linux; empty elsewhere): shows which thread a run's time went to, and how long its threads were
/// ready to run but waited for a core other processes held.
struct ThreadCPU {
    /// Seconds on a CPU and seconds runnable but waiting, per thread name (threads of one name added up).
    private(set) var seconds: [String: (running: Double, waiting: Double)] = [:]

    /// The current totals.
    static func sample() -> ThreadCPU {
        var sample = ThreadCPU()
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for task in tasks {
            guard let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
                let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/schedstat", encoding: .utf8)
            else { continue }
            let fields = stat.split(separator: " ").compactMap {
                Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            guard fields.count >= 2 else { continue }
            let key = name.trimmingCharacters(in: .whitespacesAndNewlines)
            let previous = sample.seconds[key] ?? (0, 0)
            sample.seconds[key] = (previous.running + fields[0] / 1e9, previous.waiting + fields[1] / 1e9)
        }
        return sample
    }

    /// Total seconds on a CPU and waiting for one since `earlier`, every thread.
    func totals(since earlier: ThreadCPU) -> (running: Double, waiting: Double) {
        deltas(since: earlier).reduce((0, 0)) { ($0.0 + $1.running, $0.1 + $1.waiting) }
    }

    /// "name 1.23 s (+0.40 s waiting), …" since `earlier`, busiest first (threads under 0.05 s left out).
    func since(_ earlier: ThreadCPU) -> String {
        deltas(since: earlier).filter { $0.running >= 0.05 }.sorted { $0.running > $1.running }
            .map { "\($0.name) \(Seconds.format($0.running, 2)) s (+\(Seconds.format($0.waiting, 2)) s waiting)" }
            .joined(separator: ", ")
    }

    private func deltas(since earlier: ThreadCPU) -> [(name: String, running: Double, waiting: Double)] {
        seconds.map { name, now in
            let before = earlier.seconds[name] ?? (0, 0)
            return (name, now.running - before.running, now.waiting - before.waiting)
        }
    }
}
