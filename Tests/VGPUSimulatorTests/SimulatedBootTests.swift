import Testing
import VGPUAda
import VGPUCore
import VGPUProbe
import VGPUSimulator
import VGPUTestSupport

/// Boot runs of real-firmware plans on the simulated GPU: success, every injected failure, and metas
/// the simulated GSP must refuse. After every failure the unload path must leave WPR2 down.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct SimulatedBootTests {
    static let release = FirmwareRelease("535.113.01")!

    func plan(vgpu: Bool) throws -> GSPBootPlan {
        var request = BootPlanning.Request()
        request.chip = "ad102"
        request.framebufferSize = 48 * Sizes.GiB
        request.vgpu = vgpu
        request.firmwareRoot = RealFirmware.root
        return try BootPlanning.plan(request, registry: try BuiltInModules.registry()).plan
    }

    func gpu(_ faults: Set<SimulatedGPU.Fault> = [], heap: GSPHeapParameters? = nil) throws -> SimulatedGPU {
        let params = try #require(try AdaModule().heapParameters(for: AdaChip.ad102.chip, release: Self.release))
        return SimulatedGPU(boot0: 0x1920_00a1, boot42: 0x192a_1000, firmware: .init(release: Self.release, heap: heap ?? params), faults: faults)
    }

    /// Unloads and checks the device is clean: WPR2 down, GSP not running.
    func expectCleanUnload(_ runner: GSPBootRunner, _ sim: SimulatedGPU) {
        #expect(throws: Never.self) { try runner.unload() }
        #expect(sim.read32(GSPRegisters.wpr2AddrHi) == 0)
        #expect(!runner.gspRunning)
    }

    @Test func bareMetalBootAndUnload() throws {
        let sim = try gpu()
        let runner = GSPBootRunner(hardware: sim)
        let p = try plan(vgpu: false)
        try runner.boot(p, systemInfo: [UInt8](repeating: 0xab, count: 40))
        #expect(runner.gspRunning)
        #expect(sim.read32(GSPRegisters.wpr2AddrLo) == UInt32(0xbf5700000 >> 12))
        #expect(sim.read32(GSPRegisters.wpr2AddrHi) == UInt32((0xbfff00000 - 1) >> 12))
        #expect(sim.ucodeRuns == [.fwsecFRTS, .booterLoad])
        #expect(sim.received[GSPRPC.setSystemInfo] == [UInt8](repeating: 0xab, count: 40))
        let registry = String(decoding: sim.received[GSPRPC.setRegistry] ?? [], as: UTF8.self)
        #expect(registry.contains("RMSecBusResetEnable") && !registry.contains("RMSetSriovMode"))
        // The meta the booter read carries real DMA addresses.
        let placed = try #require(runner.placedMeta)
        #expect(placed.sysmemAddrOfRadix3Elf != 0 && placed.sysmemAddrOfSignature != 0 && placed.sysmemAddrOfBootloader != 0)
        runner.unloadAndCheck(sim)
        #expect(sim.received[GSPRPC.unloadingGuestDriver] != nil)
        #expect(sim.ucodeRuns.last == .booterUnload)
    }

    @Test func vgpuBootRunsTheScrubberAndSetsSRIOVMode() throws {
        let sim = try gpu()
        let runner = GSPBootRunner(hardware: sim)
        try runner.boot(try plan(vgpu: true))
        #expect(sim.ucodeRuns == [.fwsecFRTS, .scrubber, .booterLoad])
        #expect(runner.placedMeta?.gspFwHeapVfPartitionCount == 32)
        #expect(String(decoding: sim.received[GSPRPC.setRegistry] ?? [], as: UTF8.self).contains("RMSetSriovMode"))
        expectCleanUnload(runner, sim)
    }

    @Test("each injected failure gives its own error and unloads clean", arguments: [
        (SimulatedGPU.Fault.booterNeverReleases, GSPBootError.booterTimeout),
        (.booterMailbox(0xdead), .booterFailed(mailbox0: 0xdead)),
        (.initDoneNeverComes, .initDoneTimeout),
        (.wpr2AlreadySet, .wpr2AlreadyUp(hi: 0xbffef)),
    ])
    func injectedFailure(fault: SimulatedGPU.Fault, expected: GSPBootError) throws {
        let sim = try gpu([fault])
        let runner = GSPBootRunner(hardware: sim, pollLimit: 50)
        #expect(throws: expected) { try runner.boot(try plan(vgpu: false)) }
        expectCleanUnload(runner, sim)
    }

    @Test func corruptQueueEntry() throws {
        let sim = try gpu([.corruptQueueEntry])
        let runner = GSPBootRunner(hardware: sim, pollLimit: 50)
        do {
            try runner.boot(try plan(vgpu: false))
            Issue.record("expected a corrupt entry")
        } catch {
            guard case GSPBootError.corruptQueueEntry(let why)? = error as? GSPBootError else { Issue.record("got \(error)"); return }
            #expect(why.contains("checksum"))
        }
        expectCleanUnload(runner, sim)
    }

    @Test func scrubberNeverFinishes() throws {
        let sim = try gpu([.scrubberNeverFinishes])
        let runner = GSPBootRunner(hardware: sim, pollLimit: 50)
        #expect(throws: GSPBootError.scrubberTimeout(scratch: 0)) { try runner.boot(try plan(vgpu: true)) }
        expectCleanUnload(runner, sim)
    }

    @Test func unloadIgnoredTimesOut() throws {
        let sim = try gpu([.unloadIgnored])
        let runner = GSPBootRunner(hardware: sim, pollLimit: 50)
        try runner.boot(try plan(vgpu: false))
        do {
            try runner.unload()
            Issue.record("expected an unload timeout")
        } catch {
            // Mailbox 0 still holds the LibOS argument address the runner wrote, not 0x80000000.
            let libos = sim.read32(GSPRegisters.gspFalcon + GSPRegisters.mailbox0)
            #expect(error == .unloadTimeout(mailbox0: libos) && libos != GSPRegisters.unloadDone)
        }
        #expect(sim.read32(GSPRegisters.wpr2AddrHi) != 0, "a failed unload leaves WPR2 up for the caller to see")
    }

    @Test func wpr2AlreadyUpIsCleanedAndTheNextBootSucceeds() throws {
        let sim = try gpu([.wpr2AlreadySet])
        let first = GSPBootRunner(hardware: sim)
        #expect(throws: GSPBootError.self) { try first.boot(try plan(vgpu: false)) }
        try first.unload()
        let second = GSPBootRunner(hardware: sim)
        try second.boot(try plan(vgpu: false))
        #expect(second.gspRunning)
    }

    @Test("the simulated GSP refuses a bad meta", arguments: [
        ("gspFwOffset", SimulatedGPU.Rejection.alignment),
        ("heapOverlap", .order),
        ("partitionCount", .heapSize),
        ("magic", .badMeta),
    ])
    func refusesBadMeta(tamper: String, rejection: SimulatedGPU.Rejection) throws {
        var p = try plan(vgpu: false)
        switch tamper {
        case "gspFwOffset": p.meta.gspFwOffset -= 0x1000  // still ordered, no longer 64 KiB aligned
        case "heapOverlap": p.meta.gspFwHeapSize += 64 * Sizes.MiB
        case "partitionCount": p.meta.gspFwHeapVfPartitionCount = 32
        default: p.meta.magic = 0
        }
        let sim = try gpu()
        let runner = GSPBootRunner(hardware: sim)
        #expect(throws: GSPBootError.booterFailed(mailbox0: rejection.rawValue)) { try runner.boot(p) }
        #expect(sim.lastRejection != nil)
        expectCleanUnload(runner, sim)
    }

    @Test func refusesAVGPUHeapWithoutTheScrubber() throws {
        // nouveau has no code that runs the AD102 scrubber (and 535.113.01 ships no file of it): the plan
        // says so, goes without the step, and the GSP refuses the meta as the hardware would (its check is
        // NVIDIA's rule, not the planner's).
        let params = try #require(try AdaModule().heapParameters(for: AdaChip.ad102.chip, release: Self.release))
        let real = try plan(vgpu: true)
        let inputs = GSPBootInputs(framebufferSize: 48 * Sizes.GiB, bootloaderSize: real.meta.sizeOfBootloader,
                                   bootloaderCodeOffset: real.meta.bootloaderCodeOffset, bootloaderDataOffset: real.meta.bootloaderDataOffset,
                                   bootloaderManifestOffset: real.meta.bootloaderManifestOffset, appVersion: 0,
                                   imageSize: real.meta.sizeOfRadix3Elf, signatureSize: real.meta.sizeOfSignature)
        let skipped = try GSPBootPlanner.plan(chip: AdaChip.ad102.chip, release: Self.release, mode: .vgpu(override: nil), inputs: inputs,
                                              parameters: params, hal: try #require(try AdaModule().bootHAL(for: AdaChip.ad102.chip)),
                                              driver: .nouveau, scrubberFile: nil)
        #expect(skipped.heap.requiresScrubber && !skipped.steps.contains { $0.phase == .scrubber })
        // First that nouveau hosts no vGPU at all; then the scrubber it could not run anyway.
        #expect(skipped.unmetRequirements.count == 2 && skipped.unmetRequirements[0].hasPrefix("mainline nouveau has no vGPU support"), "\(skipped.unmetRequirements)")
        #expect(skipped.unmetRequirements.last?.contains("nouveau has no code that runs it (release 535.113.01 ships no scrubber file for AD102") == true,
                "\(skipped.unmetRequirements)")
        let sim = try gpu()
        let runner = GSPBootRunner(hardware: sim)
        #expect(throws: GSPBootError.booterFailed(mailbox0: SimulatedGPU.Rejection.scrubberNotRun.rawValue)) { try runner.boot(skipped) }
        expectCleanUnload(runner, sim)
    }
}

extension GSPBootRunner {
    /// Unloads and checks WPR2 went down.
    func unloadAndCheck(_ sim: SimulatedGPU) {
        #expect(throws: Never.self) { try self.unload() }
        #expect(sim.read32(GSPRegisters.wpr2AddrHi) == 0)
    }
}
