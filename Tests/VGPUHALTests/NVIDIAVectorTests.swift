import Foundation
import Testing
import VGPUAda
import VGPUAmpere
import VGPUCore
import VGPUHAL
import VGPUProbe
import VGPUTestSupport

/// VGPUKit against vectors derived from NVIDIA's own sources (Tests/Fixtures/nvidia-vectors.json, written by
/// scripts/nvidia_vectors.py from open-gpu-kernel-modules at 535.113.01, 545.29.06, 550.163.01, 570.144 and
/// 580.142: struct offsets compiled with the C compiler, heap macros compiled, the layout and heap rules
/// transcribed with their lines, which the script checks against the sources). Nothing in the vectors
/// comes from this package's code.
struct NVIDIAVectorTests {
    struct Vectors: Decodable {
        struct Structs: Decodable {
            let GspFwWprMeta: [String: Int]
            let GSP_VF_INFO: [String: Int]
        }
        struct Heap: Decodable {
            struct Constants: Decodable {
                let carveout, base, perGB, client, min, max, vgpuDefault: UInt64
                let vgpuOverride: [UInt64]
            }
            let tag, family: String
            let constants: Constants
            let bareMetal: [String: UInt64]
        }
        struct Layout: Decodable {
            let tag, chip, driver: String
            let fbGiB: UInt64
            let vgpu, requiresScrubber: Bool
            let imageSize, bootloaderSize: UInt64
            let meta: [String: UInt64]
            /// 570's `flags` and `pmuReservedSize`, by NVIDIA's driver.
            let metaTail: [String: UInt64]?
        }
        struct SystemInfo: Decodable {
            let sizeof, gspVFInfo: Int
        }
        let structs: [String: Structs]
        let heap: [Heap]
        let layouts: [Layout]
        let systemInfo: [String: SystemInfo]
        /// Every NV2080_ENGINE_TYPE_* macro per tag, compiled.
        let engineTypes: [String: [String: UInt64]]
        /// The vGPU plugin-task controls per tag, compiled.
        struct Control: Decodable {
            let value: UInt32
            let sizeof: Int
            let offsets: [String: Int]
            let counts: [String: Int]?
        }
        struct Controls: Decodable {
            let bootload, shutdown, cleanup: Control
        }
        let bootload: [String: Controls]
    }

    static let vectors: Vectors = {
        let url = RealFirmware.packageRoot.appendingPathComponent("Tests/Fixtures/nvidia-vectors.json")
        guard let data = try? Data(contentsOf: url), let v = try? JSONDecoder().decode(Vectors.self, from: data) else {
            return Vectors(structs: [:], heap: [], layouts: [], systemInfo: [:], engineTypes: [:], bootload: [:])
        }
        return v
    }()

    @Test func theVectorsCoverEveryTagChipSizeAndMode() {
        let v = Self.vectors
        #expect(Set(v.structs.keys) == ["535.113.01", "545.29.06", "550.163.01", "570.144", "580.142"])
        #expect(v.heap.count == 10)
        // The booter path's chips (FSPVectorTests covers the FSP path's).
        let modules = (try? BuiltInModules.registry().modules) ?? []
        let chips = Set(modules.flatMap { m in m.chips.filter { m.bootHAL(for: $0) is TU102BootHAL }.map(\.name) })
        #expect(chips.count == 16)
        #expect(Set(v.layouts.map(\.chip)) == chips)
        #expect(Set(v.layouts.map(\.fbGiB)) == [16, 24, 48, 80, 96, 141])
        #expect(Set(v.layouts.map(\.vgpu)) == [false, true])
    }

