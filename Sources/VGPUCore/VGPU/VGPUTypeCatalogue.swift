#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The vGPU types one board offers (a data file per board, validated on load; format in
/// docs/vgpu-types.md).
public struct VGPUTypeCatalogue: Sendable, Codable, Equatable {
    public static let supportedSchemaVersion = 1

    public var schemaVersion: Int
    /// Board name as in the type names (`L40S`).
    public var board: String
    /// PCI device id, 4 hex digits.
    public var pciDeviceID: String
    /// `vendor:device` subsystem ids (`10de:12ba`), for a board that shares its device id with another
    /// (the Quadro RTX 6000 and 8000 are both 10de:1e30); nil when the device id alone names the board.
    public var pciSubsystemID: String?
    /// Die (`AD102`).
    public var chip: String
    /// Physical framebuffer of the board.
    public var framebufferMiB: Int
    /// SR-IOV TotalVFs of the board, where a source gives it.
    public var maxVFs: Int?
    /// How type names begin when not `NVIDIA <board>-` (the driver spells RTX 6000 Ada `RTX6000-Ada`).
    public var typeNamePrefix: String?
    /// The NVIDIA vGPU driver release the table describes (its vgpuConfig.xml's): limits and ids
    /// change between releases.
    public var driverRelease: String?
    /// Where the table comes from.
    public var sources: [String]
    public var types: [VGPUType]

    /// The board's PCI ids, for what NVIDIA sizes per board; nil when `pciDeviceID` is not 4 hex digits
    /// (`validate(name:)` refuses such a catalogue, so a loaded one always has them).
    public var boardID: PCIBoardID? {
        UInt16(pciDeviceID, radix: 16).map { PCIBoardID(deviceID: $0, subsystem: pciSubsystemID.flatMap(PCISubsystem.init)) }
    }

    /// A catalogue from its parts (validate with `validate(name:)`).
    public init(schemaVersion: Int, board: String, pciDeviceID: String, chip: String, framebufferMiB: Int, maxVFs: Int?,
                typeNamePrefix: String?, driverRelease: String? = nil, sources: [String], types: [VGPUType]) {
        self.schemaVersion = schemaVersion
        self.board = board
        self.pciDeviceID = pciDeviceID
        self.chip = chip
        self.framebufferMiB = framebufferMiB
        self.maxVFs = maxVFs
        self.typeNamePrefix = typeNamePrefix
        self.driverRelease = driverRelease
        self.sources = sources
        self.types = types
    }

    /// The type with this exact name, or with this name's suffix (`12Q`, `L40S-12Q`).
    public func type(named name: String) -> VGPUType? {
        let wanted = name.uppercased()
        return types.first { t in
            let full = t.name.uppercased()
            return full == wanted || full.hasSuffix("-" + wanted) || full.hasSuffix(" " + wanted)
        }
    }
}

/// One vGPU type.
public struct VGPUType: Sendable, Codable, Equatable, Hashable {
    /// NVIDIA's type id, where a source gives it.
    public var id: Int?
    /// `NVIDIA L40S-12Q`.
    public var name: String
    /// A (virtual apps), B (virtual PCs), C (compute), Q (workstation).
    public var series: String
    public var framebufferMiB: Int
    /// Per-vGPU GSP ("plugin") heap, where a source gives it.
    public var gspHeapMiB: Int?
    public var heads: Int
    public var maxResolution: String?
    /// Per physical GPU.
    public var maxInstances: Int
    public var frameRateLimit: Int?
    /// From NVIDIA's vgpuConfig.xml, where given: the guest-visible FB and the per-vGPU reservation.
    public var guestFramebufferMiB: Int?
    public var fbReservationMiB: Int?
    /// Per-GPU maximum in mixed-size mode, where published.
    public var maxInstancesMixedSize: Int?
    public var notes: String?
    /// The fields whose values no source gives and the catalogue infers (an L40S-3B's heads copied from
    /// the 1B/2B types, a C-series name's driver-side spelling); reports mark them. Absent: all sourced.
    public var assumed: [String]?

    /// A type from its parts.
    public init(id: Int?, name: String, series: String, framebufferMiB: Int, gspHeapMiB: Int?, heads: Int, maxResolution: String?,
                maxInstances: Int, frameRateLimit: Int?, guestFramebufferMiB: Int?, fbReservationMiB: Int?, maxInstancesMixedSize: Int?,
                notes: String?, assumed: [String]? = nil) {
        self.id = id
        self.name = name
        self.series = series
        self.framebufferMiB = framebufferMiB
        self.gspHeapMiB = gspHeapMiB
        self.heads = heads
        self.maxResolution = maxResolution
        self.maxInstances = maxInstances
        self.frameRateLimit = frameRateLimit
        self.guestFramebufferMiB = guestFramebufferMiB
        self.fbReservationMiB = fbReservationMiB
        self.maxInstancesMixedSize = maxInstancesMixedSize
        self.notes = notes
        self.assumed = assumed
    }

