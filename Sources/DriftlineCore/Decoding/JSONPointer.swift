/// An RFC 6901 JSON Pointer, split into its unescaped reference tokens.
struct JSONPointer: Equatable {
    /// The reference tokens as UTF-8 bytes, with `~1` turned into `/` and `~0` into `~`.
    var tokens: [[UInt8]]

    /// Parses `text`; nil unless it is empty (the whole document) or starts with `/` and every
    /// `~` is followed by `0` or `1`.
    init?(_ text: String) {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else {
            tokens = []
            return
        }
        guard utf8[0] == UInt8(ascii: "/") else { return nil }
        var tokens: [[UInt8]] = [[]]
        var i = 1
        while i < utf8.count {
            let b = utf8[i]
            if b == UInt8(ascii: "/") {
                tokens.append([])
            } else if b == UInt8(ascii: "~") {
                guard i + 1 < utf8.count, utf8[i + 1] == UInt8(ascii: "0") || utf8[i + 1] == UInt8(ascii: "1") else {
                    return nil
                }
                tokens[tokens.count - 1].append(
                    utf8[i + 1] == UInt8(ascii: "0") ? UInt8(ascii: "~") : UInt8(ascii: "/"))
                i += 1
            } else {
                tokens[tokens.count - 1].append(b)
            }
            i += 1
        }
        self.tokens = tokens
    }

    /// The array index a token stands for: `0` or digits without a leading zero; nil otherwise.
    static func arrayIndex(_ token: [UInt8]) -> Int? {
        guard !token.isEmpty, token.count <= 9, token.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }),
            token == [UInt8(ascii: "0")] || token[0] != UInt8(ascii: "0")
        else { return nil }
        return token.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