    /// Every field this package encodes sits where NVIDIA's compiled struct puts it, at every tag.
    @Test(arguments: ["535.113.01", "545.29.06", "550.163.01", "570.144", "580.142"])
    func metaAndVFInfoOffsets(tag: String) throws {
        let s = try #require(Self.vectors.structs[tag])
        #expect(s.GspFwWprMeta["sizeof"] == GspFwWprMeta.size)
        for field in GspFwWprMeta.u64Fields {
            #expect(s.GspFwWprMeta[field.name] == field.offset, "\(tag) \(field.name)")
        }
        #expect(s.GspFwWprMeta["gspFwHeapVfPartitionCount"] == 0xf0 && s.GspFwWprMeta["partitionRpcAddr"] == 0xd0)
        // The 570 variant's tail, from 570 on (545/550 have flags but no pmuReservedSize).
        if tag >= "570" { #expect(s.GspFwWprMeta["flags"] == 0xf1 && s.GspFwWprMeta["pmuReservedSize"] == 0xf4) }
        // GSP_VF_INFO: encode distinct values and find each at NVIDIA's offset.
        let info = GSPVFInfo(totalVFs: 0x1111_1111, firstVFOffset: 0x2222_2222, firstVFBar0Address: 0x3333_3333_3333_3333,
                             firstVFBar1Address: 0x4444_4444_4444_4444, firstVFBar2Address: 0x5555_5555_5555_5555,
                             bar0Is64Bit: true, bar1Is64Bit: false, bar2Is64Bit: true)
        let bytes = info.encode()
        #expect(bytes.count == s.GSP_VF_INFO["sizeof"])
        for (name, value, width) in [("totalVFs", UInt64(0x1111_1111), 4), ("firstVFOffset", 0x2222_2222, 4), ("FirstVFBar0Address", 0x3333_3333_3333_3333, 8),
                                     ("FirstVFBar1Address", 0x4444_4444_4444_4444, 8), ("FirstVFBar2Address", 0x5555_5555_5555_5555, 8),
                                     ("b64bitBar0", 1, 1), ("b64bitBar1", 0, 1), ("b64bitBar2", 1, 1)] {
            let at = try #require(s.GSP_VF_INFO[name])
            let read = (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
            #expect(read == value, "\(tag) \(name)")
        }
    }

    /// Heap constants and bare-metal sizes per tag and family: the LIBOS3 numbers as GA102's HAL, LIBOS2
    /// as TU102's.
    @Test func heapPerTagAndFamily() throws {
        for h in Self.vectors.heap {
            let release = try #require(FirmwareRelease(h.tag))
            let p = try #require(h.family == "LIBOS2" ? TU102HeapParameters.parameters(for: release) : GA102HeapParameters.parameters(for: release))
            let c = h.constants
            #expect(p.osCarveout == c.carveout && p.baseRM == c.base && p.perGiBOfFramebuffer == c.perGB && p.clientAllocation == c.client, "\(h.tag) \(h.family)")
            #expect(p.minimum == c.min && p.maximum == c.max && p.vgpuDefault == c.vgpuDefault, "\(h.tag) \(h.family)")
            #expect(p.vgpuOverrideRange == c.vgpuOverride[0]...c.vgpuOverride[1], "\(h.tag) \(h.family)")
            for (gib, size) in h.bareMetal {
                let fb = try #require(UInt64(gib)) * Sizes.GiB
                #expect(try GSPHeap.plan(framebuffer: fb, mode: .bareMetal, parameters: p).size == size, "\(h.tag) \(h.family) \(gib) GiB")
            }
        }
    }

    /// The whole meta of every chip the modules know, at every FB size, bare metal and vGPU, by NVIDIA's
    /// rules (and nouveau's where they differ: GA100's FRTS).
    @Test func layoutsOfEveryChip() throws {
        let modules = try BuiltInModules.registry().modules
        #expect(!Self.vectors.layouts.isEmpty)
        for l in Self.vectors.layouts {
            let release = try #require(FirmwareRelease(l.tag))
            let (module, chip) = try #require(modules.lazy.compactMap { m in m.chips.first { $0.name == l.chip }.map { (m, $0) } }.first)
            let p = try #require(module.heapParameters(for: chip, release: release))
            let inputs = GSPBootInputs(framebufferSize: l.fbGiB * Sizes.GiB, bootloaderSize: l.bootloaderSize, bootloaderCodeOffset: 0,
                                       bootloaderDataOffset: 0, bootloaderManifestOffset: 0, appVersion: 0, imageSize: l.imageSize, signatureSize: 0)
            let plan = try GSPBootPlanner.plan(chip: chip, release: release, mode: l.vgpu ? .vgpu(override: nil) : .bareMetal, inputs: inputs,
                                               parameters: p, hal: try #require(module.bootHAL(for: chip)), driver: try #require(GSPDriver(rawValue: l.driver)))
            let what = "\(l.chip) \(l.fbGiB) GiB \(l.vgpu ? "vGPU" : "bare metal") \(l.driver)"
            let ours = Dictionary(uniqueKeysWithValues: GspFwWprMeta.u64Fields.map { ($0.name, plan.meta[keyPath: $0.path]) })
            for (name, expected) in l.meta {
                if name == "gspFwHeapVfPartitionCount" {
                    #expect(UInt64(plan.meta.gspFwHeapVfPartitionCount) == expected, "\(what): \(name)")
                } else {
                    #expect(ours[name] == expected, "\(what): \(name) 0x\(String(ours[name] ?? 0, radix: 16)), NVIDIA 0x\(String(expected, radix: 16))")
                }
            }
            #expect(plan.heap.requiresScrubber == l.requiresScrubber, "\(what): scrubber")
            if let tail = l.metaTail {
                #expect(plan.metaVariant == .r570, "\(what)")
                #expect(UInt64(plan.meta.flags) == tail["flags"] && UInt64(plan.meta.pmuReservedSize) == tail["pmuReservedSize"], "\(what): 570 tail")
            }
        }
    }

    /// GspSystemInfo's size and where GSP_VF_INFO sits in it, at every tag: the SET_SYSTEM_INFO payload
    /// this package builds has NVIDIA's size and the VF info at NVIDIA's offset.
    @Test(arguments: ["535.113.01", "545.29.06", "550.163.01", "570.144", "580.142"])
    func systemInfoPerTag(tag: String) throws {
        let nvidia = try #require(Self.vectors.systemInfo[tag])
        let release = try #require(FirmwareRelease(tag))
        let info = GSPVFInfo(totalVFs: 32, firstVFOffset: 4, firstVFBar0Address: 0xb108_0000, firstVFBar1Address: 0x2100_0000_0000,
                             firstVFBar2Address: 0x2200_0000_0000, bar0Is64Bit: false, bar1Is64Bit: true, bar2Is64Bit: true)
        let payload = GSPSystemInfo.payload(vfInfo: info, release: release)
        #expect(payload.count == nvidia.sizeof)
        #expect(Array(payload[nvidia.gspVFInfo..<nvidia.gspVFInfo + GSPVFInfo.size]) == info.encode())
        #expect(payload.enumerated().allSatisfy { ($0.offset >= nvidia.gspVFInfo && $0.offset < nvidia.gspVFInfo + GSPVFInfo.size) || $0.element == 0 })
    }

    /// Every engine type this package numbers is NVIDIA's macro of that name at every tag, and LAST is
    /// NVIDIA's LAST there.
    @Test(arguments: ["535.113.01", "545.29.06", "550.163.01", "570.144", "580.142"])
    func engineTypesPerTag(tag: String) throws {
        let macros = try #require(Self.vectors.engineTypes[tag])
        let numbering = NV2080Engine.Numbering.of(try #require(FirmwareRelease(tag)))
        let names: [NV2080Engine.Kind: String] = [.gr: "GR", .copy: "COPY", .nvdec: "NVDEC", .nvenc: "NVENC", .sec2: "SEC2",
                                                 .nvjpeg: "NVJPEG", .ofa: "OFA", .compDecompCopy: "COMP_DECOMP_COPY"]
        var compared = 0
        for kind in NV2080Engine.Kind.allCases {
            for instance in 0..<24 {
                guard let ours = NV2080Engine.type(kind, instance, in: numbering) else { continue }
                let base = try #require(names[kind])
                // SEC2 has no instance suffix; OFA0 is plain OFA at 535.
                let name = kind == .sec2 ? base : (kind == .ofa && instance == 0 && macros["NV2080_ENGINE_TYPE_OFA0"] == nil ? "OFA" : "\(base)\(instance)")
                #expect(macros["NV2080_ENGINE_TYPE_" + name] == UInt64(ours), "\(tag) \(name)")
                compared += 1
            }
        }
        #expect(compared >= 39)
        #expect(UInt64(numbering.last) == macros["NV2080_ENGINE_TYPE_LAST"], "\(tag)")
    }

    /// The bootload control's params as NVIDIA compiles them at every tag: size, every member's offset
    /// and the chidOffset count; the encoder writes each value there. The shutdown and cleanup controls
    /// are `{gfid}` at every tag.
    @Test(arguments: ["535.113.01", "545.29.06", "550.163.01", "570.144", "580.142"])
    func bootloadLayoutPerTag(tag: String) throws {
        let nvidia = try #require(Self.vectors.bootload[tag])
        let layout = VGPUBootloadParameters.Layout.of(NV2080Engine.Numbering.of(try #require(FirmwareRelease(tag))))
        let b = nvidia.bootload
        #expect(b.value == VGPUBootloadParameters.command && b.sizeof == layout.size && b.counts?["chidOffset"] == layout.engineCount, "\(tag)")
        var ours: [String: Int] = ["chidOffset": layout.channelOffsets, "bDisableDefaultSmcExecPartRestore": layout.disableSMCRestore,
                                   "numGuestFbSegments": layout.numGuestFBSegments, "guestFbPhysAddrList": layout.guestFBAddresses,
                                   "guestFbLengthList": layout.guestFBLengths, "pluginHeapMemoryPhysAddr": layout.pluginHeapAddress,
                                   "pluginHeapMemoryLength": layout.pluginHeapLength, "ctrlBuffOffset": layout.controlBuffer,
                                   "initTaskLogBuffOffset": layout.initTaskLogOffset, "initTaskLogBuffSize": layout.initTaskLogSize,
                                   "vgpuTaskLogBuffOffset": layout.vgpuTaskLogOffset, "vgpuTaskLogBuffSize": layout.vgpuTaskLogSize,
                                   "bDeviceProfilingEnabled": layout.deviceProfiling,
                                   "dbdf": 0, "gfid": 4, "vgpuType": 8, "vmPid": 12, "swizzId": 16, "numChannels": 20, "numPluginChannels": 24]
        if let k = layout.kernelLog { (ours["kernelLogBuffOffset"], ours["kernelLogBuffSize"]) = (k.offset, k.size) }
        if let m = layout.migRMHeap { (ours["migRmHeapMemoryPhysAddr"], ours["migRmHeapMemoryLength"]) = (m.address, m.length) }
        #expect(ours == b.offsets, "\(tag)")
        // The encoder puts a value at each of NVIDIA's offsets.
        var p = VGPUBootloadParameters(dbdf: 0x4100_04, gfid: 1, vgpuType: 1153, numChannels: 64, channelOffsets: Array(repeating: 0, count: layout.engineCount),
                                       guestFramebuffer: [.init(address: 0x1_0000_0000, length: 0x3000_0000)], pluginHeapAddress: 0xbd00_0000,
                                       pluginHeapLength: 0x200_0000, initTaskLogOffset: 0x1111, initTaskLogSize: 0x2222,
                                       vgpuTaskLogOffset: 0x3333, vgpuTaskLogSize: 0x4444, deviceProfilingEnabled: true)
        p.migRMHeapAddress = 0x5555
        let bytes = try p.encode(layout)
        func u64(_ name: String) throws -> UInt64 {
            let at = try #require(b.offsets[name])
            return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
        }
        #expect(try u64("vgpuTaskLogBuffSize") == 0x4444 && bytes[try #require(b.offsets["bDeviceProfilingEnabled"])] == 1, "\(tag)")
        if b.offsets["migRmHeapMemoryPhysAddr"] != nil { #expect(try u64("migRmHeapMemoryPhysAddr") == 0x5555, "\(tag)") }
        for control in [nvidia.shutdown, nvidia.cleanup] { #expect(control.sizeof == 4 && control.offsets == ["gfid": 0]) }
        #expect(nvidia.shutdown.value == VGPUPluginTaskControl.shutdown && nvidia.cleanup.value == VGPUPluginTaskControl.cleanup)
    }
}
