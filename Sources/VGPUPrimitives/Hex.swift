/// The one way VGPUKit writes numbers in hex: lower case, as NVIDIA's headers, nouveau and lspci write
/// registers, ids and FB offsets.
extension DefaultStringInterpolation {
    /// `0x` and `value` in hex: `"\(hex: 0xbf5800000)"` is `0xbf5800000`.
    public mutating func appendInterpolation<T: BinaryInteger>(hex value: T) {
        appendLiteral("0x")
        appendLiteral(String(value, radix: 16))
    }

    /// `value` in hex without `0x`, zero-padded to at least `width` digits: `"\(hexDigits: 0x7, width: 2)"`
    /// is `07`, as hex dumps and PCI ids are written.
    public mutating func appendInterpolation<T: BinaryInteger>(hexDigits value: T, width: Int) {
        let digits = String(value, radix: 16)
        if digits.count < width { appendLiteral(String(repeating: "0", count: width - digits.count)) }
        appendLiteral(digits)
    }

    /// `bytes` as lower-case hex, two digits a byte and no separator: digests (`sha256sum`'s form),
    /// encoded structures and hex dumps. Written digit by digit: the probe formats a digest per file.
    public mutating func appendInterpolation(hexBytes bytes: some Sequence<UInt8>) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        appendLiteral(String(decoding: out, as: UTF8.self))
    }
}
