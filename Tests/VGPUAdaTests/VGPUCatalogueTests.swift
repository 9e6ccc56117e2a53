import Foundation
import Testing
import VGPUAda
import VGPUCore
import VGPUHost
import VGPUTestSupport

/// The Ada vGPU catalogues against a real host's driver list, and the capacity model against NVIDIA's
/// published per-GPU maxima.
struct VGPUCatalogueTests {
    @Test func fiveBoardsLoad() throws {
        let ada = try AdaModule()
        #expect(Set(ada.vgpuTypeCatalogues.map(\.board)) == ["L40", "L40S", "L20", "L4", "RTX 6000 Ada"])
        for c in ada.vgpuTypeCatalogues {
            #expect(ada.chip(named: c.chip) != nil)
            #expect(ada.catalogue(deviceID: UInt16(c.pciDeviceID, radix: 16)!, subsystem: nil) == c)
        }
        #expect(ada.catalogue(board: "l40s")?.pciDeviceID == "26b9")
        #expect(ada.catalogue(board: "RTX-6000-Ada")?.board == "RTX 6000 Ada")
    }

    @Test("L40S names and ids equal what a real L40S VF's creatable_vgpu_types lists")
    func l40sMatchesARealHost() throws {
        let c = try #require(try AdaModule().catalogue(board: "L40S"))
        // The fixture file is the real capture, byte for byte (scripts/fixtures/make_hosts.py).
        let text = try String(contentsOfFile: FixtureHosts.root("mixed") + "/bus/pci/devices/0000:86:00.4/nvidia/creatable_vgpu_types", encoding: .utf8)
        let real = CreatableVGPUType.parse(text)
        #expect(real.malformed.isEmpty)
        #expect(real.types.count == 23)
        for t in real.types {
            #expect(c.types.first { $0.name == t.name }?.id == t.id, "\(t.name)")
        }
        #expect(c.type(named: "12Q")?.id == 1153)
        #expect(c.type(named: "NVIDIA L40S-12Q")?.framebufferMiB == 12288)
    }

    @Test("the RFC's example type: 869 NVIDIA L40-1B")
    func rfcExample() throws {
        let t = try #require(try AdaModule().catalogue(board: "L40")?.type(named: "1B"))
        #expect(t.id == 869 && t.framebufferMiB == 1024 && t.gspHeapMiB == 32 && t.heads == 4 && t.maxResolution == "5120x2880" && t.maxInstances == 32)
    }

    @Test("each type alone fills to NVIDIA's published maximum under the resource model")
    func capacityMatchesPublishedMaxima() throws {
        for c in try AdaModule().vgpuTypeCatalogues {
            for t in c.types {
                let fill = VGPUCapacityPlanner.fill(t, on: c)
                #expect(fill.count == t.maxInstances, "\(t.name): \(fill.count) fit, NVIDIA publishes \(t.maxInstances) (\(fill.limit))")
            }
        }
    }

    /// `fill` counts without building a plan; it must say exactly what placing `maxInstances + 1` of the
    /// type says, for every type of every board, VF count and policy.
    @Test func fillAgreesWithPlacingCopies() throws {
        let policies = [VGPUResourcePolicy(), VGPUResourcePolicy(vmmuSegmentMiB: 32), VGPUResourcePolicy(vmmuSegmentMiB: 512, equalSizeOnly: false)]
        var compared = 0
        for c in try AdaModule().vgpuTypeCatalogues {
            for t in c.types {
                for vfs in [nil, 0, 1, 3, 16, 64] as [Int?] {
                    for policy in policies {
                        let plan = VGPUCapacityPlanner.place(Array(repeating: t, count: t.maxInstances + 1), on: c, vfs: vfs, policy: policy)
                        let fill = VGPUCapacityPlanner.fill(t, on: c, vfs: vfs, policy: policy)
                        #expect(fill.count == plan.placedCount, "\(t.name) vfs \(vfs.map(String.init) ?? "nil")")
                        #expect(fill.limit == plan.placements.first { !$0.placed }?.reason, "\(t.name)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 500)
    }
}
