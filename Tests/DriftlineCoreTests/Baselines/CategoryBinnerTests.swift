import DriftlineCore
import Testing

@Suite struct CategoryBinnerTests {
    @Test(arguments: [("S355", 0), ("S235", 1), ("", 2), ("S35", 3), ("S3555", 3), ("s355", 3)])
    func valuesMapToTheirCategoryOrOther(value: String, bin: Int) throws {
        let binner = try CategoryBinner(categories: ["S355", "S235", ""])
        #expect(binner.bin(value) == bin)
        var bytes = value
        #expect(bytes.withUTF8 { binner.bin(UnsafeRawBufferPointer($0)) } == bin)
    }

    @Test func manyCategoriesAreAllFound() throws {
        let categories = (0..<300).map { "grade-\($0)" }
        let binner = try CategoryBinner(categories: categories)
        #expect(categories.map(binner.bin) == Array(0..<300))
        #expect(binner.bin("grade-300") == 300)
        #expect(binner.binCount == 301)
    }

    @Test func noCategoriesSendsEverythingToOther() throws {
        #expect(try CategoryBinner(categories: []).bin("anything") == 0)
    }

    @Test func repeatedCategoryIsRejected() {
        #expect { try CategoryBinner(categories: ["a", "b", "a"]) } throws: {
            ($0 as? BaselineError)?.code == .duplicateCategory
        }
    }
}
