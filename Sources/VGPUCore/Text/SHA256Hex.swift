/// The SHA-256 digest form VGPUKit stores, checked without Foundation.
extension StringProtocol {
    /// Whether the text is a SHA-256 digest as manifests and the digest cache store it: 64 lower-case
    /// hex digits. Checked as bytes (Character properties cost a Unicode lookup per digit).
    package var isLowercaseSHA256Hex: Bool {
        utf8.count == 64 && utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
