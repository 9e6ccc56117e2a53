import Testing
import VGPUCore
@testable import VGPUManager
import VGPUSimulator
import VGPUTestSupport

/// Creating and destroying vGPUs on a simulated L40S booted from the real firmware.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct ManagerLifecycleTests {
    /// The example: fill an L40S with 4 x 12Q, destroy two, add 8 x 3Q (mixed sizes).
    @Test func fillDestroyTwoRefill() throws {
        let m = try ManagerFixture.manager()
        let first = try (0..<4).map { _ in try m.create("12Q") }
        #expect(first.map(\.vf) == [1, 2, 3, 4] && first.map(\.gfid) == [1, 2, 3, 4])
        #expect(first.map(\.framebuffer.start) == [0, 12, 24, 36].map { UInt64($0) << 30 })
        #expect(first.map(\.channels.start) == [512, 768, 1024, 1280] && first.allSatisfy { $0.channels.size == 256 })
        #expect(first[0].address == "0000:41:00.4" && first[0].heap.size == 128 << 20 && first[0].guestSegment.size == 11776 << 20)
        #expect(first[0].bootloadBytes == 6496 && first[0].initLog.contains("gfid 1 type 1153"))
        #expect(throws: VGPUManagerError.self) { _ = try m.create("1Q") }  // the FB is full
        #expect(try m.destroy(first[1].id)?.quarantined == false)
        #expect(try m.destroy(first[3].id)?.steps.map(\.step) == VGPUDestroyStep.allCases)
        let refill = try (0..<8).map { _ in try m.create("3Q") }
        // The freed VFs and FB holes are reused first: VF 2 then 4, then VFs 5...
        #expect(refill.map(\.vf) == [2, 4, 5, 6, 7, 8, 9, 10])
        #expect(refill.map(\.framebuffer.start).sorted() == [12, 15, 18, 21, 36, 39, 42, 45].map { UInt64($0) << 30 })
        #expect(m.instances.count == 10)
        #expect(m.allocationMap().framebuffer.allSatisfy { $0.owner != nil }, "48 GiB exactly used")
        #expect(ManagerFixture.violations(m) == [])
        for i in m.instances { _ = try m.destroy(i.id) }
        #expect(ManagerFixture.isEmpty(m))
        #expect(m.core.counters == .init(created: 12, initFailures: 1, released: 12))
        #expect(m.releaseRuns.values.allSatisfy { $0 == 1 } && m.releaseRuns.count == 12)
    }

    @Test func equalSizeModeAndTypeMaximaAreAdmissionChecks() throws {
        let m = try ManagerFixture.manager(mixedSizes: false)
        _ = try m.create("12Q")
        #expect(throws: VGPUManagerError.admission("equal-size mode: the GPU hosts 12288 MiB vGPUs, NVIDIA L40S-3Q is 3072 MiB")) { _ = try m.create("3Q") }
        let n = try ManagerFixture.manager()
        _ = try n.create("48Q")
        #expect(throws: VGPUManagerError.admission("NVIDIA L40S-48Q allows at most 1 per GPU")) { _ = try n.create("48Q") }
        #expect(throws: VGPUManagerError.unsupportedType("NVIDIA L40S-12C", reason: "the catalogue has no NVIDIA type id for it (the bootload control's vgpuType)")) {
            _ = try n.create("12C")
        }
        #expect(throws: VGPUManagerError.unknownType("7Q", board: "L40S")) { _ = try n.create("7Q") }
        #expect(ManagerFixture.violations(m) == [] && ManagerFixture.violations(n) == [])
    }

    @Test func vfsLimitCreation() throws {
        let m = try ManagerFixture.manager(vfs: 2)
        _ = try m.create("1Q")
        _ = try m.create("1Q")
        #expect(throws: VGPUManagerError.step(.reserveVF, "no free VF (2 enabled, 2 in use)")) { _ = try m.create("1Q") }
        #expect(throws: VGPUManagerError.enableVFs(requested: 4, reason: "vGPUs exist (or are quarantined)")) { try m.enableVFs(4) }
    }

    /// A named VF (as a tool names it, and as `simulate -s` remakes a host's vGPUs) is used as named, and
    /// refused when it is in use or not enabled; the next unnamed create takes the lowest free VF.
    @Test func aNamedVF() throws {
        let m = try ManagerFixture.manager(vfs: 4)
        #expect(try m.create("12Q", onVF: 3).vf == 3)
        #expect(throws: VGPUManagerError.step(.reserveVF, "VF 3 is not free (4 enabled, it hosts a vGPU)")) { _ = try m.create("12Q", onVF: 3) }
        #expect(throws: VGPUManagerError.step(.reserveVF, "VF 5 is not free (4 enabled)")) { _ = try m.create("12Q", onVF: 5) }
        #expect(try m.create("12Q").vf == 1)
        #expect(ManagerFixture.violations(m) == [])
    }

    @Test func anOpenReferenceDefersTheTeardownUntilItCloses() throws {
        let m = try ManagerFixture.manager()
        let v = try m.create("6Q")
        let reference = try m.open(v.id)
        #expect(reference.state == v)
        #expect(try m.destroy(v.id) == nil, "deferred")
        #expect(m.inspectGPU { $0.pluginTasks[v.gfid]?.phase } == SimulatedGPU.PluginTask.Phase.running)
        #expect(throws: VGPUManagerError.lifecycle(.alreadyUnregistered(v.id))) { _ = try m.destroy(v.id) }
        reference.close()
        #expect(m.teardown(of: v.id)?.quarantined == false)
        #expect(ManagerFixture.isEmpty(m))
        #expect(throws: VGPUManagerError.lifecycle(.released(v.id))) { _ = try m.destroy(v.id) }
        #expect(throws: VGPUManagerError.lifecycle(.released(v.id))) { _ = try m.open(v.id) }
    }
}
