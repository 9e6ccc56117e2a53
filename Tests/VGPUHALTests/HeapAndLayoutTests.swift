import Testing
import VGPUAda
import VGPUAmpere
import VGPUCore

/// Heap sizing and WPR2 layout against GSP-FACTS section 3, including its worked example.
struct HeapAndLayoutTests {
    let MiB = Sizes.MiB, GiB = Sizes.GiB
    let ada535 = try! #require(GA102Parameters.at("535.113.01"))

    /// The real sizes of the Ada 535.113.01 files (bootloader payload, .fwimage); RealPlanTests checks them.
    static let bootloaderSize: UInt64 = 0x8000, imageSize: UInt64 = 0x2448000

    func layout(fb: UInt64, heap: UInt64, vga: UInt32? = nil) throws -> WPR2Layout {
        try WPR2Layout(WPR2LayoutInput(framebufferSize: fb, vgaWorkspaceRegister: vga, bootloaderSize: Self.bootloaderSize,
                                       imageSize: Self.imageSize, heapSize: heap))
    }

    @Test func workedExampleBareMetal() throws {
        let heap = try GSPHeap.plan(framebuffer: 48 * GiB, mode: .bareMetal, parameters: ada535)
        #expect(heap.size == 129 * MiB)
        #expect(heap.vfPartitionCount == 0 && !heap.requiresScrubber)
        let l = try layout(fb: 48 * GiB, heap: heap.size)
        #expect(l.wpr2.end == 0xbfff00000)
        #expect(l.frts.start == 0xbffe00000)
        #expect(l.bootloader.start == 0xbffdf8000)
        #expect(l.gspImage.start == 0xbfd9b0000)
        #expect(l.heap.start == 0xbf5800000 && l.heap.size == 129 * MiB)
        #expect(l.wpr2.start == 0xbf5700000 && l.wpr2.size == 168 * MiB)
        #expect(l.nonWPRHeap.start == 0xbf5600000)
    }

    @Test func workedExampleVGPU() throws {
        let heap = try GSPHeap.plan(framebuffer: 48 * GiB, mode: .vgpu(override: nil), parameters: ada535)
        #expect(heap.size == 549 * MiB && heap.vfPartitionCount == 32)
        let l = try layout(fb: 48 * GiB, heap: heap.size)
        #expect(l.heap.start == 0xbdb400000)
        #expect(l.wpr2.start == 0xbdb300000 && l.wpr2.size == 588 * MiB)
    }

    @Test("each release branch's parameters", arguments: [
        ("535.113.01", 20, 84, 276, 549), ("545.23.06", 22, 86, 278, 565), ("550.54.14", 22, 86, 278, 565),
        ("570.144", 22, 88, 280, 581), ("580.65.06", 22, 88, 280, 581),
    ])
    func branches(release: String, carveout: UInt64, minimum: UInt64, maximum: UInt64, vgpu: UInt64) throws {
        let p = try #require(GA102Parameters.at(release))
        #expect(p.osCarveout == carveout * MiB && p.baseRM == 8 * MiB)
        #expect(p.minimum == minimum * MiB && p.maximum == maximum * MiB && p.vgpuDefault == vgpu * MiB)
        // 48 GiB bare metal: carveout + 8 + 5 + 96.
        #expect(try GSPHeap.plan(framebuffer: 48 * GiB, mode: .bareMetal, parameters: p).size == (carveout + 109) * MiB)
    }

    @Test func unknownReleaseAndForeignChip() throws {
        #expect(GA102Parameters.at("470.82") == nil)
        let ada = try AdaModule()
        #expect(ada.heapParameters(for: Chip(name: "TU102", id: ChipID(rawValue: 0x162)), release: FirmwareRelease("535.113.01")!) == nil)
    }