    /// The fields a catalogue may mark as assumed.
    public static let assumableFields: Set<String> = ["id", "name", "gspHeapMiB", "heads", "maxResolution", "maxInstances", "frameRateLimit",
                                                       "guestFramebufferMiB", "fbReservationMiB", "maxInstancesMixedSize"]

    /// The size-and-series suffix (`12Q`).
    public var profile: String { name.split(separator: "-").last.map(String.init) ?? name }
}

extension VGPUTypeCatalogue {
    /// Decodes and validates a catalogue; errors name the file and the JSON field.
    public static func load(_ data: Data, name: String) throws(ManifestError) -> VGPUTypeCatalogue {
        let c = try ManifestError.decodeJSON(VGPUTypeCatalogue.self, from: data, name: name, limit: 1 << 20)
        try c.validate(name: name)
        return c
    }

    /// The rules JSON decoding cannot express.
    public func validate(name: String) throws(ManifestError) {
        func fail(_ field: String, _ problem: String) -> ManifestError { ManifestError(file: name, field: field, problem: problem) }
        guard schemaVersion == Self.supportedSchemaVersion else { throw fail("schemaVersion", "is \(schemaVersion); this build reads 1") }
        guard !board.isEmpty else { throw fail("board", "is empty") }
        guard pciDeviceID.count == 4, UInt16(pciDeviceID, radix: 16) != nil else { throw fail("pciDeviceID", "must be 4 hex digits") }
        if let pciSubsystemID { guard PCISubsystem(pciSubsystemID) != nil else { throw fail("pciSubsystemID", "'\(pciSubsystemID)' is not vendor:device, 4 hex digits each") } }
        guard framebufferMiB > 0 else { throw fail("framebufferMiB", "must be positive") }
        if let maxVFs { guard maxVFs > 0 else { throw fail("maxVFs", "must be positive") } }
        if let driverRelease { guard FirmwareRelease(driverRelease) != nil else { throw fail("driverRelease", "'\(driverRelease)' is not a release like 550.54.16") } }
        let prefix = typeNamePrefix ?? "NVIDIA \(board)-"
        guard !types.isEmpty else { throw fail("types", "is empty") }
        var names: Set<String> = [], ids: Set<Int> = []
        for (i, t) in types.enumerated() {
            let p = "types[\(i)]"
            guard names.insert(t.name).inserted else { throw fail("\(p).name", "\(t.name) is listed twice") }
            if let id = t.id { guard id > 0, ids.insert(id).inserted else { throw fail("\(p).id", "\(id) is not a unique positive id") } }
            guard t.name.hasPrefix(prefix) else { throw fail("\(p).name", "\(t.name) does not start with '\(prefix)'") }
            guard ["A", "B", "C", "Q"].contains(t.series), t.name.hasSuffix(t.series) else {
                throw fail("\(p).series", "\(t.series) must be A, B, C or Q and end the name")
            }
            guard t.framebufferMiB > 0 else { throw fail("\(p).framebufferMiB", "must be positive") }
            guard t.maxInstances >= 1, t.maxInstances <= (maxVFs ?? Int.max) else {
                throw fail("\(p).maxInstances", "\(t.maxInstances) is outside 1...\(maxVFs ?? 0) (the board's VFs)")
            }
            // Multiplied with overflow reported: a catalogue is input, and huge values must not trap.
            let (total, overflow) = t.maxInstances.multipliedReportingOverflow(by: t.framebufferMiB)
            guard !overflow, total <= framebufferMiB else {
                throw fail("\(p).maxInstances", "\(t.maxInstances) x \(t.framebufferMiB) MiB exceeds the board's \(framebufferMiB) MiB")
            }
            guard t.heads >= 0, t.heads <= 8 else { throw fail("\(p).heads", "\(t.heads) is outside 0...8") }
            if let heap = t.gspHeapMiB { guard heap > 0 else { throw fail("\(p).gspHeapMiB", "must be positive") } }
            for field in t.assumed ?? [] where !VGPUType.assumableFields.contains(field) {
                throw fail("\(p).assumed", "'\(field)' is not a field a catalogue can assume")
            }
        }
    }
}

/// A PCI subsystem: vendor and device ids, written `10de:12ba`.
public struct PCISubsystem: Sendable, Hashable, CustomStringConvertible {
    public let vendor: UInt16, device: UInt16

    /// The subsystem with these ids.
    public init(vendor: UInt16, device: UInt16) { (self.vendor, self.device) = (vendor, device) }

    /// Parses `vendor:device`, four hex digits each.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 4 }), let v = UInt16(parts[0], radix: 16), let d = UInt16(parts[1], radix: 16) else { return nil }
        (vendor, device) = (v, d)
    }

    /// `10de:12ba`.
    public var description: String {
        func hex(_ v: UInt16) -> String { "\(hexDigits: v, width: 4)" }
        return "\(hex(vendor)):\(hex(device))"
    }
}
