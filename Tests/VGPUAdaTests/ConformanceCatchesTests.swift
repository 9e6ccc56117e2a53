import Testing
import VGPUAda
import VGPUConformance
import VGPUCore

/// The conformance suite must fail a broken module, naming the check and the module.
struct ConformanceCatchesTests {
    /// A module with one defect of each kind the suite looks for.
    struct Broken: ArchitectureModule {
        let name = "broken"
        // GA102's id under an Ada-like name, a chip from another architecture, and a description where
        // the die's name belongs.
        let chips = [Chip(name: "GA102", id: ChipID(rawValue: 0x172)), Chip(name: "TU104", id: ChipID(rawValue: 0x164)),
                     Chip(name: "GA106 (Ampere)", id: ChipID(rawValue: 0x176))]
        // Claims AD102's real block (0x2684 is the RTX 4090, an AD102) for GA102, overlapping the Ada module.
        var deviceIDRanges: [DeviceIDRange] { [DeviceIDRange(0x2680...0x26ff, chips[0])] }
        let firmwareManifest = FirmwareManifest(schemaVersion: 1, architecture: "other", releases: [])
        let defaultRelease = FirmwareRelease("535.113.01")!
        func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? {
            var p = GSPHeapParameters(libos: "X", osCarveout: 0, baseRM: 0, minimum: 600 * Sizes.MiB, maximum: 500 * Sizes.MiB,
                                      vgpuDefault: 549 * Sizes.MiB, vgpuOverrideRange: 549 * Sizes.MiB...549 * Sizes.MiB, vgpuPartitionCount: 32)
            p.clientAllocation = 0
            return p
        }
        // Refuses a standard SR-IOV layout, and has no engine table.
        func vfInfo(for sriov: SRIOVValues?) throws(VFInfoError) -> GSPVFInfo { throw .missingMemoryBARs(found: 0) }
        func engineInventory(for chip: Chip) -> EngineInventory? { nil }
        func bootHAL(for chip: Chip) -> (any GSPBootHAL)? { nil }
    }

    @Test func brokenModuleFailsNamedChecks() throws {
        let failures = Conformance.failures(of: Broken(), others: [try AdaModule()])
        let checks = Set(failures.map(\.check))
        #expect(checks.isSuperset(of: [.chipIDs, .registry, .pciIDs, .manifest, .vfInfo, .engines, .boot]))
        #expect(failures.allSatisfy { $0.module == "broken" && $0.description.hasPrefix("[broken] \($0.check.rawValue): ") })
        #expect(failures.contains { $0.check == .registry && $0.message.contains("already claimed by module ada") })
        #expect(failures.contains { $0.check == .pciIDs && $0.message.contains("2684") })
        #expect(failures.contains { $0.check == .manifest && $0.message.contains("architecture is other") })
        #expect(failures.contains { $0.check == .chipIDs && $0.message == "GA106 (AMPERE) is not a die name (letters, then digits: AD102)" })
        #expect(!failures.contains { $0.message.contains("GA102 is not a die name") })
    }
}
