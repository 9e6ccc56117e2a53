import Testing
import VGPUCore
import VGPUHAL
import VGPUFirmwareFormats
import VGPUProbe
import VGPUSimulator
import VGPUTestSupport

/// The FSP path on the simulated GPU: real 570.144 plans for GH100 and GB202 boot through the simulated
/// FSP, which trusts the real FMC's parts; each way the chain of trust can be wrong is refused, with
/// the FSP's error code and its reason.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct SimulatedFSPTests {
    static let release = FirmwareRelease("570.144")!

    /// A plan, the simulated GPU of its chip trusting the real FMC, and the FMC image.
    func setup(_ chip: String, id: UInt32, fb: UInt64, vgpu: Bool, driver: GSPDriver? = nil, knob: UInt16? = 1) throws -> (GSPBootPlan, SimulatedGPU, [UInt8]) {
        var request = BootPlanning.Request()
        request.driver = driver
        request.chip = chip
        request.framebufferSize = fb
        request.vgpu = vgpu
        request.firmwareRoot = RealFirmware.root
        let report = try BootPlanning.plan(request, registry: try BuiltInModules.registry())
        let fmc = try FMCImage(path: RealFirmware.path("nvidia/\(chip)/gsp/fmc-570.144.bin"))
        let image = try fmc.imageBytes()
        let trusted = FMCSecurityMaterial(hash: fmc.hash, publicKey: fmc.publicKey, signature: fmc.signature, imageSize: UInt64(image.count))
        var firmware = SimulatedGPU.Firmware(release: Self.release, heap: report.heapParameters, fmc: trusted, framebufferSize: fb)
        firmware.vgpuModeKnob = knob
        let sim = SimulatedGPU(boot0: id << 20 | 0xa1, boot42: id << 20 | 0xa1000, firmware: firmware)
        return (report.plan, sim, image)
    }

    @Test(arguments: [("gh100", UInt32(0x180), UInt64(80), false), ("gb202", 0x1b2, 96, true), ("gb100", 0x1a0, 180, true)])
    func aRealPlanBootsAndUnloads(chip: String, id: UInt32, fbGiB: UInt64, vgpu: Bool) throws {
        let (plan, sim, image) = try setup(chip, id: id, fb: fbGiB * Sizes.GiB, vgpu: vgpu)
        let runner = GSPBootRunner(hardware: sim)
        try runner.boot(plan, systemInfo: [UInt8](repeating: 0, count: 40), fmcImage: image)
        #expect(runner.gspRunning && runner.bootedThroughFSP)
        #expect(runner.log.contains("FSP accepted the chain of trust") && runner.log.contains("GSP_INIT_DONE"))
        try runner.unload()
        #expect(!runner.gspRunning && runner.log.last == "FSP path: no booter_unload")
    }

    /// Boots `plan` as changed by `change` (and the image by `image`); the FSP must refuse with IFS_ERR_INVALID_DATA.
    func expectRefusal(_ chip: String, id: UInt32, because reason: String, image changeImage: (inout [UInt8]) -> Void = { _ in },
                       _ change: (inout FSPChainOfTrust) -> Void) throws {
        let (plan, sim, original) = try setup(chip, id: id, fb: 96 * Sizes.GiB, vgpu: true)
        var altered = plan
        var cot = try #require(plan.chainOfTrust)
        change(&cot)
        altered.chainOfTrust = cot
        var image = original
        changeImage(&image)
        let runner = GSPBootRunner(hardware: sim)
        #expect(throws: GSPBootError.fspRefused(errorCode: 0xa1)) { try runner.boot(altered, fmcImage: image) }
        #expect(sim.lastRejection?.contains(reason) == true, "\(sim.lastRejection ?? "accepted")")
        #expect(!runner.gspRunning)
    }

    @Test func aWrongHashIsRefused() throws {
        try expectRefusal("gb202", id: 0x1b2, because: "hash384 is not the SHA-384 of the FMC image at gspFmcSysmemOffset") { $0.hash384[0] ^= 1 }
        // The image changed instead: its hash is no longer the one the message carries.
        try expectRefusal("gb202", id: 0x1b2, because: "hash384 is not the SHA-384 of the FMC image", image: { $0[4096] ^= 0x80 }) { _ in }
    }

    @Test func aSignatureOfTheWrongLengthIsRefused() throws {
        // GH100's 384-byte RSA-3072 length on a Blackwell FSP, which checks 96.
        try expectRefusal("gb202", id: 0x1b2, because: "signature runs past the 96 bytes the GB20x FSP checks") {
            $0.signature += [UInt8](repeating: 0x5a, count: 384 - $0.signature.count)
        }
        try expectRefusal("gb202", id: 0x1b2, because: "publicKey is not the one the FSP trusts") { $0.publicKey[10] ^= 0xff }
    }

    @Test func theWrongProtocolVersionIsRefused() throws {
        try expectRefusal("gb202", id: 0x1b2, because: "chain-of-trust version 1; the GB20x FSP speaks version 2") { $0.version = 1 }
        try expectRefusal("gh100", id: 0x180, because: "chain-of-trust version 2; the GH100 FSP speaks version 1") { $0.version = 2 }
    }

    @Test func overlappingRegionsAreRefused() throws {
        // FRTS 1 MiB from the end: into Blackwell's 24 MiB PMU reservation and the VGA workspace above it.
        try expectRefusal("gb202", id: 0x1b2, because: "overlaps the VGA workspace and PMU reservation above it") { $0.frtsVidmemOffset = 0x100000 }
        // FRTS placed below the start of FB: nothing fits under it.
        try expectRefusal("gb202", id: 0x1b2, because: "need more than the 98304 MiB of FB") { $0.frtsVidmemOffset = 96 * Sizes.GiB }
        try expectRefusal("gb202", id: 0x1b2, because: "is not the meta's FRTS size") { $0.frtsVidmemSize = 0x200000 }
    }

    /// nova-core reads the FSP's vGPU-mode knob (PRC object 0x29) before a vGPU boot on GB20x: 1 boots,
    /// 0 or a missing knob stops it; NVIDIA's driver does not ask (its RMSetSriovMode key decides).
    @Test func novaCoreAsksTheFSPForTheVGPUMode() throws {
        let (plan, sim, image) = try setup("gb202", id: 0x1b2, fb: 96 * Sizes.GiB, vgpu: true, driver: .novaCore)
        #expect(plan.steps.contains { $0.phase == .prc })
        let runner = GSPBootRunner(hardware: sim)
        try runner.boot(plan, fmcImage: image)
        #expect(runner.log.contains("FSP: vGPU mode enabled (PRC knob 0x29 = 1)"))
        for (knob, expected) in [(UInt16?(0), GSPBootError.vgpuModeOff(value: 0, errorCode: 0)), (nil, .vgpuModeOff(value: 0, errorCode: 0xa0))] {
            let (plan, sim, image) = try setup("gb202", id: 0x1b2, fb: 96 * Sizes.GiB, vgpu: true, driver: .novaCore, knob: knob)
            #expect(throws: expected) { try GSPBootRunner(hardware: sim).boot(plan, fmcImage: image) }
        }
        let (nvidia, _, _) = try setup("gb202", id: 0x1b2, fb: 96 * Sizes.GiB, vgpu: true)
        #expect(!nvidia.steps.contains { $0.phase == .prc })
    }

    /// The read as NVIDIA's 580 driver sends one (`NVDM_PAYLOAD_PRC_OBJECT_READ`, packed, kern_gpu_gh100.c:538-544:
    /// prcObjType 0x0c, numBytes 2, knobId), after the MCTP header and an NVDM header of type 0x13.
    @Test func thePRCReadIsNVIDIAs() {
        let packet = FSPPRCRead(knob: FSPPRCRead.protectedPCIeKnob).packet()
        #expect(packet == [0x00, 0x00, 0x00, 0xc0, 0x7e, 0xde, 0x10, 0x13, 0x0c, 0x02, 0x2d, 0x00])
    }

    /// GB10x: a failed fuse check stops the boot before anything is sent to the FSP.
    @Test func aFuseErrorStopsGB100() throws {
        let (plan, sim, image) = try setup("gb100", id: 0x1a0, fb: 180 * Sizes.GiB, vgpu: true)
        sim.write32(FSPRegisters.fuseErrorCheck, 0x4)
        #expect(throws: GSPBootError.fspFuseError(0x4)) { try GSPBootRunner(hardware: sim).boot(plan, fmcImage: image) }
    }

    /// Without the FMC the FSP path cannot be planned as bootable, nor run.
    @Test func noFMCIsAnUnmetRequirementAndAnError() throws {
        let (plan, sim, _) = try setup("gh100", id: 0x180, fb: 80 * Sizes.GiB, vgpu: false)
        #expect(throws: GSPBootError.noFMC) { try GSPBootRunner(hardware: sim).boot(plan, fmcImage: []) }
        let hal = GH100BootHAL(.gb202)
        var inputs = GSPBootInputs(framebufferSize: 96 * Sizes.GiB, bootloaderSize: 0x31000, bootloaderCodeOffset: 0xb200, bootloaderDataOffset: 0xa00,
                                   bootloaderManifestOffset: 0, appVersion: 0, imageSize: 0x3c99000, signatureSize: 4096)
        #expect(hal.unmetRequirements(inputs: inputs).first?.contains("no FMC image") == true)
        // GH100's 384-byte signature and key in a GB202 plan: NVIDIA's driver asserts the family's lengths.
        inputs.fmc = FMCSecurityMaterial(hash: [UInt8](repeating: 1, count: 48), publicKey: [UInt8](repeating: 2, count: 384),
                                         signature: [UInt8](repeating: 3, count: 384), imageSize: 4096)
        #expect(hal.unmetRequirements(inputs: inputs) == ["the FMC's signature is 384 bytes; the GB202 FSP path carries 96",
                                                          "the FMC's public key is 384 bytes; the GB202 FSP path carries 97"])
    }
}
