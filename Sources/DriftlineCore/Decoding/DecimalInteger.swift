/// Reads a decimal integer (an optional `-` and digits, as JSON writes integers) from bytes.
enum DecimalInteger {
    /// The value of `text`, or `nil` when it is not an optional `-` and one or more digits, or does
    /// not fit 64 bits.
    static func parse(_ text: UnsafeRawBufferPointer) -> Int64? {
        let negative = text.first == UInt8(ascii: "-")
        let digits = text.dropFirst(negative ? 1 : 0)
        guard !digits.isEmpty else { return nil }
        // Accumulated below zero, so Int64.min fits.
        var value: Int64 = 0
        for b in digits {
            let digit = b &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.subtractingReportingOverflow(Int64(digit))
            if overflow1 || overflow2 { return nil }
            value = next
        }
        if negative { return value }
        return value == .min ? nil : -value
    }
}
