import Testing
import VGPUCore

/// Registration rejects ambiguous claims, naming both modules.
struct RegistryTests {
    struct FakeModule: ArchitectureModule {
        var name: String
        var chips: [Chip]
        var deviceIDRanges: [DeviceIDRange]
        var firmwareManifest = FirmwareManifest(schemaVersion: 1, architecture: "x", releases: [])
        var defaultRelease = FirmwareRelease("1.0")!
        // Registration looks at names and ids only: no heap or engines.
        func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? { nil }
        func engineInventory(for chip: Chip) -> EngineInventory? { nil }
        func bootHAL(for chip: Chip) -> (any GSPBootHAL)? { nil }
    }

    static let a = Chip(name: "AD102", id: ChipID(rawValue: 0x192))
    static let b = Chip(name: "GA102", id: ChipID(rawValue: 0x172))

    @Test func disjointModulesRegister() throws {
        let r = try ModuleRegistry(modules: [
            FakeModule(name: "one", chips: [Self.a], deviceIDRanges: [DeviceIDRange(0x2680...0x26ff, Self.a)]),
            FakeModule(name: "two", chips: [Self.b], deviceIDRanges: [DeviceIDRange(0x2200...0x227f, Self.b)]),
        ])
        #expect(r.module(forChipNamed: "ga102")?.module.name == "two")
        #expect(r.module(forChipNamed: "gb202") == nil)
        #expect(r.allChips == [Self.a, Self.b])
    }

    @Test func duplicateChipIsRejected() {
        let error = #expect(throws: ModuleRegistry.ConflictError.self) {
            try ModuleRegistry(modules: [
                FakeModule(name: "one", chips: [Self.a], deviceIDRanges: []),
                FakeModule(name: "two", chips: [Chip(name: "AD102X", id: ChipID(rawValue: 0x192))], deviceIDRanges: []),
            ])
        }
        #expect(error?.description == "module two claims chip id 0x192, already claimed by module one")
    }

    @Test func overlappingDeviceIDsAreRejected() {
        do {
            _ = try ModuleRegistry(modules: [
                FakeModule(name: "one", chips: [Self.a], deviceIDRanges: [DeviceIDRange(0x2680...0x26ff, Self.a)]),
                FakeModule(name: "two", chips: [Self.b], deviceIDRanges: [DeviceIDRange(0x26f0...0x2710, Self.b)]),
            ])
            Issue.record("expected a conflict")
        } catch {
            #expect(error.module == "two")
            #expect(error.existing == "one")
            #expect(error.description.contains("0x26f0...0x2710"))
        }
    }

    @Test func duplicateModuleNameIsRejected() {
        #expect(throws: ModuleRegistry.ConflictError.self) {
            try ModuleRegistry(modules: [FakeModule(name: "one", chips: [], deviceIDRanges: []),
                                         FakeModule(name: "one", chips: [], deviceIDRanges: [])])
        }
    }
}
