import Foundation
import Testing
import VGPUCore
import VGPUHAL
import VGPUTestSupport

/// The FSP path (Hopper, Blackwell) against vectors derived from NVIDIA's sources at 570.144 and 580.142
/// (Tests/Fixtures/nvidia-vectors.json: `NVDM_PAYLOAD_COT` compiled with the C compiler, the per-chip HAL
/// values read from the generated HAL bindings, registers from the published headers). Nothing in the
/// vectors comes from this package's code.
struct FSPVectorTests {
    static let tags = ["570.144", "580.142"]

    /// The vectors' `key` section at `tag`.
    func section(_ key: String, _ tag: String) throws -> [String: Any] {
        let url = RealFirmware.packageRoot.appendingPathComponent("Tests/Fixtures/nvidia-vectors.json")
        let vectors = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try #require((vectors[key] as? [String: Any])?[tag] as? [String: Any], "\(key) \(tag)")
    }

    /// NVIDIA's family names in the vectors, as the HAL's.
    static func family(_ name: String) -> GH100BootHAL.Family? {
        switch name {
        case "gh100", "GH100": .gh100
        case "gb10x", "GB100", "GB102": .gb100
        case "gb20x", "GB202", "GB203", "GB205", "GB206", "GB207": .gb202
        default: nil
        }
    }

