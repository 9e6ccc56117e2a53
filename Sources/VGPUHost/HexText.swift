/// Hexadecimal sysfs values (`0x10de`, `0x0000000000000000`, bare `2237`), read as bytes.
///
/// The scan reads several of these for every function; going through Characters (`hasPrefix`,
/// `dropFirst`, `init(_:radix:)` on a new String) was a visible part of a probe's time.
enum HexText {
    /// The value of `text`: `0x` and hex digits, or with `prefixed == false` also bare digits.
    /// Nil for anything else, for more digits than `T` holds plus two leading zeros, and on overflow.
    static func value<T: FixedWidthInteger>(_ text: some StringProtocol, as type: T.Type, prefixed: Bool) -> T? {
        value(bytes: Array(text.utf8)[...], as: type, prefixed: prefixed)
    }

    /// The same, for text still in bytes (the scanner parses `resource` lines without making Strings).
    static func value<T: FixedWidthInteger>(bytes text: ArraySlice<UInt8>, as _: T.Type, prefixed: Bool) -> T? {
        var bytes = text
        if bytes.starts(with: "0x".utf8) {
            bytes = bytes.dropFirst(2)
        } else if prefixed {
            return nil
        }
        guard !bytes.isEmpty, bytes.count <= T.bitWidth / 4 + 2 else { return nil }
        var value: T = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 16)
            guard !overflow else { return nil }
            value = shifted | T(digit)
        }
        return value
    }
}
