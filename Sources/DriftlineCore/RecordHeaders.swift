/// Transport headers of one record (Kafka record headers) in the flat form record batches keep
/// them in: for each header a little-endian `UInt16` name length, the name, a little-endian
/// `UInt32` value length (`UInt32.max` for a null value) and the value.
public enum RecordHeaders {
    /// Appends one header to `bytes`; names longer than 65,535 bytes are cut there.
    public static func append(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?, to bytes: inout [UInt8]) {
        let nameCount = min(name.count, Int(UInt16.max))
        withUnsafeBytes(of: UInt16(nameCount).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: name[0..<nameCount]))
        withUnsafeBytes(of: (value.map { UInt32($0.count) } ?? UInt32.max).littleEndian) {
            bytes.append(contentsOf: $0)
        }
        if let value { bytes.append(contentsOf: value) }
    }

    /// The value of the last header called `name` in `encoded`; nil when there is none or it is null.
    public static func value(
        named name: UnsafeRawBufferPointer, in encoded: UnsafeRawBufferPointer
    )
        -> UnsafeRawBufferPointer?
    {
        var found: UnsafeRawBufferPointer?
        var offset = 0
        while offset + 2 <= encoded.count {
            let nameCount = Int(UInt16(encoded[offset]) | UInt16(encoded[offset + 1]) << 8)
            let nameStart = offset + 2
            let lengthStart = nameStart + nameCount
            guard lengthStart + 4 <= encoded.count else { return found }
            var length: UInt32 = 0
            for i in 0..<4 { length |= UInt32(encoded[lengthStart + i]) << (8 * i) }
            let valueStart = lengthStart + 4
            let valueCount = length == .max ? 0 : Int(length)
            guard valueStart + valueCount <= encoded.count else { return found }
            if nameCount == name.count
                && UnsafeRawBufferPointer(rebasing: encoded[nameStart..<lengthStart]).elementsEqual(name)
            {
                found =
                    length == .max
                    ? nil : UnsafeRawBufferPointer(rebasing: encoded[valueStart..<(valueStart + valueCount)])
            }
            offset = valueStart + valueCount
        }
        return found
    }
}
