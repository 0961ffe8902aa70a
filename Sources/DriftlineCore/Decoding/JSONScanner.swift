#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-pass byte scanner over one JSON document, validating as strictly as a full parser.
///
/// Strings come back as the raw byte range of the payload when they hold no backslash, and are
/// unescaped into a caller-owned scratch buffer only when one is seen; numbers are converted
/// with Clinger's fast path and fall back to `strtod` so the result is correctly rounded. Values
/// that nobody asked for are skipped but still validated, nested to at most `maxDepth` levels.
///
/// The scratch buffer must hold at least `count + 1` bytes. A string or number returned by the
/// scanner may live in that buffer, so it is valid only until the next token is read.
struct JSONScanner {
    /// Why and where a document is not valid JSON.
    struct Failure: Error, Equatable {
        /// Byte offset of the offending byte (the payload's length for an unexpected end).
        var offset: Int
        var reason: StaticString

        static func == (lhs: Failure, rhs: Failure) -> Bool {
            lhs.offset == rhs.offset && lhs.reason.description == rhs.reason.description
        }
    }

    /// A scanned JSON number: its value and where its text sits in the document.
    struct Number {
        var value: Double
        /// The number's text, inside the document.
        var text: UnsafeRawBufferPointer
        /// No fraction and no exponent: the text is an integer.
        var isInteger: Bool
    }

    /// What the next value is, judged by its first byte.
    enum ValueStart {
        case object, array, string, number, literal
    }

    /// The deepest nesting of objects and arrays accepted (the top-level object is level 1).
    static let maxDepth = 512

    private let base: UnsafePointer<UInt8>
    let count: Int
    private(set) var position = 0
    private var depth = 0
    private let scratch: UnsafeMutablePointer<UInt8>

    init(_ document: UnsafeRawBufferPointer, scratch: UnsafeMutablePointer<UInt8>) {
        self.count = document.count
        self.scratch = scratch
        if let address = document.baseAddress, document.count > 0 {
            base = address.assumingMemoryBound(to: UInt8.self)
        } else {
            base = UnsafePointer(scratch)
        }
    }

    // MARK: - Bytes and structure

    /// The byte at `index`, or 0 past the end (0 is never valid outside a string).
    @inline(__always)
    private func byte(_ index: Int) -> UInt8 {
        index < count ? base[index] : 0
    }

    /// The bytes `range` of the document.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    @inline(__always)
    private func fail(_ reason: StaticString, at offset: Int) -> Failure {
        Failure(offset: offset, reason: reason)
    }

