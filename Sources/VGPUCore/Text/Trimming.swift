/// Trimming without Foundation.
///
/// `trimmingCharacters(in:)` lives in the full Foundation module, and one call to it links all of
/// Foundation and ICU (~45 MB) into a static `vgpu-probe` (docs/performance.md). Sysfs attributes and
/// command-line values only ever need spaces and tabs removed, so this is all VGPUKit uses. It works on
/// UTF-8 bytes: the probe trims every line of every VF's `creatable_vgpu_types`.
extension Substring {
    /// The text without leading and trailing spaces and tabs.
    package var trimmingBlanks: String {
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        guard let first = utf8.firstIndex(where: { !blank($0) }), let last = utf8.lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    package var trimmingBlanks: String { self[...].trimmingBlanks }
}
