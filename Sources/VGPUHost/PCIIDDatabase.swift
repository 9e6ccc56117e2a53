/// Device names from the pci.ids database (Debian `pci.ids`, /usr/share/misc/pci.ids).
///
/// Only the vendors asked for are kept, so loading costs one pass over the 1.3 MB file and little memory.
public struct PCIIDDatabase: Sendable {
    /// The default location on Debian.
    public static let defaultPath = "/usr/share/misc/pci.ids"

    /// Vendor names by id.
    public private(set) var vendors: [UInt16: String] = [:]
    /// Device names by (vendor, device).
    public private(set) var devices: [UInt32: String] = [:]

    /// Parses pci.ids text, keeping devices of `vendorsOfInterest` (all vendor names are kept).
    public init(text: String, vendorsOfInterest: Set<UInt16>) {
        var current: UInt16?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let first = line.first, first != "#" else { continue }
            if first != "\t" {
                // "10de  NVIDIA Corporation"; class lines ("C 03 ...") end the vendor section.
                let id = UInt16(line.prefix(4), radix: 16)
                current = line.count > 6 ? id : nil
                if let id { vendors[id] = String(line.dropFirst(6)) }
                continue
            }
            guard let vendor = current, vendorsOfInterest.contains(vendor) else { continue }
            if line.dropFirst().first == "\t" { continue }  // subsystem lines
            let body = line.dropFirst()
            if let device = UInt16(body.prefix(4), radix: 16), body.count > 6 {
                devices[UInt32(vendor) << 16 | UInt32(device)] = String(body.dropFirst(6))
            }
        }
    }

    /// Loads `path` through `reader`; nil when it cannot be read.
    public static func load(path: String = defaultPath, vendors: Set<UInt16>, reader: any SysfsReader = LiveSysfs()) -> PCIIDDatabase? {
        guard case .success(let bytes) = reader.read(path, limit: 16 << 20) else { return nil }
        return PCIIDDatabase(text: String(decoding: bytes, as: UTF8.self), vendorsOfInterest: vendors)
    }

    /// `NVIDIA Corporation AD102GL [L40]`, or nil when the device is not listed.
    public func name(vendor: UInt16, device: UInt16) -> String? {
        devices[UInt32(vendor) << 16 | UInt32(device)]
    }
}
