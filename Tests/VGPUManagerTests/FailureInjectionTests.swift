import Testing
import VGPUCore
@testable import VGPUManager
import VGPUSimulator
import VGPUTestSupport

/// A failure at each step of creation unwinds exactly what was done; a teardown GSP-RM does not confirm
/// quarantines the vGPU's resources instead of handing them out again.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct FailureInjectionTests {
    @Test(arguments: VGPUCreateStep.allCases)
    func aFailedStepUnwindsEverythingBeforeIt(step: VGPUCreateStep) throws {
        let m = try ManagerFixture.manager()
        _ = try m.create("4Q")
        _ = try m.create("8Q")
        let before = m.allocationMap()
        let tasks = m.inspectGPU { $0.pluginTasks }
        m.inject(.create(step))
        #expect {
            _ = try m.create("3Q")
        } throws: { error in
            guard case .step(let failed, _) = error as? VGPUManagerError else { return false }
            return failed == step
        }
        #expect(m.allocationMap() == before)
        #expect(m.inspectGPU { $0.pluginTasks } == tasks)
        #expect(m.core.counters == .init(created: 2, initFailures: 1, released: 0))
        #expect(ManagerFixture.violations(m) == [])
        // The fault was one-shot: the same create now works, on the VF and FB the failed one had.
        let v = try m.create("3Q")
        #expect(v.vf == 3)
        #expect(ManagerFixture.violations(m) == [])
    }

    @Test func faultsStack() throws {
        let m = try ManagerFixture.manager()
        m.inject(.create(.mapHeap))
        m.inject(.create(.mapHeap))
        m.inject(.refuse(.bootload))
        m.inject(.create(.bootload))
        for _ in 0..<4 { #expect(throws: VGPUManagerError.self) { _ = try m.create("1Q") } }
        #expect(m.core.counters.initFailures == 4)
        #expect(try m.create("1Q").vf == 1, "all four were used up")
    }

    @Test func sriovValuesOutOfRangeGiveNoAddress() throws {
        let m = try ManagerFixture.manager()
        var c = m.configuration
        #expect(c.vfAddress(1)?.description == "0000:41:00.4" && c.vfAddress(0) == nil)
        c.firstVFOffset = -30000
        #expect(c.vfAddress(1) == nil)
        c.firstVFOffset = .max
        #expect(c.vfAddress(1) == nil)
        c.firstVFOffset = 4
        c.vfStride = 0x10000
        #expect(c.vfAddress(2) == nil)
    }

    @Test func gspRMRefusingTheBootloadUnwinds() throws {
        let m = try ManagerFixture.manager()
        let before = m.allocationMap()
        m.inject(.refuse(.bootload))
        #expect(throws: VGPUManagerError.step(.bootload, "GSP-RM answered bootload with NV_ERR_INVALID_STATE (0x40)")) { _ = try m.create("2B") }
        #expect(m.allocationMap() == before && ManagerFixture.isEmpty(m))
    }

    @Test func anUnansweredBootloadIsStoppedAndQuarantined() throws {
        let m = try ManagerFixture.manager()
        m.inject(.unanswered(.bootload))
        #expect(throws: VGPUManagerError.self) { _ = try m.create("12Q") }
        // GSP-RM's state is unknown, so the unwind asked it to stop; it knew no such task, which leaves the
        // resources quarantined rather than trusted.
        let map = m.allocationMap()
        #expect(map.quarantine.count == 1 && map.quarantine[0].vf == 1)
        #expect(map.framebuffer.first?.owner?.hasPrefix("quarantined") == true)
        let next = try m.create("12Q")
        #expect(next.vf == 2 && next.framebuffer.start == 12 << 30, "the quarantined VF and FB are not reused")
        #expect(ManagerFixture.violations(m) == [])
    }

    @Test(arguments: [VGPUControl.shutdown, .cleanup])
    func aTeardownGSPRMRefusesQuarantines(control: VGPUControl) throws {
        let m = try ManagerFixture.manager()
        let v = try m.create("24Q")
        m.inject(.refuse(control))
        let record = try #require(try m.destroy(v.id))
        #expect(record.quarantined)
        #expect(record.steps.first { $0.step.rawValue == control.rawValue }?.ok == false)
        #expect(record.steps.contains { $0.step == .unmapHeap && $0.ok }, "the host's own BAR1 window is always unmapped")
        #expect(m.allocationMap().quarantine.map(\.vf) == [v.vf])
        #expect(m.inspectGPU { $0.bar1Windows.isEmpty } == true)
        // The FB stays held: a second 24Q gets the other half, a third does not fit.
        #expect(try m.create("24Q").framebuffer.start == 24 << 30)
        #expect(throws: VGPUManagerError.self) { _ = try m.create("24Q") }
        #expect(throws: VGPUManagerError.enableVFs(requested: 0, reason: "vGPUs exist (or are quarantined)")) { try m.enableVFs(0) }
        #expect(m.core.counters.released == 1 && m.releaseRuns[v.id] == 1)
    }

    /// GSP-RM may still run a quarantined vGPU, so admission counts it: in equal-size mode a vGPU of
    /// another size is refused, and the type's per-GPU maximum includes it.
    @Test func admissionCountsAQuarantinedVGPUAsHosted() throws {
        let equalSize = try ManagerFixture.manager(mixedSizes: false)
        let held = try equalSize.create("24Q")
        equalSize.inject(.refuse(.shutdown))
        #expect(try equalSize.destroy(held.id)?.quarantined == true)
        #expect(equalSize.allocationMap().quarantine.map(\.profileMiB) == [24 * 1024])
        #expect(throws: VGPUManagerError.admission("equal-size mode: the GPU holds a quarantined 24576 MiB vGPU, \(held.type.replacingOccurrences(of: "24Q", with: "12Q")) is 12288 MiB")) {
            _ = try equalSize.create("12Q")
        }

        let mixed = try ManagerFixture.manager()
        let first = try mixed.create("24Q")
        mixed.inject(.refuse(.cleanup))
        #expect(try mixed.destroy(first.id)?.quarantined == true)
        _ = try mixed.create("24Q")
        #expect(throws: VGPUManagerError.admission("\(first.type) allows at most 2 per GPU (1 of them quarantined)")) {
            _ = try mixed.create("24Q")
        }
        #expect(ManagerFixture.violations(mixed) == [])
    }

    @Test func anUnansweredShutdownQuarantinesToo() throws {
        let m = try ManagerFixture.manager()
        let v = try m.create("16Q")
        m.inject(.unanswered(.shutdown))
        let record = try #require(try m.destroy(v.id))
        #expect(record.quarantined && record.steps[0].detail?.contains("got no reply") == true)
    }
}
