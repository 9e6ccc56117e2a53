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
        self.init(bytes: Array(text.utf8), vendorsOfInterest: vendorsOfInterest)
    }

    /// Parses pci.ids bytes line by line without building a String per line: only the names kept are
    /// decoded (the file is 1.3 MB; a Character-level split costs tens of milliseconds per probe).
    public init(bytes: [UInt8], vendorsOfInterest: Set<UInt16>) {
        let tab = UInt8(ascii: "\t"), hash = UInt8(ascii: "#"), newline = UInt8(ascii: "\n")
        func hex4(_ at: Int) -> UInt16? {
            guard at + 4 <= bytes.count else { return nil }
            var v: UInt16 = 0
            for b in bytes[at..<at + 4] {
                switch b {
                case 0x30...0x39: v = v << 4 | UInt16(b - 0x30)
                case 0x61...0x66: v = v << 4 | UInt16(b - 0x57)
                case 0x41...0x46: v = v << 4 | UInt16(b - 0x37)
                default: return nil
                }
            }
            return v
        }
        var current: UInt16?
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: newline) ?? bytes.count
            defer { start = end + 1 }
            guard end > start, bytes[start] != hash else { continue }
            if bytes[start] != tab {
                // "10de  NVIDIA Corporation"; class lines ("C 03 ...") end the vendor section.
                current = end - start > 6 ? hex4(start) : nil
                if let id = current { vendors[id] = String(decoding: bytes[(start + 6)..<end], as: UTF8.self) }
                continue
            }
            guard let vendor = current, vendorsOfInterest.contains(vendor), start + 1 < end, bytes[start + 1] != tab,
                  end - start > 7, let device = hex4(start + 1) else { continue }
            devices[UInt32(vendor) << 16 | UInt32(device)] = String(decoding: bytes[(start + 7)..<end], as: UTF8.self)
        }
    }

    /// Loads `path` through `reader`; nil when it cannot be read.
    public static func load(path: String = defaultPath, vendors: Set<UInt16>, reader: any SysfsReader = LiveSysfs()) -> PCIIDDatabase? {
        guard case .success(let bytes) = reader.read(path, limit: 16 << 20) else { return nil }
        return PCIIDDatabase(bytes: bytes, vendorsOfInterest: vendors)
    }

    /// `NVIDIA Corporation AD102GL [L40]`, or nil when the device is not listed.
    public func name(vendor: UInt16, device: UInt16) -> String? {
        devices[UInt32(vendor) << 16 | UInt32(device)]
    }
}
