import Testing

@testable import DriftlineCore

/// The scanner against Foundation's `JSONSerialization` on generated and mutated documents.
///
/// Foundation's leniencies, where the scanner is stricter, so a document only Foundation accepts
/// must be one of these:
/// - a trailing comma before `}` or `]` (`{"a":1,}`), which RFC 8259 does not allow;
/// - a number beyond `Double`'s range that a later repeated member replaces (`{"a":1e400,"a":1}`):
///   Foundation converts numbers lazily and never looks at the replaced one;
/// - a zero byte among the first four, which makes Foundation read the document as UTF-16 or
///   UTF-32 (payloads are UTF-8 by contract).
@Suite struct JSONScannerDifferentialTests {
    @Test func generatedDocumentsParseToTheSameValuesAsFoundation() {
        var random = SeededRandom(seed: 0x5EED_0001)
        for _ in 0..<3_000 {
            var generator = JSONGenerator(random: random)
            let document = generator.document()
            random = generator.random
            let ours = JSONTree.scan(document)
            let theirs = JSONTree.foundation(document)
            let text = String(decoding: document, as: UTF8.self)
            if let theirs {
                switch ours {
                case .success(let tree): #expect(tree == theirs, "\(text)")
                case .failure(let failure): #expect(Self.isReplacedOutOfRangeNumber(document, failure), "\(text)")
                }
            } else {
                // Only a number beyond Double's range (an exponent up to 330 is generated) is invalid.
                #expect(throws: JSONScanner.Failure.self, "\(text)") { _ = try ours.get() }
            }
        }
    }

    @Test func mutatedDocumentsAreAcceptedAndRejectedLikeFoundation() {
        var random = SeededRandom(seed: 0x5EED_0002)
        var accepted = 0
        var rejected = 0
        for _ in 0..<20_000 {
            var generator = JSONGenerator(random: random)
            var document = generator.document()
            let mutations = Int.random(in: 1...3, using: &generator.random)
            for _ in 0..<mutations { generator.mutate(&document) }
            random = generator.random
            let ours = JSONTree.scan(document)
            let theirs = JSONTree.foundation(document)
            let text = String(decoding: document, as: UTF8.self)
            switch (ours, theirs) {
            case (.success(let tree), let reference?):
                accepted += 1
                #expect(tree == reference, "\(text)")
            case (.failure, nil):
                rejected += 1
            case (.success, nil):
                Issue.record("only the scanner accepts: \(document)")
            case (.failure(let failure), _?):
                #expect(
                    Self.isTrailingComma(document, at: failure.offset)
                        || Self.isReplacedOutOfRangeNumber(document, failure)
                        || document.prefix(4).contains(0),
                    "only Foundation accepts: \(failure.reason) at \(failure.offset) in \(Self.excerpt(document, around: failure.offset))"
                )
            }
        }
        // The corpus exercises both sides (counts depend only on the seed).
        #expect(accepted > 1_000)
        #expect(rejected > 10_000)
    }

    @Test(arguments: [511, 512, 513])
    func nestingIsLimitedAtTheSameDepthAsFoundation(depth: Int) {
        let document = Array(
            ("{\"a\":" + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + "}").utf8
        )
        let ours = (try? JSONTree.scan(document).get()) != nil
        #expect(ours == (JSONTree.foundation(document) != nil))
        #expect(ours == (depth <= JSONScanner.maxDepth))
    }

    static func excerpt(_ document: [UInt8], around offset: Int) -> String {
        let window = document[max(0, offset - 24)..<min(document.count, offset + 24)]
        return String(decoding: window, as: UTF8.self).debugDescription + " \(Array(window))"
    }

    /// Whether the failure is an out-of-range number whose replacement by `0` changes nothing
    /// Foundation sees, and after which the scanner reads what Foundation read.
    static func isReplacedOutOfRangeNumber(_ document: [UInt8], _ failure: JSONScanner.Failure) -> Bool {
        guard failure.reason.description == "number out of the range of a 64-bit float" else { return false }
        var end = failure.offset + 1
        while end < document.count, Array("0123456789.eE+-".utf8).contains(document[end]) { end += 1 }
        var patched = document
        patched.replaceSubrange(failure.offset..<end, with: [UInt8(ascii: "0")])
        guard let reference = JSONTree.foundation(document) else { return false }
        return JSONTree.foundation(patched) == reference && (try? JSONTree.scan(patched).get()) == reference
    }

    static func isTrailingComma(_ document: [UInt8], at offset: Int) -> Bool {
        guard offset < document.count, document[offset] == UInt8(ascii: "}") || document[offset] == UInt8(ascii: "]")
        else {
            return false
        }
        var i = offset - 1
        while i >= 0, [0x20, 0x09, 0x0A, 0x0D].contains(document[i]) { i -= 1 }
        return i >= 0 && document[i] == UInt8(ascii: ",")
    }
}