    @Test(arguments: tags)
    func chainOfTrustLayoutIsNVIDIAs(tag: String) throws {
        let cot = try #require(try section("fspCot", tag)["NVDM_PAYLOAD_COT"] as? [String: Any])
        let offsets = try #require(cot["offsets"] as? [String: Int]), sizes = try #require(cot["sizes"] as? [String: Int])
        #expect(cot["sizeof"] as? Int == FSPChainOfTrust.size)
        typealias O = FSPChainOfTrust.Offset
        let ours = ["version": O.version, "size": O.size, "gspFmcSysmemOffset": O.gspFmcSysmemOffset, "frtsSysmemOffset": O.frtsSysmemOffset,
                    "frtsSysmemSize": O.frtsSysmemSize, "frtsVidmemOffset": O.frtsVidmemOffset, "frtsVidmemSize": O.frtsVidmemSize,
                    "hash384": O.hash384, "publicKey": O.publicKey, "signature": O.signature, "gspBootArgsSysmemOffset": O.gspBootArgsSysmemOffset]
        #expect(ours == offsets)
        #expect(sizes["hash384"] == FSPChainOfTrust.hashLength && sizes["publicKey"] == FSPChainOfTrust.keyRoom && sizes["signature"] == FSPChainOfTrust.keyRoom)

        // Every field, given a value of its own, is found at NVIDIA's offset with NVIDIA's width.
        let material = FMCSecurityMaterial(hash: (0..<48).map { UInt8($0 + 1) }, publicKey: (0..<97).map { UInt8(truncatingIfNeeded: $0 + 0x40) },
                                           signature: (0..<96).map { UInt8(truncatingIfNeeded: $0 + 0x90) }, imageSize: 0x30a48)
        var message = FSPChainOfTrust(version: 2, gspFmcSysmemOffset: 0x1_2345_6000, frtsVidmemOffset: 0x1c0_0000, frtsVidmemSize: 0x10_0000,
                                      material: material, gspBootArgsSysmemOffset: 0x2_0000_1000)
        message.frtsSysmemOffset = 0x3_0000_0000
        message.frtsSysmemSize = 0x1234
        let bytes = try message.encode()
        #expect(bytes.count == cot["sizeof"] as? Int)
        func field(_ name: String) -> UInt64 {
            let o = offsets[name] ?? 0, n = sizes[name] ?? 0
            return (0..<n).reduce(0) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) }
        }
        #expect(field("version") == 2 && field("size") == UInt64(FSPChainOfTrust.size))
        #expect(field("gspFmcSysmemOffset") == 0x1_2345_6000 && field("gspBootArgsSysmemOffset") == 0x2_0000_1000)
        #expect(field("frtsSysmemOffset") == 0x3_0000_0000 && field("frtsSysmemSize") == 0x1234)
        #expect(field("frtsVidmemOffset") == 0x1c0_0000 && field("frtsVidmemSize") == 0x10_0000)
        for (name, expected) in [("hash384", material.hash), ("publicKey", material.publicKey), ("signature", material.signature)] {
            let o = offsets[name] ?? 0, n = sizes[name] ?? 0
            // The part, then zeros to the end of its room (the driver zeroes the buffer first).
            #expect(Array(bytes[o..<o + n]) == expected + [UInt8](repeating: 0, count: n - expected.count), "\(name)")
        }
        #expect(FSPChainOfTrust.decode(bytes)?.frtsVidmemOffset == 0x1c0_0000)
    }

    @Test(arguments: tags)
    func theHeadersAreNVIDIAs(tag: String) throws {
        let s = try section("fspCot", tag)
        let nvdm = try #require(s["nvdmTypes"] as? [String: UInt32]), bits = try #require(s["mctpFields"] as? [String: [UInt32]])
        let constants = try #require(s["constants"] as? [String: UInt32])
        #expect(nvdm["NVDM_TYPE_COT"] == FSPChainOfTrust.nvdmTypeCOT && nvdm["NVDM_TYPE_FSP_RESPONSE"] == FSPChainOfTrust.nvdmTypeResponse)
        func at(_ field: String, _ value: UInt32) -> UInt32 { value << (bits[field]?[1] ?? 0) }
        #expect(FSPChainOfTrust.mctpSingle == at("MCTP_HEADER_SOM", 1) | at("MCTP_HEADER_EOM", 1))
        #expect(FSPChainOfTrust.nvdmHeader(type: 0x14) == at("MCTP_MSG_HEADER_TYPE", constants["MCTP_MSG_HEADER_TYPE_VENDOR_PCI"] ?? 0)
                | at("MCTP_MSG_HEADER_VENDOR_ID", constants["MCTP_MSG_HEADER_VENDOR_ID_NV"] ?? 0) | at("MCTP_MSG_HEADER_NVDM_TYPE", 0x14))
        // The packet: the two header words (HEADER_DWORD_MCTP, HEADER_DWORD_NVDM), then the payload.
        #expect(constants["HEADER_DWORD_MAX"] == 2)
    }

    @Test(arguments: tags)
    func perChipValuesAreNVIDIAs(tag: String) throws {
        let chips = try #require(try section("fspCot", tag)["chips"] as? [String: [String: Int]])
        for (chip, v) in chips {
            guard let family = Self.family(chip) else { continue }   // GB10B, GB110...: chips no module owns
            let hal = GH100BootHAL(family)
            #expect(v["cotPayloadVersion"] == Int(hal.chainOfTrustVersion), "\(chip)")
            #expect(v["cotPayloadSignatureSize"] == hal.signatureLength && v["cotPayloadPublicKeySize"] == hal.publicKeyLength, "\(chip)")
        }
        let release = try #require(FirmwareRelease(tag))
        let layout = try #require(try section("fspLayout", tag)["families"] as? [String: [String: Any]])
        for (name, v) in layout {
            let hal = GH100BootHAL(try #require(Self.family(name)))
            let pmu = try #require((v["pmuReservedMemory"] as? [String: Any])?["size"] as? UInt64)
            #expect(hal.pmuReservation(release: release) == pmu, "\(name) \(tag)")
            #expect(hal.nonWPRHeapSize(release: release) == v["nonWprHeapSize"] as? UInt64, "\(name) \(tag)")
            let r = hal.reservations(pmu: pmu)
            #expect(r.fbEndReserve == v["fbEndReserveSizeEstimate"] as? UInt64 && r.fspExtra == v["fspExtraReservedMemorySize"] as? UInt64, "\(name)")
            #expect(r.frtsVidmemOffset == v["cotFrtsVidmemOffset"] as? UInt64 && r.vgaWorkspace == v["vgaWorkspaceSize"] as? UInt64, "\(name) \(tag)")
            // A plan's layout carries the same terms.
            let input = WPR2LayoutInput(framebufferSize: 96 * Sizes.GiB, bootloaderSize: 0x31000, imageSize: 0x3c99000, heapSize: 581 * Sizes.MiB,
                                        nonWPRHeapSize: hal.nonWPRHeapSize(release: release), frtsSize: v["frtsSize"] as? UInt64 ?? 0)
            var withPMU = input
            withPMU.pmuReservation = pmu
            let planned = try hal.layout(withPMU)
            #expect(planned.fsp?.frtsVidmemOffset == v["cotFrtsVidmemOffset"] as? UInt64 && planned.frts.size == v["cotFrtsSize"] as? UInt64)
            #expect(planned.vgaWorkspace.size == v["vgaWorkspaceSize"] as? UInt64 && planned.fsp?.pmuReservation.size == pmu)

            // Heap: the Hopper base, the LIBOS3 bounds and the vGPU default and partitions.
            let p = try #require(GH100HeapParameters.parameters(for: release))
            let MiB = Sizes.MiB
            #expect(p.baseRM == v["fwHeapParamBaseSize"] as? UInt64)
            #expect(p.osCarveout == (v["osCarveoutSize"] as? [String: UInt64])?["bareMetal"])
            let minimum = v["minWprHeapSizeMB"] as? [String: UInt64], maximum = v["maxWprHeapSizeMB"] as? [String: UInt64]
            #expect(p.minimum == (minimum?["bareMetal"] ?? 0) * MiB && p.maximum == (maximum?["bareMetal"] ?? 0) * MiB)
            #expect(p.vgpuOverrideRange == (minimum?["vgpu"] ?? 0) * MiB...(maximum?["vgpu"] ?? 0) * MiB, "\(name) \(tag)")
            // At 580 GB20x's values are per chip (GB202's 48-VM boards differ); every chip's default is ours.
            let perChip = (v["perChip"] as? [String: [String: Any]]).map { Array($0.values) } ?? [v]
            for c in perChip {
                #expect(p.vgpuDefault == (c["vgpuFwHeapSize"] as? [String: UInt64])?["default"], "\(name) \(tag)")
                #expect(Int(p.vgpuPartitionCount) == (c["vgpuPartitions"] as? [String: Int])?["default"], "\(name) \(tag)")
            }
            #expect(p.prescrubbedSize == nil)
        }
    }

    /// From 580 NVIDIA sizes GB202's vGPU heap per board: the boards `_is48VmEnabled` lists (read from
    /// kernel_gsp_gb202.c into the vectors) get `GSP_FW_HEAP_SIZE_VGPU_48VMS` and `MAX_PARTITIONS_WITH_GFID`,
    /// whatever their subsystem vendor; other boards, other dies and 570 keep the default.
    @Test(arguments: tags)
    func gb202FortyEightVMBoardsAreNVIDIAs(tag: String) throws {
        let release = try #require(FirmwareRelease(tag))
        let layout = try #require(try section("fspLayout", tag)["families"] as? [String: [String: Any]])
        let perChip = layout.values.compactMap { $0["perChip"] as? [String: [String: Any]] }.first
        let gb202 = perChip?["GB202"]
        let listed = (gb202?["vgpu48vmPciIds"] as? [[Int]])?.map { (UInt16($0[0]), UInt16($0[1])) } ?? []
        if tag == "580.142" {
            #expect(listed.count == 2)
            #expect(Set(listed.map { "\($0.0):\($0.1)" }) == Set(GB202HeapParameters.fortyEightVMBoards.map { "\($0.device):\($0.subsystemDevice)" }))
        }
        // At 570 no board is listed: NVIDIA's 580 list must then change nothing.
        let boards = listed.isEmpty ? GB202HeapParameters.fortyEightVMBoards.map { ($0.device, $0.subsystemDevice) } : listed
        let heap = gb202?["vgpuFwHeapSize"] as? [String: UInt64], partitions = gb202?["vgpuPartitions"] as? [String: Int]
        let `default` = try #require(GH100HeapParameters.parameters(for: release))
        for (device, subsystemDevice) in boards {
            for vendor: UInt16 in [0x10de, 0x1028] {
                let board = PCIBoardID(deviceID: device, subsystem: PCISubsystem(vendor: vendor, device: subsystemDevice))
                let p = try #require(GB202HeapParameters.parameters(for: release, board: board))
                #expect(p.vgpuDefault == heap?["48vm"] ?? `default`.vgpuDefault, "\(board) at \(tag)")
                #expect(Int(p.vgpuPartitionCount) == partitions?["48vm"] ?? Int(`default`.vgpuPartitionCount), "\(board) at \(tag)")
                // The override range is the release's, 48 VMs or not.
                #expect(p.vgpuOverrideRange == `default`.vgpuOverrideRange)
            }
            // The same device with another subsystem, or with none read, is a 32-VM board.
            for other in [PCIBoardID(deviceID: device, subsystem: PCISubsystem(vendor: 0x10de, device: subsystemDevice &+ 1)),
                          PCIBoardID(deviceID: device, subsystem: nil)] {
                #expect(GB202HeapParameters.parameters(for: release, board: other) == `default`, "\(other)")
            }
        }
    }

    @Test(arguments: tags)
    func bootParamsAreNVIDIAs(tag: String) throws {
        let s = try section("fspBootParams", tag)
        let offsets = try #require(s["offsets"] as? [String: Int]), sizes = try #require(s["sizes"] as? [String: Int])
        let release = try #require(FirmwareRelease(tag))
        #expect(s["sizeof"] as? Int == GSPFMCBootParams.size(release))
        typealias O = GSPFMCBootParams.Offset
        let ours = ["initParams.regkeys": O.regkeys, "bootGspRmParams.target": O.descTarget, "bootGspRmParams.gspRmDescSize": O.descSize,
                    "bootGspRmParams.gspRmDescOffset": O.descOffset, "bootGspRmParams.wprCarveoutOffset": O.wprCarveoutOffset,
                    "bootGspRmParams.wprCarveoutSize": O.wprCarveoutSize, "bootGspRmParams.bIsGspRmBoot": O.isGspRmBoot,
                    "gspRmParams.target": O.bootArgsTarget, "gspRmParams.bootArgsOffset": O.bootArgsOffset]
        for (field, offset) in ours { #expect(offsets[field] == offset, "\(field)") }
        // Encoded, each field is at NVIDIA's offset with NVIDIA's width.
        let bytes = GSPFMCBootParams(metaAddress: 0x1_2345_6000, libosArguments: 0x2_0000_7000).encode(release)
        func field(_ name: String) -> UInt64 {
            let o = offsets[name] ?? 0, n = sizes[name] ?? 0
            return (0..<n).reduce(0) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) }
        }
        let coherent = try #require((s["GSP_DMA_TARGET"] as? [String: UInt64])?["GSP_DMA_TARGET_COHERENT_SYSTEM"])
        #expect(field("bootGspRmParams.gspRmDescOffset") == 0x1_2345_6000 && field("bootGspRmParams.gspRmDescSize") == 256)
        #expect(field("bootGspRmParams.target") == coherent && field("gspRmParams.target") == coherent)
        #expect(field("gspRmParams.bootArgsOffset") == 0x2_0000_7000 && field("bootGspRmParams.bIsGspRmBoot") == 1)
        #expect(field("bootGspRmParams.wprCarveoutOffset") == 0 && field("initParams.regkeys") == 0)
        #expect(GSPFMCBootParams.decode(bytes) == GSPFMCBootParams(metaAddress: 0x1_2345_6000, libosArguments: 0x2_0000_7000))
    }

    @Test(arguments: tags)
    func registersAreNVIDIAs(tag: String) throws {
        let s = try section("fspRegisters", tag)
        let boot = try #require(s["fspBootComplete"] as? [String: [String: Any]])
        for (name, v) in boot {
            let hal = GH100BootHAL(try #require(Self.family(name)))
            #expect(hal.fspBootStatusRegister == v["address"] as? UInt32 && v["success"] as? Int == 0xff, "\(name)")
        }
        let gsp = try #require(s["gsp"] as? [String: Any])
        #expect(FSPRegisters.gspHWCFG2 == gsp["HWCFG2"] as? UInt32)
        #expect(FSPRegisters.gspRISCVCPUCTL == gsp["RISCV_CPUCTL"] as? UInt32)
        #expect(GSPRegisters.gspFalcon + GSPRegisters.mailbox0 == gsp["MAILBOX0"] as? UInt32)
        #expect(GSPRegisters.gspFalcon + GSPRegisters.appVersion == gsp["OS"] as? UInt32)
    }
}
