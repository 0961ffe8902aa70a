/// Assigns numbers to the bins of a numeric feature profile.
///
/// With interior edges `e_1 < … < e_k` there are `k + 1` bins: `(−∞, e_1)`, `[e_1, e_2)`, …,
/// `[e_k, +∞)` — left-closed and right-open, the outer bins open-ended so out-of-range values
/// count. NaN and ±Inf belong to no bin.
public struct NumericBinner: Equatable, Sendable {
    /// Above this many edges `bin(_:)` searches by bisection instead of scanning. A branch-free
    /// scan costs ~3 ns for 11 edges and ~35 ns for 100; a branching bisection ~20 ns for 11 edges
    /// (random values mispredict every step) and ~50 ns for 100.
    @usableFromInline static let scanLimit = 128

    /// The interior edges, finite and strictly increasing.
    public let edges: [Double]

    /// A binner over `edges`, which must be finite and non-decreasing; repeated edges collapse to one.
    ///
    /// - Throws: `BaselineError.Code.invalidEdges` when an edge is NaN or infinite, or an edge is
    ///   smaller than the one before it.
    public init(edges: [Double]) throws {
        var distinct: [Double] = []
        distinct.reserveCapacity(edges.count)
        for (index, edge) in edges.enumerated() {
            guard edge.isFinite else {
                throw BaselineError(.invalidEdges, "edge \(index) is \(edge); every edge must be a finite number")
            }
            if let last = distinct.last {
                if edge == last { continue }
                guard edge > last else {
                    throw BaselineError(
                        .invalidEdges,
                        "edge \(index) (\(edge)) is below the edge before it (\(last)); edges must increase")
                }
            }
            distinct.append(edge)
        }
        self.edges = distinct
    }

    /// The number of bins, one more than the number of edges.
    public var binCount: Int { edges.count + 1 }

    /// The bin of `x`: the number of edges at or below it; `nil` for NaN and ±Inf.
    @inlinable
    public func bin(_ x: Double) -> Int? {
        edges.withUnsafeBufferPointer { Self.bin(x, edges: $0) }
    }

    /// The bin of `x` among `edges` (finite, strictly increasing): the number of edges at or below
    /// it; `nil` for NaN and ±Inf. For callers that keep many binners' edges in one flat buffer.
    @inlinable
    public static func bin(_ x: Double, edges: UnsafeBufferPointer<Double>) -> Int? {
        guard x.isFinite else { return nil }
        if edges.count <= scanLimit {
            // Branch-free count of the edges at or below x: their number is the bin. A Bool is one
            // byte holding 0 or 1; reading it as a number keeps the compiler from branching.
            var count = 0
            for edge in edges { count &+= Int(unsafeBitCast(x >= edge, to: UInt8.self)) }
            return count
        }
        // Bisection for the first edge above x; every edge before it is at or below x.
        var low = 0
        var high = edges.count
        while low < high {
            let middle = (low &+ high) >> 1
            if x >= edges[middle] { low = middle &+ 1 } else { high = middle }
        }
        return low
    }
}
