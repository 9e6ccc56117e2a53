/// Little-endian field access: for every byte layout VGPUCore encodes with explicit offsets
/// (GspFwWprMeta, GSP_VF_INFO, LibOS arguments, queue messages, RM controls) and for the firmware
/// containers VGPUFirmwareFormats reads (after checking the range; these trap outside the array).
public enum LittleEndian {
    /// Stores the low `width` bytes of `value` at `offset`.
    @inlinable
    public static func put(_ b: inout [UInt8], _ offset: Int, _ value: UInt64, _ width: Int) {
        for i in 0..<width { b[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    /// Loads `width` bytes at `offset`. Inlinable: the PCI config decoder calls it for every field of
    /// every function a host has.
    @inlinable
    public static func get(_ b: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
        (0..<width).reduce(0) { $0 | UInt64(b[offset + $1]) << (8 * UInt64($1)) }
    }
}
