import DriftlineCore
import PropertyBased
import Testing

@Suite struct NumericBinnerTests {
    @Test(arguments: [
        (-1e300, 0), (0.999, 0), (1.0, 1), (1.5, 1), (2.0, 2), (2.999, 2), (3.0, 3), (1e300, 3),
    ])
    func valuesFallInLeftClosedBins(x: Double, bin: Int) throws {
        // Edges 1, 2, 3: bins (−∞,1) [1,2) [2,3) [3,+∞).
        let binner = try NumericBinner(edges: [1, 2, 3])
        #expect(binner.bin(x) == bin)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteValuesHaveNoBin(x: Double) throws {
        #expect(try NumericBinner(edges: [1, 2, 3]).bin(x) == nil)
    }

    @Test func repeatedEdgesCollapse() throws {
        let binner = try NumericBinner(edges: [1, 1, 2, 2, 2, 3])
        #expect(binner.edges == [1, 2, 3])
        #expect(binner.binCount == 4)
    }

    @Test func negativeZeroSitsOnAZeroEdge() throws {
        #expect(try NumericBinner(edges: [0]).bin(-0.0) == 1)
    }

    @Test func noEdgesMeansOneBin() throws {
        let binner = try NumericBinner(edges: [])
        #expect(binner.binCount == 1)
        #expect(binner.bin(-5) == 0)
        #expect(binner.bin(5) == 0)
    }

    @Test func manyEdgesAreSearchedByBisection() throws {
        // Edges 0, 1, …, 199: x in [k, k+1) is in bin k+1.
        let binner = try NumericBinner(edges: (0..<200).map(Double.init))
        #expect(binner.bin(-1) == 0)
        #expect(binner.bin(0) == 1)
        #expect(binner.bin(16.99) == 17)
        #expect(binner.bin(17) == 18)
        #expect(binner.bin(199) == 200)
        #expect(binner.bin(1e9) == 200)
    }

    @Test func decreasingEdgesAreRejected() {
        #expect { try NumericBinner(edges: [1, 3, 2]) } throws: { ($0 as? BaselineError)?.code == .invalidEdges }
    }

    @Test(arguments: [Double.nan, .infinity])
    func nonFiniteEdgesAreRejected(edge: Double) {
        #expect { try NumericBinner(edges: [1, edge]) } throws: { ($0 as? BaselineError)?.code == .invalidEdges }
    }

    @Test func everyFiniteValueIsInExactlyOneBinAsALinearScanSays() async {
        let edges = Gen.double(in: -100...100).array(of: 0...300).map { Array(Set($0)).sorted() }
        await propertyCheck(input: edges, Gen.double(in: -150...150), Gen.int(in: 0...600)) { edges, random, pick in
            let binner = try NumericBinner(edges: edges)
            // Half the time probe an edge itself, where left-closed bins matter.
            let x = pick < edges.count ? edges[pick] : random
            let members = (0...edges.count).filter { j in
                (j == 0 || x >= edges[j - 1]) && (j == edges.count || x < edges[j])
            }
            #expect(members.count == 1)
            #expect(binner.bin(x) == members.first)
        }
    }
}