    /// NVIDIA's override ranges per release (`gsp_fw_heap.h` and the min/max heap HALs at each tag): the
    /// 545/550 and 570 branches accept overrides (main refused any at 545, 550 and 570).
    @Test("vGPU override range per release", arguments: [
        ("535.113.01", 549, 1024), ("545.29.06", 565, 1040), ("550.163.01", 565, 1040), ("570.144", 581, 1040), ("580.142", 581, 1093),
    ])
    func vgpuOverrideRange(release: String, low: UInt64, high: UInt64) throws {
        let p = try #require(GA102Parameters.at(release))
        #expect(p.vgpuOverrideRange == low * MiB...high * MiB)
        #expect(try GSPHeap.plan(framebuffer: 48 * GiB, mode: .vgpu(override: high * MiB), parameters: p).size == high * MiB)
        #expect(throws: GSPHeapError.overrideOutOfRange(requested: (high + 1) * MiB, allowed: low * MiB...high * MiB)) {
            try GSPHeap.plan(framebuffer: 48 * GiB, mode: .vgpu(override: (high + 1) * MiB), parameters: p)
        }
        #expect(throws: GSPHeapError.self) { try GSPHeap.plan(framebuffer: 48 * GiB, mode: .vgpu(override: (low - 1) * MiB), parameters: p) }
    }

    /// TU10x and GA100 (LIBOS2): an override stays in 64...256 MiB with vGPU on (main accepted 600 MiB),
    /// while the default vGPU heap is the release's, used as it is.
    @Test func libos2OverrideRangeDoesNotWidenForVGPU() throws {
        let chip = AmpereChip.ga100.chip
        let ga100 = try #require(try AmpereModule().heapParameters(for: chip, release: FirmwareRelease("535.113.01")!))
        #expect(throws: GSPHeapError.overrideOutOfRange(requested: 600 * MiB, allowed: 64 * MiB...256 * MiB)) {
            try GSPHeap.plan(framebuffer: 80 * GiB, mode: .vgpu(override: 600 * MiB), parameters: ga100)
        }
        #expect(try GSPHeap.plan(framebuffer: 80 * GiB, mode: .vgpu(override: 256 * MiB), parameters: ga100).size == 256 * MiB)
        #expect(try GSPHeap.plan(framebuffer: 80 * GiB, mode: .vgpu(override: nil), parameters: ga100).size == 549 * MiB)
    }

    /// NVIDIA raises the formula to the minimum and limits it only to what fits the pre-scrubbed top of
    /// FB on a chip without scrubber ucode; 276 MiB bounds a registry override, not the formula (main
    /// clamped a 2 TiB AD102 to 276 MiB).
    @Test func clampsAtMinimumAndThePrescrubbedLimitOnly() throws {
        var lean = ada535
        lean.clientAllocation = 0
        #expect(try GSPHeap.plan(framebuffer: 1 * GiB, mode: .bareMetal, parameters: lean).size == 84 * MiB)
        // 2 TiB: 20 + 8 + 192 + 96 MiB; AD10x has the scrubber, so nothing limits it.
        #expect(try GSPHeap.plan(framebuffer: 2048 * GiB, mode: .bareMetal, parameters: ada535).size == 316 * MiB)
        // The same on a chip without scrubber ucode, with 40 MiB of FB above the heap: 216 MiB at most.
        #expect(try GSPHeap.plan(framebuffer: 2048 * GiB, mode: .bareMetal, parameters: ada535, scrubbedLimit: 216 * MiB).size == 216 * MiB)
        #expect(throws: GSPHeapError.invalidFramebuffer(0)) { try GSPHeap.plan(framebuffer: 0, mode: .bareMetal, parameters: ada535) }
    }

    @Test func heapIsMonotonicInFramebufferSize() throws {
        var last: UInt64 = 0
        for gib in stride(from: UInt64(1), through: 4096, by: 7) {
            let size = try GSPHeap.plan(framebuffer: gib * GiB, mode: .bareMetal, parameters: ada535).size
            #expect(size >= last && size >= 84 * MiB)
            last = size
        }
    }

    @Test func vgaWorkspaceRegister() throws {
        let fb = 48 * GiB
        // Valid bit clear: fb - 1 MiB.
        #expect(try layout(fb: fb, heap: 129 * MiB, vga: 0x0000_0000).vgaWorkspace.start == fb - MiB)
        // Valid, address below fb - 1 MiB: fb - 128 KiB.
        #expect(try layout(fb: fb, heap: 129 * MiB, vga: 0x0100_0008).vgaWorkspace.start == fb - 128 * Sizes.KiB)
        // Valid, address in the top MiB (fb - 512 KiB): used as is. Bits 31:8 hold address >> 16.
        let l = try layout(fb: fb, heap: 129 * MiB, vga: 0x0bff_f808)
        #expect(l.vgaWorkspace.start == 0xbfff80000)
        // Valid but past the end of VRAM: treated as fb - 128 KiB rather than trusted.
        #expect(try layout(fb: fb, heap: 129 * MiB, vga: 0x0c00_0008).vgaWorkspace.start == fb - 128 * Sizes.KiB)
        #expect(l.wpr2.end == Sizes.alignDown(l.vgaWorkspace.start, 128 * Sizes.KiB))
    }

    @Test func framebufferTooSmall() {
        #expect(throws: WPR2LayoutError.framebufferTooSmall(framebuffer: 32 * MiB, needed: MiB + MiB + Self.bootloaderSize + Self.imageSize + 129 * MiB + MiB + MiB)) {
            try layout(fb: 32 * MiB, heap: 129 * MiB)
        }
        #expect(throws: WPR2LayoutError.self) { try layout(fb: MiB, heap: 129 * MiB) }
    }

    @Test("aligned and ordered from 256 MiB to 192 GiB, bare metal and vGPU")
    func alignedAndNonOverlapping() throws {
        for mib in stride(from: UInt64(256), through: 192 * 1024, by: 509) {
            for mode in [GSPHeapMode.bareMetal, .vgpu(override: nil)] {
                let heap = try GSPHeap.plan(framebuffer: mib * MiB, mode: mode, parameters: ada535)
                guard mib * MiB > heap.size + 64 * MiB else { continue }
                let l = try layout(fb: mib * MiB, heap: heap.size)
                try l.check()
                #expect(l.heap.size >= heap.size)
                #expect(l.wpr2.start % MiB == 0 && l.heap.start % MiB == 0 && l.gspImage.start % (64 * Sizes.KiB) == 0)
            }
        }
    }

    @Test func sizeParsing() {
        #expect(Sizes.parse("48G") == 48 * GiB)
        #expect(Sizes.parse("48GiB") == 48 * GiB)
        #expect(Sizes.parse("49152M") == 48 * GiB)
        #expect(Sizes.parse("0xc00000000") == 48 * GiB)
        #expect(Sizes.parse("512k") == 512 * 1024)
        #expect(Sizes.parse("1073741824") == GiB)
        for bad in ["", "G", "48X", "-1G", "0x", "99999999999999999999G", "4.5G"] { #expect(Sizes.parse(bad) == nil, "\(bad)") }
    }
}

/// The Ada module's parameters for a release string.
enum GA102Parameters {
    static func at(_ release: String) -> GSPHeapParameters? {
        guard let module = try? AdaModule(), let r = FirmwareRelease(release) else { return nil }
        return module.heapParameters(for: AdaChip.ad102.chip, release: r)
    }
}
