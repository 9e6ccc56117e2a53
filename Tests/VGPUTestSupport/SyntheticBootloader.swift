/// A minimal valid RISC-V bootloader bin built from scratch, for tests that need one without the real
/// firmware: NVIDIA's 24-byte bin header, the 84-byte descriptor, a 0x100-byte payload.
public enum SyntheticBootloader {
    /// The file's bytes.
    public static func bytes() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 0x6c + 0x100)
        for (i, v) in [0x10de, 1, 0x200, 0x18, 0x6c, 0x100].enumerated() { put(&b, i * 4, UInt32(v)) }
        put(&b, 0x18, UInt32(5))               // version
        put(&b, 0x18 + 4 * 2, UInt32(0x40))    // bootloaderSize
        return b
    }
}
