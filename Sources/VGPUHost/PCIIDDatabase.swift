#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Device names from the pci.ids database (Debian `pci.ids`, /usr/share/misc/pci.ids).
///
/// Only the names asked for are decoded, so loading costs one pass over the 1.3 MB file and little memory.
public struct PCIIDDatabase: Sendable {
    /// The default location on Debian.
    public static let defaultPath = "/usr/share/misc/pci.ids"

    /// Vendor names by id, for the vendors of interest.
    public private(set) var vendors: [UInt16: String] = [:]
    /// Device names by (vendor << 16 | device), for the vendors (or devices) of interest.
    public private(set) var devices: [UInt32: String] = [:]

    /// Parses pci.ids text, keeping the names of `vendorsOfInterest` and their devices.
    public init(text: String, vendorsOfInterest: Set<UInt16>) {
        self.init(bytes: Array(text.utf8), vendorsOfInterest: vendorsOfInterest)
    }

    /// Parses pci.ids bytes, keeping the names of `vendorsOfInterest` and of their devices; with
    /// `devicesOfInterest` (keys `vendor << 16 | device`), only those devices.
    ///
    /// Each vendor's section is found by comparing the start of each line with the vendor's line
    /// (`10de  NVIDIA Corporation`; ids are lower case) and only that section is parsed; no String is
    /// built for a line that is not kept. A probe needs a handful of the file's 38,000 names, and loads
    /// them on every run.
    public init(bytes: [UInt8], vendorsOfInterest: Set<UInt16>, devicesOfInterest: Set<UInt32>? = nil) {
        self = bytes.withUnsafeBytes { PCIIDDatabase(contents: $0, vendorsOfInterest: vendorsOfInterest, devicesOfInterest: devicesOfInterest) }
    }

    /// The parser proper, over the file's bytes wherever they are (an array, or the mapped file).
    init(contents: UnsafeRawBufferPointer, vendorsOfInterest: Set<UInt16>, devicesOfInterest: Set<UInt32>?) {
        var vendors: [UInt16: String] = [:], devices: [UInt32: String] = [:]
        contents.withMemoryRebound(to: UInt8.self) { buffer in
            guard let base = buffer.baseAddress else { return }
            let count = buffer.count
            let tab = UInt8(ascii: "\t"), hash = UInt8(ascii: "#"), newline = UInt8(ascii: "\n")
            func hex4(_ at: Int) -> UInt16? {
                guard at + 4 <= count else { return nil }
                var v: UInt16 = 0
                for b in buffer[at..<at + 4] {
                    switch b {
                    case 0x30...0x39: v = v << 4 | UInt16(b - 0x30)
                    case 0x61...0x66: v = v << 4 | UInt16(b - 0x57)
                    case 0x41...0x46: v = v << 4 | UInt16(b - 0x37)
                    default: return nil
                    }
                }
                return v
            }
            func lineEnd(_ from: Int) -> Int {
                memchr(base + from, Int32(newline), count - from).map { $0.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base) } ?? count
            }
            func name(_ from: Int, _ end: Int) -> String { String(decoding: buffer[from..<end], as: UTF8.self) }
            /// Where the line `vvvv  Name` starts, or nil.
            func vendorLine(_ vendor: UInt16) -> Int? {
                let needle = Array("\n\(hexDigits: vendor, width: 4)  ".utf8)
                if count >= needle.count - 1, buffer.starts(with: needle.dropFirst()) { return 0 }
                // Jump from newline to newline (memchr) and compare the few bytes after it; the file is
                // 1.3 MB and a vendor section is found in well under a millisecond.
                var at = 0
                while at < count {
                    let end = lineEnd(at)
                    if end + needle.count <= count, buffer[end..<end + needle.count].elementsEqual(needle) { return end + 1 }
                    at = end + 1
                }
                return nil
            }
            for vendor in vendorsOfInterest {
                guard let first = vendorLine(vendor) else { continue }
                var end = lineEnd(first)
                vendors[vendor] = name(min(first + 6, end), end)
                var start = end + 1
                while start < count {
                    end = lineEnd(start)
                    defer { start = end + 1 }
                    guard end > start, buffer[start] != hash else { continue }
                    guard buffer[start] == tab else { break }  // the next vendor, or the class section ("C 03 ...")
                    // "\t2684  AD102 [GeForce RTX 4090]"; subsystem lines have two tabs.
                    guard start + 1 < end, buffer[start + 1] != tab, end - start > 7, let device = hex4(start + 1) else { continue }
                    let key = UInt32(vendor) << 16 | UInt32(device)
                    if let devicesOfInterest, !devicesOfInterest.contains(key) { continue }
                    devices[key] = name(start + 7, end)
                }
            }
        }
        self.vendors = vendors
        self.devices = devices
    }

    /// Loads `path` through `reader`; nil when it cannot be read.
    public static func load(path: String = defaultPath, vendors: Set<UInt16>, devices: Set<UInt32>? = nil,
                            reader: any SysfsReader = LiveSysfs()) -> PCIIDDatabase? {
        try? read(path: path, vendors: vendors, devices: devices, reader: reader).get()
    }

    /// The database at `path`, or why it could not be read (for a report that must say so rather than
    /// claim the file lacks a device).
    public static func read(path: String = defaultPath, vendors: Set<UInt16>, devices: Set<UInt32>? = nil,
                            reader: any SysfsReader = LiveSysfs()) -> Result<PCIIDDatabase, SysfsReadError> {
        reader.withContents(of: path, limit: 16 << 20) {
            PCIIDDatabase(contents: $0, vendorsOfInterest: vendors, devicesOfInterest: devices)
        }
    }

    /// `AD102GL [L40]`, or nil when the device is not listed (or was not of interest).
    public func name(vendor: UInt16, device: UInt16) -> String? {
        devices[UInt32(vendor) << 16 | UInt32(device)]
    }
}
