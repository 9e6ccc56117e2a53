import Testing
import VGPUCore

struct IdentityTests {
    @Test("BOOT_42 bits 29:20 give the chip id and architecture", arguments: [
        (UInt32(0x1920_00a1), UInt16(0x192), Architecture.ada),
        (0x1970_00a1, 0x197, .ada),
        (0x1640_00a1, 0x164, .turing),
        (0x1720_00a1, 0x172, .ampere),
        (0x1800_00a1, 0x180, .hopper),
        (0x1b20_00a1, 0x1b2, .blackwellGB20x),
    ])
    func chipFromBoot42(boot42: UInt32, id: UInt16, architecture: Architecture) throws {
        let regs = IdentityRegisters(boot0: boot42 & 0x1ff0_0000, boot42: boot42)
        let chip = try regs.chipID().get()
        #expect(chip == ChipID(rawValue: id))
        #expect(chip.architecture == architecture)
    }

    @Test func failedReads() {
        #expect(IdentityRegisters(boot0: 0xffff_ffff, boot42: 0xffff_ffff).chipID() == .failure(.readFailed))
        #expect(IdentityRegisters(boot0: 0xbadf_1100, boot42: 0).chipID() == .failure(.securityFault(0xbadf_1100)))
        #expect(IdentityRegisters(boot0: 0x0920_00a1, boot42: 0).chipID() == .failure(.preFermi(0x0920_00a1)))
    }

    @Test func unknownArchitectureStillDecodes() throws {
        let id = try IdentityRegisters(boot0: 0x1400_00a1, boot42: 0x1400_0000).chipID().get()
        #expect(id.rawValue == 0x140)
        #expect(id.architecture == nil)
    }

    @Test func pciAddressParsing() {
        #expect(PCIAddress("0000:41:00.0")?.description == "0000:41:00.0")
        #expect(PCIAddress("10000:c1:1f.7")?.domain == 0x10000)
        #expect(PCIAddress("0000:41:00.4")?.routingID == 0x4104)
        #expect(PCIAddress("ffffffff:FF:1f.7").map { [$0.domain, UInt32($0.bus), UInt32($0.device), UInt32($0.function)] } == [0xffff_ffff, 0xff, 0x1f, 7])
        #expect(PCIAddress("0000:41:00.0"[...]) == PCIAddress("0000:41:00.0"))
        for bad in ["", "41:00.0", "0000:41:00", "0000:41:20.0", "0000:41:00.8", "0000:4g:00.0", "0000:041:00.0", "0000:41:00.0.1",
                    "000:41:00.0", "0000:4:00.0", "0000:41:00.10", "0000:41::00.0", "0000:41:00.0\n", " 0000:41:00.0",
                    "0000.41:00.0", "0000:41.00:0", "100000000:00:00.0", "0000:41:00.", "0000:41:00.-1", "０000:41:00.0"] {
            #expect(PCIAddress(bad) == nil, "\(bad)")
        }
        #expect(PCIAddress("0000:41:00.0")! < PCIAddress("0000:41:00.1")!)
        #expect(PCIAddress("0000:c1:00.0")! > PCIAddress("0000:41:1f.7")!)
    }

    /// VF addresses by the SR-IOV capability's rule (PCIe Base Specification, "First VF Offset" and
    /// "VF Stride"): an L40S PF at 41:00.0 with offset 4 and stride 1 has VF 1 at 41:00.4 and VF 5 at 41:01.0.
    @Test func vfAddressesFollowOffsetAndStride() throws {
        let pf = try #require(PCIAddress("0000:41:00.0"))
        #expect(pf.vfAddress(1, firstVFOffset: 4, vfStride: 1)?.description == "0000:41:00.4")
        #expect(pf.vfAddress(5, firstVFOffset: 4, vfStride: 1)?.description == "0000:41:01.0")
        #expect(pf.vfAddress(3, firstVFOffset: 0x100, vfStride: 8)?.description == "0000:42:02.0")
        // The last routing id of the segment is VF 1 here; VF 2 would be past it, and is reported as where.
        let top = try #require(PCIAddress("0000:ff:00.0"))
        #expect(top.vfAddress(1, firstVFOffset: 0xff, vfStride: 1)?.description == "0000:ff:1f.7")
        #expect(top.vfAddress(2, firstVFOffset: 0xff, vfStride: 1) == nil)
        #expect(top.vfRoutingID(2, firstVFOffset: 0xff, vfStride: 1) == 0x10000)
        // Operands outside the capability's 16-bit fields are refused, not computed; VF 1 ignores the stride.
        #expect(pf.vfRoutingID(0, firstVFOffset: 4, vfStride: 1) == nil)
        #expect(pf.vfRoutingID(2, firstVFOffset: 4, vfStride: 0x10000) == nil)
        #expect(pf.vfRoutingID(1, firstVFOffset: 0x10000, vfStride: 1) == nil)
        #expect(pf.vfRoutingID(1, firstVFOffset: 4, vfStride: Int.max) == 0x4104)
        #expect(pf.vfRoutingID(0x10000, firstVFOffset: 0xffff, vfStride: 0xffff) == 0x4100 + 0xffff + 0xffff * 0xffff)
    }

    @Test func releaseOrderingAndSpelling() throws {
        let a = try #require(FirmwareRelease("535.113.01"))
        let b = try #require(FirmwareRelease("570.144"))
        #expect(a < b)
        #expect(a.description == "535.113.01")
        #expect(FirmwareRelease("535.113.1") == a)
        #expect(a.major == 535)
        for bad in ["", "535..1", "abc", "1.2.3.4.5", "535.-1", "9999999"] { #expect(FirmwareRelease(bad) == nil, "\(bad)") }
    }
}
