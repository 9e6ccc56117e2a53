import VGPUPrimitives

/// Bounds-checked little-endian reads from a whole (small) firmware file.
///
/// Every read names the field it is for, so a short or hostile file yields an error that says which
/// field ran off the end instead of a trap.
struct LittleEndianReader {
    /// The file's bytes.
    let bytes: [UInt8]
    /// The file's path, for errors.
    let file: String

    /// Reads the u32 at `offset`, failing with `.truncated` naming `field`.
    func u32(at offset: UInt64, field: String) throws(FirmwareError) -> UInt32 {
        try checkRange(offset: offset, size: 4, field: field, truncation: true)
        return UInt32(truncatingIfNeeded: LittleEndian.get(bytes, Int(offset), 4))
    }

    /// Reads `count` consecutive u32 values starting at `offset`; `fields` names each one.
    func u32s(at offset: UInt64, fields: [String]) throws(FirmwareError) -> [UInt32] {
        var values: [UInt32] = []
        values.reserveCapacity(fields.count)
        for (i, name) in fields.enumerated() {
            values.append(try u32(at: offset + UInt64(i) * 4, field: name))
        }
        return values
    }

    /// Fails unless `offset + size` lies inside the file.
    ///
    /// - Parameter truncation: report `.truncated` (a header the file is too short for) instead of
    ///   `.outOfBounds` (a stored offset that points outside).
    func checkRange(offset: UInt64, size: UInt64, field: String, truncation: Bool = false) throws(FirmwareError) {
        let limit = UInt64(bytes.count)
        let (end, overflow) = offset.addingReportingOverflow(size)
        guard !overflow, end <= limit else {
            if truncation {
                let needed = overflow ? Int.max : Int(clamping: end)
                throw FirmwareError(file: file, field: field, problem: .truncated(needed: needed, available: bytes.count))
            }
            throw FirmwareError(file: file, field: field, problem: .outOfBounds(offset: offset, size: size, limit: limit))
        }
    }
}