    /// Skips a UTF-8 byte order mark at the very start, as Foundation's parser does.
    mutating func skipByteOrderMark() {
        if position == 0 && count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            position = 3
        }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            let b = base[position]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            position += 1
        }
    }

    /// The next byte after whitespace, 0 at the end of the document.
    @inline(__always)
    mutating func peek() -> UInt8 {
        if position < count {
            let b = base[position]
            if b > 0x20 { return b }
        }
        skipWhitespace()
        return byte(position)
    }

    /// Classifies the value that starts at the next non-whitespace byte.
    @inline(__always)
    mutating func valueStart() throws(Failure) -> ValueStart {
        switch peek() {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return .literal
        default: throw noValue()
        }
    }

    @inline(never)
    private func noValue() -> Failure {
        position >= count
            ? fail("unexpected end of document, expected a value", at: position)
            : fail("expected a value", at: position)
    }

    /// Fails unless only whitespace is left.
    mutating func expectEnd() throws(Failure) {
        skipWhitespace()
        if position < count { throw fail("unexpected data after the top-level value", at: position) }
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        if depth > Self.maxDepth { throw fail("objects and arrays nested too deeply", at: position) }
    }

    /// Consumes `{`; returns false (having consumed `}`) when the object is empty.
    mutating func beginObject() throws(Failure) -> Bool {
        try enter()
        position += 1
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return false
        }
        return true
    }

    /// Reads a member name and the `:` after it; the name is valid until the next token.
    @inline(__always)
    mutating func readKey() throws(Failure) -> UnsafeRawBufferPointer {
        guard peek() == UInt8(ascii: "\"") else { throw inObject("expected a member name") }
        let key = try readString()
        guard peek() == UInt8(ascii: ":") else { throw inObject("expected ':' after a member name") }
        position += 1
        return key
    }

    /// `reason`, or an unexpected end when the document ends here.
    @inline(never)
    private func inObject(_ reason: StaticString) -> Failure {
        fail(position >= count ? "unexpected end of document in an object" : reason, at: position)
    }

    /// After a member's value: true (having consumed `,`) when another member follows, false at `}`.
    @inline(__always)
    mutating func nextMember() throws(Failure) -> Bool {
        switch peek() {
        case UInt8(ascii: ","):
            position += 1
            return true
        case UInt8(ascii: "}"):
            position += 1
            depth -= 1
            return false
        default:
            throw inObject("expected ',' or '}' in an object")
        }
    }

    /// Consumes `[`; returns false (having consumed `]`) when the array is empty.
    mutating func beginArray() throws(Failure) -> Bool {
        try enter()
        position += 1
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return false
        }
        return true
    }

    /// After an element: true (having consumed `,`) when another element follows, false at `]`.
    mutating func nextElement() throws(Failure) -> Bool {
        switch peek() {
        case UInt8(ascii: ","):
            position += 1
            return true
        case UInt8(ascii: "]"):
            position += 1
            depth -= 1
            return false
        default:
            throw fail(
                position >= count ? "unexpected end of document in an array" : "expected ',' or ']' in an array",
                at: position)
        }
    }

    /// Validates and skips the next value, whatever its kind and depth.
    mutating func skipValue() throws(Failure) {
        switch try valueStart() {
        case .object:
            guard try beginObject() else { return }
            repeat {
                _ = try readKey()
                try skipValue()
            } while try nextMember()
        case .array:
            guard try beginArray() else { return }
            repeat {
                try skipValue()
            } while try nextElement()
        case .string:
            try skipString()
        case .number:
            _ = try readNumber()
        case .literal:
            _ = try readLiteral()
        }
    }

    // MARK: - Literals

    /// Reads `true`, `false` or `null`: the boolean, or nil for `null`.
    mutating func readLiteral() throws(Failure) -> Bool? {
        let start = position
        switch byte(start) {
        case UInt8(ascii: "t") where matches("true", at: start):
            position += 4
            return true
        case UInt8(ascii: "f") where matches("false", at: start):
            position += 5
            return false
        case UInt8(ascii: "n") where matches("null", at: start):
            position += 4
            return nil
        default:
            throw fail("invalid literal (expected true, false or null)", at: start)
        }
    }

    private func matches(_ literal: StaticString, at start: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard start + n <= count else { return false }
        return memcmp(base + start, literal.utf8Start, n) == 0
    }

    // MARK: - Strings

    /// Reads the string at the current position (which must be `"`), unescaped.
    @inline(__always)
    mutating func readString() throws(Failure) -> UnsafeRawBufferPointer {
        // Fast path: plain ASCII up to the closing quote, found eight bytes at a time.
        let start = position + 1
        var p = start
        while p + 8 <= count {
            let special = Self.specialBytes(
                UInt64(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)))
            if special != 0 {
                p += special.trailingZeroBitCount >> 3
                if base[p] == UInt8(ascii: "\"") {
                    position = p + 1
                    return UnsafeRawBufferPointer(start: base + start, count: p - start)
                }
                break
            }
            p += 8
        }
        return try readStringSlowly()
    }

    @inline(never)
    private mutating func readStringSlowly() throws(Failure) -> UnsafeRawBufferPointer {
        try scanString(unescape: true)
    }

    /// Validates and skips the string at the current position (which must be `"`).
    mutating func skipString() throws(Failure) {
        _ = try scanString(unescape: false)
    }

    @inline(__always)
    private mutating func scanString(unescape: Bool) throws(Failure) -> UnsafeRawBufferPointer {
        position += 1
        let start = position
        while true {
            // Eight bytes at a time while none is special: '"', '\\', a control byte or non-ASCII.
            while position + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                let special = Self.specialBytes(word)
                if special != 0 {
                    position += special.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            let b = byte(position)
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(start: base + start, count: position - start)
                position += 1
                return raw
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw controlOrEnd() }
            if b >= 0x80 { try skipUTF8Sequence() } else { position += 1 }
        }
        return try scanEscapedString(from: start, unescape: unescape)
    }

    /// The high bit of every byte of `word` (loaded little-endian) that is `"`, `\`, below 0x20 or
    /// at least 0x80. Bytes above the lowest flagged one may be flagged falsely (a borrow carries
    /// into them); the lowest flag is always exact.
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = word &- (ones &* 0x20)
        return (zeroQuote | zeroBackslash | control | word) & highs
    }

    private func controlOrEnd() -> Failure {
        position >= count
            ? fail("unexpected end of document in a string", at: position)
            : fail("unescaped control character in a string", at: position)
    }

    /// The rest of a string that holds a backslash; the bytes before it are `start..<position`.
    private mutating func scanEscapedString(
        from start: Int, unescape: Bool
    ) throws(Failure)
        -> UnsafeRawBufferPointer
    {
        var written = 0
        if unescape {
            written = position - start
            scratch.update(from: base + start, count: written)
        }
        var runStart = position
        while true {
            let b = byte(position)
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                if unescape {
                    let run = position - runStart
                    (scratch + written).update(from: base + runStart, count: run)
                    written += run
                }
                if b == UInt8(ascii: "\"") {
                    position += 1
                    return UnsafeRawBufferPointer(start: scratch, count: unescape ? written : 0)
                }
                written += try scanEscape(into: scratch + written, unescape: unescape)
                runStart = position
            } else if b < 0x20 {
                throw controlOrEnd()
            } else if b >= 0x80 {
                try skipUTF8Sequence()
            } else {
                position += 1
            }
        }
    }

    /// Reads one escape sequence at `position` (the backslash); returns how many bytes it wrote.
    private mutating func scanEscape(into out: UnsafeMutablePointer<UInt8>, unescape: Bool) throws(Failure) -> Int {
        let escapeStart = position
        let simple: UInt8
        switch byte(position + 1) {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            position += 2
            var scalar = try readHex4()
            if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw fail("unpaired low surrogate in a \\u escape", at: escapeStart)
            }
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                guard byte(position) == UInt8(ascii: "\\") && byte(position + 1) == UInt8(ascii: "u") else {
                    throw fail("high surrogate not followed by a low surrogate escape", at: escapeStart)
                }
                position += 2
                let low = try readHex4()
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw fail("high surrogate not followed by a low surrogate escape", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            return unescape ? Self.writeUTF8(scalar, to: out) : 0
        default:
            throw fail(
                position + 1 >= count ? "unexpected end of document in a string" : "invalid escape sequence",
                at: escapeStart)
        }
        position += 2
        if unescape { out.pointee = simple }
        return 1
    }

    private mutating func readHex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 {
            let b = byte(position + offset)
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\u escape (expected four hex digits)", at: position + offset)
            }
            value = value << 4 | UInt32(digit)
        }
        position += 4
        return value
    }

    private static func writeUTF8(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case 0..<0x80:
            out[0] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | scalar >> 6)
            out[1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | scalar >> 12)
            out[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            out[0] = UInt8(0xF0 | scalar >> 18)
            out[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            out[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
    }

    /// Validates one multi-byte UTF-8 sequence at `position` (Unicode's table of well-formed
    /// sequences: no overlong forms, no surrogates, nothing above U+10FFFF) and steps over it.
    private mutating func skipUTF8Sequence() throws(Failure) {
        let lead = byte(position)
        let length: Int
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondLow = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondHigh = 0x9F
        case 0xF0: length = 4; secondLow = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondHigh = 0x8F
        default: throw fail("invalid UTF-8 in a string", at: position)
        }
        let second = byte(position + 1)
        guard second >= secondLow && second <= secondHigh else { throw fail("invalid UTF-8 in a string", at: position) }
        for offset in 2..<length {
            guard byte(position + offset) & 0xC0 == 0x80 else { throw fail("invalid UTF-8 in a string", at: position) }
        }
        position += length
    }

    // MARK: - Numbers

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// Reads the number at the current position under JSON's grammar, correctly rounded.
    mutating func readNumber() throws(Failure) -> Number {
        // The whole number is read through the local index `p`; `position` is written once.
        let start = position
        var p = start
        let negative = byte(p) == UInt8(ascii: "-")
        if negative { p += 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var truncated = false

        let first = byte(p)
        if first == UInt8(ascii: "0") {
            p += 1
            if isDigit(byte(p)) { throw fail("number with a leading zero", at: start) }
        } else if isDigit(first) {
            var digit = first &- UInt8(ascii: "0")
            repeat {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    significantDigits += 1
                } else {
                    exponent += 1
                    truncated = truncated || digit != 0
                }
                p += 1
                digit = byte(p) &- UInt8(ascii: "0")
            } while digit < 10
        } else {
            throw fail("invalid number (expected a digit)", at: p)
        }

        var isInteger = true
        if byte(p) == UInt8(ascii: ".") {
            isInteger = false
            p += 1
            var digit = byte(p) &- UInt8(ascii: "0")
            guard digit < 10 else { throw fail("invalid number (expected a digit after '.')", at: p) }
            repeat {
                if mantissa == 0 && digit == 0 {
                    exponent -= 1
                } else if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    significantDigits += 1
                    exponent -= 1
                } else {
                    truncated = truncated || digit != 0
                }
                p += 1
                digit = byte(p) &- UInt8(ascii: "0")
            } while digit < 10
        }

        let e = byte(p)
        if e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            isInteger = false
            p += 1
            var exponentNegative = false
            if byte(p) == UInt8(ascii: "+") || byte(p) == UInt8(ascii: "-") {
                exponentNegative = byte(p) == UInt8(ascii: "-")
                p += 1
            }
            guard isDigit(byte(p)) else { throw fail("invalid number (expected a digit in the exponent)", at: p) }
            var written = 0
            while isDigit(byte(p)) {
                if written < 100_000 { written = written * 10 + Int(byte(p) &- UInt8(ascii: "0")) }
                p += 1
            }
            exponent += exponentNegative ? -written : written
        }
        position = p

        let value: Double
        if mantissa == 0 {
            value = negative ? -0.0 : 0.0
        } else if !truncated && significantDigits <= 15 && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            let magnitude = exponent >= 0 ? m * Self.powerOfTen(exponent) : m / Self.powerOfTen(-exponent)
            value = negative ? -magnitude : magnitude
        } else {
            value = convertSlowly(start..<p)
        }
        guard value.isFinite else { throw fail("number out of the range of a 64-bit float", at: start) }
        return Number(value: value, text: bytes(start..<p), isInteger: isInteger)
    }

    /// 10^`exponent` for 0 ... 22, the powers of ten a `Double` holds exactly (Clinger's fast path);
    /// a switch over constants, which the compiler turns into one table load.
    @inline(__always)
    private static func powerOfTen(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        case 22: 1e22
        default: .nan
        }
    }

    /// Correctly rounded conversion of an already validated number through the C library.
    ///
    /// `strtod` reads the decimal separator of the C locale, which a process has unless it calls
    /// `setlocale`; the engine never does.
    private func convertSlowly(_ range: Range<Int>) -> Double {
        scratch.update(from: base + range.lowerBound, count: range.count)
        scratch[range.count] = 0
        return scratch.withMemoryRebound(to: CChar.self, capacity: range.count + 1) { text in
            strtod(text, nil)
        }
    }
}
