import VGPUCore

/// GSP_VF_INFO as the reports show it: fields, and the 40 bytes as hex; or why there is none.
public struct VFInfoReport: Sendable, Codable, Equatable {
    public let fields: GSPVFInfo?
    public let hex: String?
    public let unavailable: String?

    /// VF info for `sriov` through the module, when it provides VF info.
    static func make(module: (any ArchitectureModule)?, sriov: SRIOVValues?) -> VFInfoReport? {
        guard let module else { return nil }
        do {
            let info = try module.vfInfo(for: sriov)
            return VFInfoReport(fields: info, hex: "\(hexBytes: info.encode())", unavailable: nil)
        } catch {
            return VFInfoReport(fields: nil, hex: nil, unavailable: error.description)
        }
    }
}

/// The vGPU engine bitmap of a chip at a release, and the chidOffset array for a channel base.
public struct EngineReport: Sendable, Codable, Equatable {
    /// One engine: `gr0` with NV2080_ENGINE_TYPE 1.
    public struct Engine: Sendable, Codable, Equatable, CustomStringConvertible {
        public let name: String
        /// NV2080_ENGINE_TYPE in the report's numbering.
        public let type: UInt32
        /// `gr0 0x1`, as the text shows it.
        public var description: String { "\(name) \(hex: type)" }
    }

    /// `r535` or `r570` numbering.
    public let numbering: String
    /// The engines in bitmap order.
    public let engines: [Engine]
    /// The bitmap as 64-bit words, each as 16 hex digits: a bit set, which a JSON number (a double in
    /// most readers) could not carry past bit 52.
    public let bitmap: [String]
    /// NV2080_ENGINE_TYPE_LAST of the numbering.
    public let last: UInt32

    /// The report for `chip`'s engines through the module, when it lists them.
    static func make(module: (any ArchitectureModule)?, chip: Chip?, release: FirmwareRelease?) -> EngineReport? {
        guard let chip, let module, let inventory = module.engineInventory(for: chip) else { return nil }
        let release = release ?? module.defaultRelease
        let numbering = NV2080Engine.Numbering.of(release)
        guard let bitmap = try? EngineBitmap(inventory.engines, numbering: numbering) else { return nil }
        let names = inventory.engines.compactMap { e in
            NV2080Engine.type(e.kind, e.instance, in: numbering).map { Engine(name: "\(e.kind.rawValue)\(e.instance)", type: UInt32($0)) }
        }
        return EngineReport(numbering: numbering.rawValue, engines: names, bitmap: bitmap.words.map { "0x\(hexDigits: $0, width: 16)" },
                            last: numbering.last)
    }
}
