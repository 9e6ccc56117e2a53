import Foundation
import Testing
import VGPUCore
import VGPUTestSupport
import VGPUTuring

/// What the Turing module says beyond conformance: its vGPU interface, the boards' catalogues picked by
/// device and subsystem id, and nouveau's engine masks.
struct TuringModuleTests {
    @Test func hostsVGPUsAsMediatedDevices() throws {
        let m = try TuringModule()
        #expect(m.chips.map(\.name) == ["TU102", "TU104", "TU106", "TU116", "TU117"])
        for chip in m.chips {
            #expect(m.vgpuInterface(for: chip) == .mediatedDevices)
            #expect(chip.architecture == .turing)
        }
        #expect(m.supportedReleases.map(\.description) == ["535.113.01", "570.144", "535.261.03"])
    }

    /// The Quadro RTX 6000 and 8000 share 10de:1e30 (and their passive versions 10de:1e78): the
    /// catalogue follows the subsystem id, and an unknown subsystem gets none rather than a guess.
    @Test func sharedDeviceIDsFollowTheSubsystem() throws {
        let m = try TuringModule()
        let rtx6000 = m.catalogue(deviceID: 0x1e30, subsystem: PCISubsystem("10de:12ba"))
        let rtx8000 = m.catalogue(deviceID: 0x1e30, subsystem: PCISubsystem("10de:129e"))
        #expect(rtx6000?.board == "Quadro RTX 6000" && rtx6000?.framebufferMiB == 24 * 1024)
        #expect(rtx8000?.board == "Quadro RTX 8000" && rtx8000?.framebufferMiB == 48 * 1024)
        #expect(m.catalogue(deviceID: 0x1e78, subsystem: PCISubsystem("10de:13d8"))?.board == "Quadro RTX 8000 Passive")
        #expect(m.catalogue(deviceID: 0x1e30, subsystem: PCISubsystem("10de:0000")) == nil)
        #expect(m.catalogue(deviceID: 0x1e30, subsystem: nil) == nil)
        // The T4's catalogue names no subsystem: any T4 gets it.
        #expect(m.catalogue(deviceID: 0x1eb8, subsystem: PCISubsystem("10de:12a2"))?.board == "T4")
        #expect(m.catalogue(deviceID: 0x1eb8, subsystem: nil)?.board == "T4")
        // By board name, not by an id two boards share.
        #expect(m.catalogue(board: "quadro rtx 8000")?.pciSubsystemID == "10de:129e")
        #expect(m.catalogue(board: "1e30") == nil && m.catalogue(board: "1eb8")?.board == "T4")
        // Every Turing type name carries the GRID prefix the driver gives it.
        for c in m.vgpuTypeCatalogues { #expect(c.types.allSatisfy { $0.name.hasPrefix("GRID ") }, "\(c.board)") }
    }

    /// Two catalogues may share a device id only with distinct subsystems.
    @Test func aSharedDeviceIDNeedsDistinctSubsystems() throws {
        func file(_ name: String, subsystem: String?) -> EmbeddedFile {
            var fields = ["board": name, "pciDeviceID": "1e30", "chip": "TU102"]
            fields["pciSubsystemID"] = subsystem
            return EmbeddedFile(name: name + ".json", fields: fields, json: "{}")
        }
        let encoded = try #require(String(data: try JSONEncoder().encode(try TuringModule().firmwareManifest), encoding: .utf8))
        let manifestFile = EmbeddedFile(name: "turing.json", fields: [:], json: encoded)
        func load(_ files: [EmbeddedFile]) -> ManifestError? {
            do { _ = try ModuleData.load(TuringModule.identity, manifestFiles: [manifestFile], typeFiles: files); return nil } catch { return error }
        }
        #expect(load([file("A", subsystem: "10de:12ba"), file("B", subsystem: "10de:129e")]) == nil)
        #expect(load([file("A", subsystem: "10de:12ba"), file("B", subsystem: "10de:12ba")])?.field == "pciDeviceID")
        #expect(load([file("A", subsystem: nil), file("B", subsystem: "10de:129e")])?.field == "pciDeviceID")
        #expect(load([file("A", subsystem: "12ba")])?.field == "pciSubsystemID")
    }

    @Test func enginesFromNouveausChipTable() throws {
        let m = try TuringModule()
        #expect(m.engineInventory(for: TuringChip.tu104.chip)?.masks[.nvdec] == 0x3)
        #expect(m.engineInventory(for: TuringChip.tu106.chip)?.masks[.nvdec] == 0x7)
        #expect(m.engineInventory(for: TuringChip.tu117.chip)?.masks == [.gr: 0x1, .copy: 0x1f, .nvdec: 0x1, .nvenc: 0x1, .sec2: 0x1])
        #expect(m.engineInventory(for: Chip(name: "GA102", id: ChipID(rawValue: 0x172))) == nil)
    }
}
