import DriftlineCore
import Foundation
import PropertyBased
import Testing

@Suite struct PSITests {
    @Test func skewedCountsAgainstEvenExpectation() {
        // a = [3/4, 1/4], e = [1/2, 1/2]:
        // (0.75 − 0.5)·ln(1.5) + (0.25 − 0.5)·ln(0.5) = 0.25·ln 1.5 + 0.25·ln 2 = 0.25·ln 3 ≈ 0.274653
        let psi = PSI.value(expected: [0.5, 0.5], actualCounts: [3, 1] as [Int])
        #expect(psi.map { abs($0 - 0.274653072) < 1e-9 } == true)
    }

    @Test func threeBinShift() {
        // a = [0.3, 0.3, 0.4], e = [0.2, 0.3, 0.5]:
        // 0.1·ln 1.5 + 0·ln 1 + (−0.1)·ln 0.8 = 0.0405465 + 0.0223144 = 0.0628609
        let psi = PSI.value(expected: [0.2, 0.3, 0.5], actualCounts: [30, 30, 40] as [UInt32])
        #expect(psi.map { abs($0 - 0.0628609) < 1e-6 } == true)
    }

    @Test func emptyActualBinIsClampedToEpsilon() {
        // a = [1, 0 → 0.0001], e = [0.5, 0.5]:
        // 0.5·ln 2 + (0.0001 − 0.5)·ln(0.0002) = 0.3465736 + 0.4999·8.5171932 = 4.6043185
        let psi = PSI.value(expected: [0.5, 0.5], actualCounts: [2, 0] as [Int])
        #expect(psi.map { abs($0 - 4.6043185) < 1e-6 } == true)
    }

    @Test func emptyExpectedBinIsClampedToEpsilon() {
        // a = [0.5, 0.5], e = [1, 0 → 0.0001]:
        // (−0.5)·ln 0.5 + 0.4999·ln 5000 = 0.3465736 + 0.4999·8.5171932 = 4.6043185
        let psi = PSI.value(expected: [1, 0], actualCounts: [1, 1] as [Int])
        #expect(psi.map { abs($0 - 4.6043185) < 1e-6 } == true)
    }

    @Test func bufferPointerEntryPointMatchesArrayEntryPoint() {
        let counts: [UInt32] = [3, 1]
        let fromBuffer = counts.withUnsafeBufferPointer { PSI.value(expected: [0.5, 0.5], actualCounts: $0) }
        #expect(fromBuffer.map { abs($0 - 0.25 * log(3.0)) < 1e-12 } == true)
    }

    @Test func noValuesGiveNoPSI() {
        #expect(PSI.value(expected: [0.5, 0.5], actualCounts: [0, 0] as [Int]) == nil)
    }

    @Test(arguments: [
        (0.0, PSI.Band.stable), (0.1, .stable), (0.100001, .warning), (0.25, .warning), (0.250001, .drift),
        (3.0, .drift),
    ])
    func bands(psi: Double, band: PSI.Band) {
        #expect(PSI.band(psi) == band)
    }

    @Test func psiIsNeverNegative() async {
        let weights = Gen.double(in: 0...1).array(of: 2...12)
        let counts = Gen.int(in: 0...1000).array(of: 12)
        await propertyCheck(input: weights, counts) { weights, counts in
            let sum = weights.reduce(0, +)
            guard sum > 0 else { return }
            let expected = weights.map { $0 / sum }
            let actual = Array(counts.prefix(expected.count))
            guard let psi = PSI.value(expected: expected, actualCounts: actual) else {
                #expect(actual.allSatisfy { $0 == 0 })
                return
            }
            #expect(psi >= 0)
        }
    }

    @Test func countsProportionalToExpectationGiveZero() async {
        let shape = Gen.int(in: 1...50).array(of: 2...12)
        await propertyCheck(input: shape, Gen.int(in: 1...1000)) { shape, scale in
            let total = Double(shape.reduce(0, +))
            let expected = shape.map { Double($0) / total }
            let psi = PSI.value(expected: expected, actualCounts: shape.map { $0 * scale })
            #expect(psi.map { abs($0) < 1e-12 } == true)
        }
    }
}
