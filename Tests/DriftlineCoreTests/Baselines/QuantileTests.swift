import DriftlineCore
import Testing

@Suite struct QuantileTests {
    // Type 7: h = (n − 1)·p, q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]), worked by hand
    // (numpy.quantile(x, p) with the default method gives the same).
    @Test(arguments: [
        ([1.0, 2, 3, 4], 0.1, 1.3),  // h = 0.3: 1 + 0.3·1
        ([1.0, 2, 3, 4], 0.5, 2.5),  // h = 1.5: 2 + 0.5·1
        ([1.0, 2, 3, 4], 0.9, 3.7),  // h = 2.7: 3 + 0.7·1
        ([1.0, 2, 3, 4], 0.0, 1.0),
        ([1.0, 2, 3, 4], 1.0, 4.0),
        ([10.0], 0.3, 10.0),  // a single value is every quantile
        ([0.0, 10], 0.25, 2.5),  // h = 0.25: 0 + 0.25·10
        ([3.0, 7, 8, 15, 20], 0.4, 7.6),  // h = 1.6: 7 + 0.6·1
        ([1.0, 1, 1, 5], 0.5, 1.0),  // h = 1.5 between two 1s
        ([1.0, 1, 1, 5], 0.9, 3.8),  // h = 2.7: 1 + 0.7·4
        ([-4.0, -2], 0.5, -3.0),
    ])
    func type7(sorted: [Double], p: Double, expected: Double) {
        #expect(abs(Quantile.type7(sorted: sorted, p: p) - expected) < 1e-12)
    }

    @Test func equalNeighboursGiveTheExactValue() {
        // 0.1 has no exact binary form; interpolating between equal values must not drift from them.
        let sorted = [0.1, 0.1, 0.1, 0.2]
        #expect(Quantile.type7(sorted: sorted, p: 0.5) == 0.1)
    }
}
