import DriftlineCore
import Testing

@Suite struct BaselineBuilderTests {
    private func build(
        _ values: [ReferenceValue], binCount: Int = 10, binning: Baseline.Binning.Method = .quantile
    ) throws -> FeatureProfile {
        var builder = BaselineBuilder(model: "m", version: "1", binCount: binCount, binning: binning)
        for value in values { builder.addReference(["x": value]) }
        return try #require(try builder.build().feature(named: "x"))
    }

    private func isClose(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 }
    }

    @Test func quantileEdgesOfOneToTen() throws {
        // n = 10, p = i/10: h = 9·i/10, edge_i = 1 + 0.9·i → 1.9, 2.8, …, 9.1; each value alone in a bin.
        let profile = try build((1...10).map { .number(Double($0)) })
        #expect(profile.kind == .numeric)
        #expect(isClose(profile.edges, [1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1]))
        #expect(isClose(profile.expected, Array(repeating: 0.1, count: 10)))
        #expect(profile.missingRate == 0)
        #expect(profile.referenceCount == 10)
    }

    @Test func repeatedQuantilesCollapse() throws {
        // Sorted [1,1,1,1,1,1,1,1,2,3]: edges 1–7 have h ≤ 6.3 between two 1s → 1;
        // edge 8: h = 7.2 → 1 + 0.2·1 = 1.2; edge 9: h = 8.1 → 2 + 0.1·1 = 2.1.
        // Bins (−∞,1) [1,1.2) [1.2,2.1) [2.1,∞) hold 0, 8, 1, 1 of 10.
        let values: [Double] = [3, 1, 1, 2, 1, 1, 1, 1, 1, 1]
        let profile = try build(values.map { .number($0) })
        #expect(isClose(profile.edges, [1, 1.2, 2.1]))
        #expect(isClose(profile.expected, [0, 0.8, 0.1, 0.1]))
    }

    @Test func equalWidthEdges() throws {
        // min 0, max 10, 5 bins: width 2, edges 2, 4, 6, 8; 0 → bin 0, 2 → 1, 4 → 2, 10 → 4.
        let profile = try build([0, 2, 4, 10].map { .number($0) }, binCount: 5, binning: .equalWidth)
        #expect(profile.edges == [2, 4, 6, 8])
        #expect(isClose(profile.expected, [0.25, 0.25, 0.25, 0, 0.25]))
    }

    @Test func constantFeatureKeepsOneEdge() throws {
        // Every edge is 5; they collapse to one: (−∞,5) is empty, [5,∞) holds everything.
        let profile = try build([5, 5, 5].map { .number($0) }, binning: .equalWidth)
        #expect(profile.edges == [5])
        #expect(profile.expected == [0, 1])
    }

    @Test func missingAbsentAndNonFiniteValuesCountAsMissing() throws {
        var builder = BaselineBuilder(model: "m", version: "1")
        builder.addReference(["x": .number(1), "c": .text("a")])
        builder.addReference(["x": .number(2), "c": .text("b")])
        builder.addReference(["x": .missing, "c": .text("a")])
        builder.addReference(["c": .text("a")])
        builder.addReference(["x": .number(.nan), "c": .missing])
        let baseline = try builder.build()
        #expect(baseline.features.map(\.name) == ["c", "x"])
        // x: 2 usable values of 5 rows → missing 3/5.
        let x = try #require(baseline.feature(named: "x"))
        #expect(x.missingRate == 0.6)
        // c: a, b, a, a of 5 rows → missing 1/5; a 3/4, b 1/4, other 0.
        let c = try #require(baseline.feature(named: "c"))
        #expect(c.kind == .categorical)
        #expect(c.categories == ["a", "b"])
        #expect(c.expected == [0.75, 0.25, 0])
        #expect(c.missingRate == 0.2)
        #expect(baseline.createdFrom == Baseline.Provenance(referenceRows: 5, testRows: 0))
        #expect(baseline.offline == nil)
    }

    @Test func rareCategoriesBeyondTheLimitGoToOther() throws {
        // Counts a 3, c 2, b 2, d 1 with room for 2: keep a and b (tie with c broken by name);
        // c and d (3 of 8) go to other.
        var builder = BaselineBuilder(model: "m", version: "1", maxCategories: 2)
        for value in ["a", "c", "b", "a", "d", "c", "b", "a"] { builder.addReference(["g": .text(value)]) }
        let profile = try #require(try builder.build().feature(named: "g"))
        #expect(profile.categories == ["a", "b"])
        #expect(profile.expected == [0.375, 0.25, 0.375])  // 3/8, 2/8, 3/8
    }

    @Test func featureWithNumbersAndTextIsAnErrorNamingIt() {
        var builder = BaselineBuilder(model: "m", version: "1")
        builder.addReference(["temp_c": .number(1)])
        builder.addReference(["temp_c": .text("hot")])
        #expect {
            try builder.build()
        } throws: { error in
            let error = error as? BaselineError
            return error?.code == .mixedFeatureKinds && error?.message.contains("temp_c") == true
        }
    }

    @Test(arguments: [1, 1001])
    func binCountOutOfRangeIsRejected(binCount: Int) {
        var builder = BaselineBuilder(model: "m", version: "1", binCount: binCount)
        builder.addReference(["x": .number(1)])
        #expect { try builder.build() } throws: { ($0 as? BaselineError)?.code == .invalidBinCount }
    }

    @Test func noReferenceRowsIsAnError() {
        #expect { try BaselineBuilder(model: "m", version: "1").build() } throws: {
            ($0 as? BaselineError)?.code == .noValues
        }
    }

    @Test func textTestDataMakesClassificationMetrics() throws {
        var builder = BaselineBuilder(model: "m", version: "1")
        builder.addReference(["x": .number(1)])
        // (prediction, label): (ok, ok) (ok, defect) (defect, defect) (ok, ok), plus an unlabelled row.
        for (prediction, label) in [("ok", "ok"), ("ok", "defect"), ("defect", "defect"), ("ok", "ok")] {
            builder.addTest(prediction: .text(prediction), label: .text(label))
        }
        builder.addTest(prediction: .text("ok"), label: .missing)
        let baseline = try builder.build(latencyBudgetMs: 100)
        let offline = try #require(baseline.offline)
        // Classes sorted by name: defect, ok. Correct 3 of 4.
        #expect(offline.classes == ["defect", "ok"])
        #expect(offline.accuracy == 0.75)
        // defect: predicted once, right once; 2 real → P 1, R 1/2. ok: predicted 3, right 2; 2 real → P 2/3, R 1.
        let perClass = try #require(offline.classification?.perClass)
        #expect(perClass[0].precision == 1)
        #expect(perClass[0].recall == 0.5)
        #expect(perClass[1].recall == 1)
        #expect(perClass.map(\.support) == [2, 2])
        #expect(baseline.createdFrom.testRows == 4)
        #expect(baseline.latencyBudgetMs == 100)
    }

    @Test func numericClassIdsJoinWholeNumbersAndTheirText() throws {
        var builder = BaselineBuilder(model: "m", version: "1", task: .classification)
        builder.addReference(["x": .number(1)])
        builder.addTest(prediction: .number(1), label: .text("1"))
        builder.addTest(prediction: .number(0), label: .number(1))
        let offline = try #require(try builder.build().offline)
        #expect(offline.classes == ["0", "1"])
        #expect(offline.accuracy == 0.5)
    }

    @Test func integerPredictionsAndLabelsMakeABinaryClassifier() throws {
        var builder = BaselineBuilder(model: "m", version: "1")
        builder.addReference(["x": .integer(1)])
        // (prediction, label): (1,1) (0,0) (0,1) (0,0) (1,1): 4 of 5 right.
        for (prediction, label) in [(1, 1), (0, 0), (0, 1), (0, 0), (1, 1)] {
            builder.addTest(prediction: .integer(Int64(prediction)), label: .integer(Int64(label)))
        }
        let baseline = try builder.build()
        #expect(baseline.task == .classification)
        #expect(baseline.taskBasis == "2 classes {0, 1} from 5 integer labels")
        #expect(baseline.offline?.classes == ["0", "1"])
        #expect(baseline.offline?.accuracy == 0.8)
        #expect(baseline.offline?.regression == nil)
    }

    @Test func classIdsZeroToNineAreTenClassesInNumericOrder() throws {
        var builder = BaselineBuilder(model: "m", version: "1")
        builder.addReference(["x": .integer(1)])
        // Each class c is labelled twice; the prediction is right the first time, c+1 mod 10 the second.
        for c in 0..<10 {
            builder.addTest(prediction: .integer(Int64(c)), label: .integer(Int64(c)))
            builder.addTest(prediction: .integer(Int64((c + 1) % 10)), label: .integer(Int64(c)))
        }
        let baseline = try builder.build()
        #expect(baseline.task == .classification)
        #expect(baseline.taskBasis == "10 classes {0, 1, 2, 3, 4, 5, 6, 7, 8, 9} from 20 integer labels")
        let offline = try #require(baseline.offline)
        #expect(offline.classes == (0..<10).map(String.init))
        #expect(offline.accuracy == 0.5)
        // Every class: predicted twice (once right), 2 real → precision 1/2, recall 1/2, support 2.
        #expect(offline.classification?.perClass.allSatisfy { $0.precision == 0.5 && $0.recall == 0.5 } == true)
        #expect(offline.classification?.perClass.map(\.support) == Array(repeating: 2, count: 10))
    }

    @Test func aRegressorWithIntegralTargetsIsARegressorWhenToldSo() throws {
        var builder = BaselineBuilder(model: "m", version: "1", task: .regression)
        builder.addReference(["x": .integer(1)])
        // Errors 1, −2, 0, 3: MAE = 6/4 = 1.5; RMSE = √(14/4) = √3.5.
        for (prediction, label) in [(11, 10), (18, 20), (30, 30), (43, 40)] {
            builder.addTest(prediction: .integer(Int64(prediction)), label: .integer(Int64(label)))
        }
        let baseline = try builder.build()
        #expect(baseline.task == .regression)
        #expect(baseline.taskBasis == "4 labelled predictions (task given)")
        let regression = try #require(baseline.offline?.regression)
        #expect(regression.mae == 1.5)
        #expect(abs(regression.rmse - 3.5.squareRoot()) < 1e-12)
        #expect(baseline.offline?.accuracy == nil)
    }

    @Test func oneNumberWithAFractionMakesARegressor() throws {
        var builder = BaselineBuilder(model: "m", version: "1")
        builder.addReference(["x": .integer(1)])
        builder.addTest(prediction: .integer(3), label: .integer(4))
        builder.addTest(prediction: .number(2.5), label: .integer(2))
        let baseline = try builder.build()
        #expect(baseline.task == .regression)
        #expect(
            baseline.taskBasis
                == "2 labelled predictions with numbers such as 2.5, written with a fraction or an exponent")
        #expect(baseline.offline?.regression?.mae == 0.75)  // errors 1 and 0.5
    }

    @Test func classLabelsMixedWithFractionsAreRefusedWithBothExamples() {
        var builder = BaselineBuilder(model: "m", version: "1")
        builder.addReference(["x": .integer(1)])
        builder.addTest(prediction: .text("ok"), label: .text("ok"))
        builder.addTest(prediction: .number(0.73), label: .text("defect"))
        let error = #expect(throws: BaselineError.self) { try builder.build() }
        #expect(error?.code == .invalidTestData)
        #expect(error?.message.contains("mixes class labels (e.g. \"ok\")") == true)
        #expect(error?.message.contains("(e.g. 0.73)") == true)
        #expect(error?.message.contains("--task classification|regression") == true)
    }

    @Test func aClassifierToldSoRefusesAFraction() {
        var builder = BaselineBuilder(model: "m", version: "1", task: .classification)
        builder.addReference(["x": .integer(1)])
        builder.addTest(prediction: .integer(1), label: .number(0.5))
        let error = #expect(throws: BaselineError.self) { try builder.build() }
        #expect(error?.code == .invalidTestData)
        #expect(error?.message.hasSuffix("found 0.5") == true)
    }

    @Test func numericTestDataMakesRegressionMetrics() throws {
        var builder = BaselineBuilder(model: "m", version: "1")
        builder.addReference(["x": .number(1)])
        // Errors 2, 0, −4: MAE = 6/3 = 2; RMSE = √((4 + 0 + 16)/3) = √6.667 ≈ 2.5819889.
        for (prediction, label) in [(3.0, 1.0), (2, 2), (0, 4)] {
            builder.addTest(prediction: .number(prediction), label: .number(label))
        }
        let regression = try #require(try builder.build().offline?.regression)
        #expect(regression.mae == 2)
        #expect(abs(regression.rmse - 2.5819889) < 1e-7)
        #expect(regression.count == 3)
    }

    @Test func regressionWithTextLabelIsAnError() {
        var builder = BaselineBuilder(model: "m", version: "1", task: .regression)
        builder.addReference(["x": .number(1)])
        builder.addTest(prediction: .number(1), label: .text("ok"))
        #expect { try builder.build() } throws: { ($0 as? BaselineError)?.code == .invalidTestData }
    }

    @Test func testRowsWithoutLabelsAreAnError() {
        var builder = BaselineBuilder(model: "m", version: "1")
        builder.addReference(["x": .number(1)])
        builder.addTest(prediction: .text("ok"), label: .missing)
        #expect { try builder.build() } throws: { ($0 as? BaselineError)?.code == .noValues }
    }
}