/// Random JSON documents that stress a parser: deep nesting, every escape, surrogate pairs,
/// raw multi-byte UTF-8, odd whitespace and numbers at the edges of `Double`.
struct JSONGenerator {
    var random: SeededRandom

    static let edgeNumbers = [
        "0", "-0", "-0.0", "0.0", "1e308", "-1e308", "1.7976931348623157e308", "5e-324", "4.9406564584124654e-324",
        "2.2250738585072014e-308", "2.2250738585072011e-308", "0.1", "0.30000000000000004", "9007199254740993",
        "-9223372036854775808", "18446744073709551615", "1E+2", "1e-2", "123456789012345678", "3.141592653589793238",
        "1.000000000000000111022302462515654", "2.5e-5", "1e22", "1e23", "8.98846567431158e307",
        "0.000001", "1234567.891011121314", "-12.5E-7", "7.2057594037927933e16", "1e-400",
    ]

    mutating func document() -> [UInt8] {
        var out: [UInt8] = []
        whitespace(&out)
        object(&out, depth: 0)
        whitespace(&out)
        return out
    }

    private mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    private mutating func whitespace(_ out: inout [UInt8]) {
        guard chance(30) else { return }
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            out.append([0x20, 0x09, 0x0A, 0x0D].randomElement(using: &random)!)
        }
    }

    private mutating func object(_ out: inout [UInt8], depth: Int) {
        out.append(UInt8(ascii: "{"))
        let count = Int.random(in: 0...(depth == 0 ? 8 : 4), using: &random)
        for i in 0..<count {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            whitespace(&out)
            string(&out)
            whitespace(&out)
            out.append(UInt8(ascii: ":"))
            whitespace(&out)
            value(&out, depth: depth + 1)
            whitespace(&out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private mutating func value(_ out: inout [UInt8], depth: Int) {
        switch Int.random(in: 0..<10, using: &random) {
        case 0 where depth < 6: object(&out, depth: depth)
        case 1 where depth < 6:
            out.append(UInt8(ascii: "["))
            let count = Int.random(in: 0...4, using: &random)
            for i in 0..<count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                whitespace(&out)
                value(&out, depth: depth + 1)
                whitespace(&out)
            }
            out.append(UInt8(ascii: "]"))
        case 2, 3: string(&out)
        case 4: out.append(contentsOf: ["true", "false", "null"].randomElement(using: &random)!.utf8)
        default: number(&out)
        }
    }

    private mutating func string(_ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for _ in 0..<Int.random(in: 0...8, using: &random) {
            switch Int.random(in: 0..<12, using: &random) {
            case 0:
                out.append(
                    contentsOf: ["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"].randomElement(
                        using: &random)!.utf8)
            case 1:
                let scalar = [
                    0x0000, 0x001F, 0x007F, 0x00E9, 0x20AC, 0xFFFF, Int.random(in: 0...0xD7FF, using: &random),
                ]
                .randomElement(using: &random)!
                out.append(contentsOf: hexEscape(scalar).utf8)
            case 2:
                let high = Int.random(in: 0xD800...0xDBFF, using: &random)
                let low = Int.random(in: 0xDC00...0xDFFF, using: &random)
                out.append(contentsOf: (hexEscape(high) + hexEscape(low)).utf8)
            case 3: out.append(contentsOf: ["é", "€", "😀", "中", "\u{7F}", "ÿ"].randomElement(using: &random)!.utf8)
            default:
                let b = UInt8.random(in: 0x20...0x7E, using: &random)
                out.append(b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") ? UInt8(ascii: "x") : b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func hexEscape(_ scalar: Int) -> String {
        let hex = String(scalar, radix: 16, uppercase: chance(50))
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    private mutating func number(_ out: inout [UInt8]) {
        if chance(40) {
            out.append(contentsOf: Self.edgeNumbers.randomElement(using: &random)!.utf8)
            return
        }
        var text = chance(30) ? "-" : ""
        text += chance(20) ? "0" : String(Int.random(in: 1...Int(Int32.max), using: &random))
        if chance(40) {
            text +=
                "."
                + (0..<Int.random(in: 1...20, using: &random)).map { _ in String(Int.random(in: 0...9, using: &random))
                }.joined()
        }
        if chance(30) {
            text +=
                ["e", "E"].randomElement(using: &random)! + ["", "+", "-"].randomElement(using: &random)!
                + String(Int.random(in: 0...330, using: &random))
        }
        out.append(contentsOf: text.utf8)
    }

    static let interestingBytes: [UInt8] =
        Array("\"\\{}[],:0123456789eE-+.utnfl /".utf8) + [
            0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xED, 0xF0, 0xF4, 0xFF,
        ]

    mutating func mutate(_ document: inout [UInt8]) {
        guard !document.isEmpty else { return }
        let at = Int.random(in: 0..<document.count, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: document[at] = Self.interestingBytes.randomElement(using: &random)!
        case 1: document.removeSubrange(at...)
        case 2: document.insert(Self.interestingBytes.randomElement(using: &random)!, at: at)
        default: document.remove(at: at)
        }
    }
}
