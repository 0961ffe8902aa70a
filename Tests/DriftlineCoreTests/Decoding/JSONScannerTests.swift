import Foundation
import Testing

@testable import DriftlineCore

/// The scanner's pieces: strings, escapes and numbers, checked against independent references.
@Suite struct JSONScannerTests {
    private func scan(_ json: String) -> Result<JSONTree, JSONScanner.Failure> { JSONTree.scan(Array(json.utf8)) }

    @Test(arguments: [
        (#"{"a":"plain"}"#, "plain"),
        (#"{"a":"\"\\\/\b\f\n\r\t"}"#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#"{"a":"\u00e9\u20AC"}"#, "é€"),
        (#"{"a":"\ud83d\ude00 and \uD834\uDD1E"}"#, "😀 and 𝄞"),
        (#"{"a":"\u0000"}"#, "\u{0}"),
        (
            #"{"a":"before \n after, long enough for the eight-byte steps"}"#,
            "before \n after, long enough for the eight-byte steps"
        ),
    ])
    func escapesAreUnescaped(json: String, expected: String) throws {
        #expect(try scan(json).get() == .object([Array("a".utf8): .string(Array(expected.utf8))]))
    }

    @Test(
        arguments: [
            (#"{"a":"\x"}"#, "invalid escape sequence"),
            (#"{"a":"\u12"}"#, "invalid \\u escape (expected four hex digits)"),
            (#"{"a":"\udc00"}"#, "unpaired low surrogate in a \\u escape"),
            (#"{"a":"\ud800\u0041"}"#, "high surrogate not followed by a low surrogate escape"),
            ("{\"a\":\"tab\there\"}", "unescaped control character in a string"),
            (#"{"a":01}"#, "number with a leading zero"),
            (#"{"a":1.}"#, "invalid number (expected a digit after '.')"),
            (#"{"a":1e}"#, "invalid number (expected a digit in the exponent)"),
            (#"{"a":-}"#, "invalid number (expected a digit)"),
            (#"{"a":1e309}"#, "number out of the range of a 64-bit float"),
            (#"{"a":1} x"#, "unexpected data after the top-level value"),
            (#"{"a":1"#, "unexpected end of document in an object"),
            (#"{"a":nul}"#, "invalid literal (expected true, false or null)"),
        ] as [(String, String?)])
    func invalidDocumentsFailWithAReason(json: String, reason: String?) {
        guard case .failure(let failure) = scan(json) else {
            Issue.record("accepted \(json)")
            return
        }
        if let reason { #expect(failure.reason.description == reason) }
    }

    @Test func invalidUTF8IsRejectedLikeSwiftStringValidationDoes() {
        // Every two- and three-byte sequence behind a lead byte: the scanner accepts exactly what
        // Swift's own UTF-8 validation accepts.
        for lead in UInt8(0x80)...UInt8(0xFF) {
            for second in stride(from: 0x00, through: 0xFF, by: 0x0F).map(UInt8.init) {
                for third in [UInt8(0x41), 0x80, 0xBF, 0xC0] {
                    let content = [lead, second, third]
                    let document = Array(#"{"a":""#.utf8) + content + Array(#""}"#.utf8)
                    let valid =
                        String(validating: content, as: UTF8.self) != nil
                        && !content.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
                    let accepted = (try? JSONTree.scan(document).get()) != nil
                    #expect(accepted == valid, "\(content)")
                }
            }
        }
    }

    @Test func numbersAreCorrectlyRoundedLikeSwiftsOwnParser() throws {
        // Swift's Double(String) is correctly rounded; it is the second method for every text here,
        // including mantissas longer than Foundation's 38-digit decimals.
        var texts = JSONGenerator.edgeNumbers.filter { $0 != "1e-400" }
        texts += [
            "1.00000000000000011102230246251565404236316680908203125",  // halfway: rounds to even (1.0)
            "1.00000000000000011102230246251565404236316680908203125000000001",  // just above halfway
            "123456789012345678901234567890", "0.000000000000000000000000000000000001234", "2.2250738585072012e-308",
            "1e-323",
            "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000.0",
        ]
        var random = SeededRandom(seed: 0xD0_0B1E)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF)
            texts.append("\(value)")
            texts.append(String(format: "%.17e", value))
            texts.append(String(format: "%.\(Int.random(in: 1...25, using: &random))g", value))
        }
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 1_024)
        defer { scratch.deallocate() }
        for text in texts where !text.contains("inf") && !text.contains("nan") {
            let expected = try #require(Double(text), "\(text)")
            let (value, numberText) = try Array((text + "}").utf8).withUnsafeBytes { bytes in
                var scanner = JSONScanner(bytes, scratch: scratch)
                let number = try scanner.readNumber()
                return (number.value, Array(number.text))
            }
            #expect(value.bitPattern == expected.bitPattern, "\(text)")
            #expect(numberText == Array(text.utf8))
        }
    }
}
