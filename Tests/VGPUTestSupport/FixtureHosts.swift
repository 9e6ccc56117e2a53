import Foundation

/// The bundled fixture hosts (Tests/Fixtures/hosts, made by scripts/fixtures/make_hosts.py).
public enum FixtureHosts {
    /// Directory of the hosts.
    public static let directory = RealFirmware.packageRoot.appendingPathComponent("Tests/Fixtures/hosts").path
    /// Every host name.
    public static let all = ["l40-two-gpus", "l4", "rtx4090", "t4", "mixed", "no-nvidia", "l40-unprivileged", "l40-suspended", "a40", "l40s-in-use", "drivers", "vfs-not-nvidia", "no-iommu", "a40-mdev", "old-driver", "generations"]
    /// A host's sysfs root.
    public static func root(_ name: String) -> String { directory + "/" + name }

    /// A private copy of host `name` at `dir/host` (`cp -a`: links stay links), for a test that alters
    /// it; its root.
    public static func copy(_ name: String, in dir: ScratchDirectory) throws -> String {
        let host = dir.file("host")
        let (output, status) = try Oracle.run("cp", ["-a", root(name), host], mergingErrors: true)
        guard status == 0 else { throw CopyFailure(description: "cp -a \(name): \(output)") }
        return host
    }

    /// A fixture host that could not be copied.
    public struct CopyFailure: Error, CustomStringConvertible {
        public let description: String
    }
}

/// What `lspci -A linux-sysfs -O sysfs.path=ROOT/bus/pci -vvv -nn -D` says about each function.
public struct LspciDevice: Equatable {
    public var address = ""
    public var classCode: UInt16 = 0
    public var vendor: UInt16 = 0, device: UInt16 = 0
    public var revision: UInt8?
    /// (offset, is-extended) of every "Capabilities: [..]" line.
    public var capabilities: [(offset: Int, extended: Bool)] = []
    public var sriov: (initial: Int, total: Int, number: Int, offset: Int, stride: Int, deviceID: UInt16)?

    public static func == (a: LspciDevice, b: LspciDevice) -> Bool { a.address == b.address }

    /// Runs lspci on a host and parses its verbose output.
    public static func scan(host root: String) throws -> [LspciDevice] {
        let (text, status) = try Oracle.run("lspci", ["-A", "linux-sysfs", "-O", "sysfs.path=\(root)/bus/pci", "-vvv", "-nn", "-D"])
        guard status == 0 else { throw CocoaError(.fileReadUnknown) }
        var devices: [LspciDevice] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != "\t", first != " " {
                // 0000:41:00.0 3D controller [0302]: NVIDIA Corporation AD102GL [L40] [10de:26b5] (rev a1)
                var d = LspciDevice()
                d.address = String(line.prefix(12))
                if let cls = line.range(of: #"\[[0-9a-f]{4}\]:"#, options: .regularExpression) {
                    d.classCode = UInt16(line[cls].dropFirst().prefix(4), radix: 16) ?? 0
                }
                if let ids = line.range(of: #"\[[0-9a-f]{4}:[0-9a-f]{4}\]"#, options: [.regularExpression, .backwards]) {
                    let s = line[ids].dropFirst().dropLast()
                    d.vendor = UInt16(s.prefix(4), radix: 16) ?? 0
                    d.device = UInt16(s.suffix(4), radix: 16) ?? 0
                }
                if let rev = line.range(of: #"\(rev [0-9a-f]{2}\)"#, options: .regularExpression) {
                    d.revision = UInt8(line[rev].dropFirst(5).prefix(2), radix: 16)
                }
                devices.append(d)
                continue
            }
            guard !devices.isEmpty else { continue }
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("Capabilities: ["), let close = t.firstIndex(of: "]") {
                let inside = t[t.index(t.startIndex, offsetBy: 15)..<close]
                let parts = inside.split(separator: " ")
                if let off = Int(parts[0], radix: 16) {
                    devices[devices.count - 1].capabilities.append((off, parts.count > 1))
                }
            } else if t.hasPrefix("Initial VFs:") {
                let n = t.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                devices[devices.count - 1].sriov = (n[0], n[1], n[2], 0, 0, 0)
            } else if t.hasPrefix("VF offset:"), var s = devices[devices.count - 1].sriov {
                let parts = t.replacingOccurrences(of: ",", with: "").split(separator: " ")
                s.offset = Int(parts[2]) ?? -1
                s.stride = Int(parts[4]) ?? -1
                s.deviceID = UInt16(parts[7], radix: 16) ?? 0xffff
                devices[devices.count - 1].sriov = s
            }
        }
        return devices
    }
}
