import Testing

@testable import DriftlineCore

@Suite struct DecodingByteComparisonTests {
    /// Every length from 0 to 40, equal and with one byte changed at each position, checked
    /// against `Array` equality of the same bytes.
    @Test(arguments: 0...40)
    func agreesWithArrayEqualityAtEveryLengthAndPosition(length: Int) {
        let a = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        a.withUnsafeBytes { left in
            var same = a
            same.withUnsafeBytes { right in #expect(ByteComparison.equal(left, right)) }
            for position in 0..<length {
                same = a
                same[position] ^= 0x40
                same.withUnsafeBytes { right in
                    #expect(ByteComparison.equal(left, right) == (same == a), "length \(length), byte \(position)")
                }
            }
            // A prefix one byte shorter is never equal.
            if length > 0 {
                #expect(!ByteComparison.equal(left, UnsafeRawBufferPointer(rebasing: left.dropLast())))
            }
        }
    }
}
