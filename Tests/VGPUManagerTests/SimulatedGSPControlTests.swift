import Testing
import VGPUAda
import VGPUCore
import VGPUProbe
import VGPUSimulator
import VGPUTestSupport

/// The simulated GSP-RM's own checks of the vGPU controls. They are what make the manager's tests
/// meaningful: a manager that handed out an FB range, channel block or VF twice would be refused here.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct SimulatedGSPControlTests {
    static let pf = PCIAddress("0000:41:00.0")!

    /// A simulated AD102 booted in vGPU mode (or bare metal) with 4 VFs enabled.
    func booted(vgpu: Bool = true) throws -> (SimulatedGPU, GSPBootRunner) {
        var request = BootPlanning.Request()
        request.chip = "ad102"
        request.framebufferSize = 49 * Sizes.GiB
        request.vgpu = vgpu
        request.firmwareRoot = RealFirmware.root
        let report = try BootPlanning.plan(request, registry: try BuiltInModules.registry())
        let sim = SimulatedGPU(boot0: 0x1920_00a1, boot42: 0x192a_1000, firmware: .init(release: report.plan.release, heap: report.heapParameters))
        sim.configureVGPU(.init(totalVFs: 32, pf: Self.pf, firstVFOffset: 4, vfStride: 1, vgpuFramebufferSize: 48 * Sizes.GiB,
                                vmmuSegmentSize: 256 * Sizes.MiB, vgpuChannels: 512..<2048, bar1Size: 64 * Sizes.GiB))
        let runner = GSPBootRunner(hardware: sim)
        try runner.boot(report.plan)
        #expect(sim.setEnabledVFs(4))
        return (sim, runner)
    }

    /// A valid bootload for VF `gfid`: 1 GiB guest FB at `fb` GiB, a 32 MiB heap after it, 64 channels at `chid`.
    func params(gfid: UInt32, fb: UInt64, chid: UInt32) -> VGPUBootloadParameters {
        let base = fb << 30, heap = base + Sizes.GiB
        var offsets = [UInt32](repeating: 0, count: 0x3e)
        for engine in [0x01, 0x09, 0x13, 0x1b, 0x26, 0x2b, 0x33] { offsets[engine] = chid }
        return VGPUBootloadParameters(dbdf: UInt32(Self.pf.routingID) + 3 + gfid, gfid: gfid, vgpuType: 1145, numChannels: 64, channelOffsets: offsets,
                                      guestFramebuffer: [.init(address: base, length: Sizes.GiB)], pluginHeapAddress: heap, pluginHeapLength: 32 * Sizes.MiB,
                                      initTaskLogOffset: heap + 0x20_4000, initTaskLogSize: 0x2_0000, vgpuTaskLogOffset: heap + 0x22_4000, vgpuTaskLogSize: 0x2_0000)
    }

    func status(_ runner: GSPBootRunner, _ command: UInt32, _ bytes: [UInt8]) throws -> UInt32 {
        try runner.control(GSPRMControl(command: command, params: bytes)).status
    }

    func bootload(_ runner: GSPBootRunner, _ p: VGPUBootloadParameters) throws -> UInt32 {
        try status(runner, VGPUBootloadParameters.command, try p.encode(.r535))
    }

    @Test func aValidBootloadStartsThePluginTaskAndLogsIntoItsHeap() throws {
        let (sim, runner) = try booted()
        #expect(try bootload(runner, params(gfid: 1, fb: 0, chid: 512)) == NVStatus.ok)
        #expect(sim.pluginTasks[1]?.phase == .running && sim.pluginTasks[1]?.channels == 512..<576)
        let log = String(decoding: sim.readFramebuffer(Sizes.GiB + 0x20_4000, 64).prefix { $0 != 0x0a }, as: UTF8.self)
        #expect(log == "vgpu plugin task: gfid 1 type 1145 channels 512-575 started")
    }

    @Test func refusedBootloads() throws {
        let (_, runner) = try booted()
        #expect(try bootload(runner, params(gfid: 1, fb: 0, chid: 512)) == NVStatus.ok)
        var cases: [(String, VGPUBootloadParameters, UInt32)] = [
            ("same gfid again", params(gfid: 1, fb: 4, chid: 1024), NVStatus.invalidState),
            ("FB overlapping gfid 1's heap", params(gfid: 2, fb: 1, chid: 1024), NVStatus.invalidArgument),
            ("channels overlapping gfid 1's", params(gfid: 2, fb: 4, chid: 544), NVStatus.invalidArgument),
            ("channels in the host's range", params(gfid: 2, fb: 4, chid: 448), NVStatus.invalidArgument),
            ("gfid past the enabled VFs", params(gfid: 5, fb: 4, chid: 1024), NVStatus.invalidArgument),
        ]
        var misaligned = params(gfid: 2, fb: 4, chid: 1024)
        misaligned.guestFramebuffer[0].address += Sizes.MiB
        var wrongDBDF = params(gfid: 2, fb: 4, chid: 1024)
        wrongDBDF.dbdf += 1
        var logOutside = params(gfid: 2, fb: 4, chid: 1024)
        logOutside.vgpuTaskLogOffset = logOutside.pluginHeapAddress + 32 * Sizes.MiB
        var twoBases = params(gfid: 2, fb: 4, chid: 1024)
        twoBases.channelOffsets[0x26] = 1088
        var hugeSegment = params(gfid: 2, fb: 4, chid: 1024)
        hugeSegment.guestFramebuffer[0].length = .max
        var wrappingChannels = params(gfid: 2, fb: 4, chid: 0xffff_ff00)
        wrappingChannels.numChannels = 0x200
        var hugeLog = params(gfid: 2, fb: 4, chid: 1024)
        hugeLog.initTaskLogSize = .max
        cases += [("a segment length that wraps", hugeSegment, NVStatus.invalidArgument),
                  ("a channel range that wraps", wrappingChannels, NVStatus.invalidArgument),
                  ("a log size that wraps", hugeLog, NVStatus.invalidArgument)]
        var intoGSP = params(gfid: 2, fb: 48, chid: 1024)
        intoGSP.guestFramebuffer[0].length = 256 * Sizes.MiB
        cases += [("guest FB off the VMMU segment", misaligned, NVStatus.invalidArgument), ("dbdf of another VF", wrongDBDF, NVStatus.invalidArgument),
                  ("task log past the heap", logOutside, NVStatus.invalidArgument), ("two channel bases", twoBases, NVStatus.invalidArgument),
                  ("FB beyond the vGPU range", intoGSP, NVStatus.invalidArgument)]
        for (name, p, expected) in cases {
            #expect(try bootload(runner, p) == expected, "\(name)")
        }
        // The 570 layout is 120 bytes longer: a 535 GSP-RM refuses it.
        var p570 = params(gfid: 2, fb: 4, chid: 1024)
        p570.channelOffsets += [UInt32](repeating: 0, count: 0x54 - 0x3e)
        #expect(try status(runner, VGPUBootloadParameters.command, try p570.encode(.r570)) == NVStatus.invalidArgument)
        #expect(try bootload(runner, params(gfid: 2, fb: 4, chid: 1024)) == NVStatus.ok, "the same vGPU, valid, is accepted")
    }

    @Test func teardownOrder() throws {
        let (sim, runner) = try booted()
        #expect(try bootload(runner, params(gfid: 3, fb: 8, chid: 640)) == NVStatus.ok)
        let gfid = VGPUPluginTaskControl.params(gfid: 3)
        #expect(try status(runner, VGPUPluginTaskControl.cleanup, gfid) == NVStatus.invalidState, "cleanup before shutdown")
        #expect(try status(runner, VGPUPluginTaskControl.shutdown, gfid) == NVStatus.ok)
        #expect(try status(runner, VGPUPluginTaskControl.shutdown, gfid) == NVStatus.invalidState, "shutdown twice")
        #expect(try status(runner, VGPUPluginTaskControl.cleanup, gfid) == NVStatus.ok)
        #expect(sim.pluginTasks.isEmpty)
        #expect(try bootload(runner, params(gfid: 3, fb: 8, chid: 640)) == NVStatus.ok, "the gfid is free again after cleanup")
        #expect(!sim.setEnabledVFs(0), "VFs cannot go while a plugin task runs")
    }

    @Test func aBareMetalGSPRefusesVGPUs() throws {
        let (_, runner) = try booted(vgpu: false)
        #expect(try bootload(runner, params(gfid: 1, fb: 0, chid: 512)) == NVStatus.invalidState)
    }
}
