#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VGPUCore
import VGPUFirmware
import VGPUHost

/// One conformance check that did not hold, naming the check and the module.
public struct ConformanceFailure: Sendable, Equatable, CustomStringConvertible {
    /// The check that did not hold.
    public let check: Conformance.Check
    /// The module's name.
    public let module: String
    /// What was found.
    public let message: String

    /// `[ada] pci-ids: ...`.
    public var description: String { "[\(module)] \(check): \(message)" }
}

/// The checks every architecture module must pass (docs/adding-a-generation.md lists them).
///
/// Run from a module's test target in one line:
/// `#expect(Conformance.failures(of: try AdaModule(), firmwareRoot: RealFirmware.root).isEmpty)`.
public enum Conformance {
    /// The checks, in the order they run; the raw values are the names failures print.
    public enum Check: String, Sendable, CaseIterable, CustomStringConvertible {
        /// Every chip id decodes to a known architecture, one generation per module.
        case chipIDs = "chip-ids"
        /// The module registers beside the others, and selection by BOOT_42 and by device id returns it.
        case registry
        /// The device-id blocks agree with pci.ids.
        case pciIDs = "pci-ids"
        /// The manifest is well formed, names the module and covers every chip at every release.
        case manifest
        /// Each listed file verifies against the real firmware, when present.
        case firmware
        /// A first driver release, where the module gives one, is a tag of the driver.
        case driverSupport = "driver-support"
        /// Every chip has a boot path (`GSPBootHAL`).
        case boot
        /// Every chip has heap parameters at every release; the heap plans, never shrinks as FB grows
        /// and stays inside its family's range.
        case heap
        /// The planner's WPR2 layout keeps its alignment and order rules.
        case layout
        /// GspFwWprMeta round-trips.
        case meta
        /// A typical SR-IOV layout encodes to 40 bytes of GSP_VF_INFO and round-trips.
        case vfInfo = "vf-info"
        /// Every chip's engines exist in each supported release's numbering.
        case engines
        /// The catalogues validate, belong to the module's chips, and every type fits its board.
        case vgpuTypes = "vgpu-types"

        /// The name as failures print it.
        public var description: String { rawValue }
    }

    /// Whether `name` is spelled as NVIDIA names dies: ASCII letters, then a digit, then letters or digits.
    static func isDieName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let firstDigit = scalars.firstIndex(where: { ("0"..."9").contains($0) }), firstDigit > 0 else { return false }
        return scalars[..<firstDigit].allSatisfy { $0.isASCII && $0.properties.isAlphabetic }
            && scalars[firstDigit...].allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// Runs every check.
    ///
    /// - Parameters:
    ///   - firmwareRoot: real firmware to verify the manifest against; files absent there are skipped
    ///     unless `requireFirmware` is set.
    ///   - pciIDs: the pci.ids database to check the id table against (skipped when unreadable unless required).
    ///   - others: modules it must register beside without conflict (the built-in ones).
    public static func failures(of module: any ArchitectureModule, firmwareRoot: String? = nil, requireFirmware: Bool = false,
                                pciIDs: String = PCIIDDatabase.defaultPath, others: [any ArchitectureModule] = []) -> [ConformanceFailure]
    {
        var out: [ConformanceFailure] = []
        func fail(_ check: Check, _ message: String) { out.append(ConformanceFailure(check: check, module: module.name, message: message)) }

        // chip-ids: every chip id decodes to a known architecture, one generation per module.
        let architectures = Set(module.chips.map { $0.architecture?.generation })
        for chip in module.chips where chip.architecture == nil {
            fail(.chipIDs, "\(chip.name) id \(chip.id) is not a GSP-era architecture")
        }
        if architectures.count != 1 { fail(.chipIDs, "chips span \(architectures.count) generations; a module owns one") }
        if module.chips.isEmpty { fail(.chipIDs, "the module declares no chips") }
        // A die's name is letters then digits (AD102, GB202), as its Chipset case spells it: a name
        // that is not (an explicit raw value that describes the die) would miss its firmware paths.
        for chip in module.chips where !Self.isDieName(chip.name) {
            fail(.chipIDs, "\(chip.name) is not a die name (letters, then digits: AD102)")
        }

        // registry: registers beside the others, and selection by BOOT_42 and by id table returns it.
        do {
            let registry = try ModuleRegistry(modules: others.filter { $0.name != module.name } + [module])
            for chip in module.chips where registry.select(chipID: chip.id)?.module.name != module.name {
                fail(.registry, "BOOT_42 chip id \(chip.id) does not select \(module.name)")
            }
            for range in module.deviceIDRanges {
                for id in [range.ids.lowerBound, range.ids.upperBound] where registry.select(pciDeviceID: id)?.chip != range.chip {
                    fail(.registry, "device id \(hex: id) does not select \(range.chip.name)")
                }
                if !module.chips.contains(range.chip) { fail(.registry, "id block \(range.ids) names \(range.chip.name), not a chip of the module") }
            }
        } catch {
            fail(.registry, error.description)
        }

        // pci-ids: the id table agrees with pci.ids for the module's dies.
        if let db = PCIIDDatabase.load(path: pciIDs, vendors: [0x10de]) {
            let names = Set(module.chips.map(\.name))
            for (key, name) in db.devices where key >> 16 == 0x10de {
                let device = UInt16(key & 0xffff)
                let die = String(name.prefix(5))
                let claimed = module.deviceIDRanges.first { $0.ids.contains(device) }?.chip.name
                let namesADie = name.prefixMatch(of: /(TU|GA|GH|AD|GB)[0-9]{3}/) != nil
                // Functions that share a die name but are not GPUs: HD audio, USB-C, and the A100 NVSwitch.
                if name.contains("Audio") || name.contains("USB") || name.contains("UCSI") || name.contains("NVSwitch") {
                    if let claimed { fail(.pciIDs, "\(hex: device) \(name) is not a GPU but falls in \(claimed)'s block") }
                } else if names.contains(die), claimed != die {
                    fail(.pciIDs, "\(hex: device) \(name) should map to \(die), maps to \(claimed ?? "nothing")")
                } else if let claimed, namesADie, die != claimed {
                    fail(.pciIDs, "\(hex: device) \(name) lies in \(claimed)'s block")
                }
            }
        } else if pciIDs != PCIIDDatabase.defaultPath || ProcessInfo.processInfo.environment["CI"] == "true" {
            fail(.pciIDs, "cannot read \(pciIDs)")
        }

        // manifest: well formed, names this module, covers every chip at every release.
        let manifest = module.firmwareManifest
        do { try manifest.validate(name: "\(module.name) manifest") } catch { fail(.manifest, error.description) }
        if manifest.architecture != module.name { fail(.manifest, "architecture is \(manifest.architecture), expected \(module.name)") }
        if manifest.release(module.defaultRelease) == nil { fail(.manifest, "no entry for the default release \(module.defaultRelease)") }
        if module.supportedReleases != manifest.releases.map(\.version) {
            fail(.manifest, "the release index \(module.supportedReleases) is not the manifest's \(manifest.releases.map(\.version)) (rebuild)")
        }
        for release in manifest.releases {
            let listed = Set(release.chips.map(\.chip))
            for chip in module.chips where !listed.contains(chip.firmwareDirectoryName) {
                fail(.manifest, "release \(release.version) lists no files for \(chip.name)")
            }
        }

        // firmware: each listed file verifies against the real firmware when present.
        if let firmwareRoot {
            let verifier = FirmwareVerifier(root: FirmwareRoot(path: firmwareRoot))
            for release in manifest.releases {
                for chip in release.chips {
                    for file in verifier.verify(chip: chip, release: release).files {
                        let missing = file.findings.map(\.kind) == [.missing]
                        if missing && !requireFirmware { continue }
                        for finding in file.findings { fail(.firmware, "\(release.version) \(chip.chip): \(finding.message)") }
                    }
                }
            }
        }

        // driver-support: a first driver release, where the module gives one, is a tag of the driver
        // (a table entry that does not parse reads as release 0, which this catches).
        for chip in module.chips {
            if let first = module.firstDriverRelease(for: chip), first < DriverSupport.firstPublishedRelease {
                fail(.driverSupport, "\(chip.name): first driver release \(first) is older than open-gpu-kernel-modules' first tag \(DriverSupport.firstPublishedRelease)")
            }
        }

        // heap, layout, meta: for every chip and release the module sizes.
        let boards = module as? any BoardCatalog
        for chip in module.chips {
            guard let hal = module.bootHAL(for: chip) else {
                fail(.boot, "no boot path (GSPBootHAL) for \(chip.name)")
                continue
            }
            for release in module.supportedReleases {
                guard let p = module.heapParameters(for: chip, release: release) else {
                    fail(.heap, "no heap parameters for \(chip.name) at \(release)")
                    continue
                }
                checkHeap(chip: chip, release: release, parameters: p, hal: hal, smallestBoard: boards.flatMap { smallestFramebuffer($0, module) }, fail: fail)
            }
        }

        // vf-info: a typical SR-IOV layout encodes to 40 bytes and round-trips.
        do {
            let sample = SRIOVValues(totalVFs: 32, numVFs: 0, firstVFOffset: 4, vfStride: 1, vfDeviceID: 0x1234, vfBARs: [
                .init(index: 0, address: 0xb108_0000, is64Bit: false), .init(index: 1, address: 0x210_0000_0000, is64Bit: true),
                .init(index: 3, address: 0x220_0000_0000, is64Bit: true)])
            do {
                let info = try module.vfInfo(for: sample)
                let bytes = info.encode()
                if bytes.count != GSPVFInfo.size || GSPVFInfo.decode(bytes) != info { fail(.vfInfo, "GSP_VF_INFO does not round-trip") }
            } catch {
                fail(.vfInfo, "a standard SR-IOV layout is refused: \(error)")
            }
        }

        // engines: every chip's engines exist in each supported release's numbering, below LAST.
        do {
            for chip in module.chips {
                guard let inventory = module.engineInventory(for: chip) else { fail(.engines, "no engine inventory for \(chip.name)"); continue }
                for release in module.supportedReleases {
                    do {
                        let bitmap = try EngineBitmap(inventory.engines, numbering: .of(release))
                        if bitmap.types.contains(where: { $0 >= NV2080Engine.Numbering.of(release).last }) { fail(.engines, "\(chip.name): a type reaches LAST") }
                    } catch {
                        fail(.engines, "\(chip.name) at \(release): \(error)")
                    }
                }
            }
        }

        // vgpu-types: catalogues validate, belong to the module's chips, and every type fits its board.
        if let provider = module as? any VGPUTypeProviding {
            for c in provider.vgpuTypeCatalogues {
                do { try c.validate(name: c.board) } catch { fail(.vgpuTypes, error.description) }
                if module.chip(named: c.chip) == nil { fail(.vgpuTypes, "\(c.board) is built on \(c.chip), not a chip of the module") }
                for t in c.types {
                    let fill = VGPUCapacityPlanner.fill(t, on: c)
                    if fill.count < 1 { fail(.vgpuTypes, "\(t.name) does not fit \(c.board) even once: \(fill.limit)") }
                }
            }
        }
        return out
    }

    /// The smallest VRAM among the module's known boards.
    static func smallestFramebuffer(_ boards: any BoardCatalog, _ module: any ArchitectureModule) -> UInt64? {
        module.deviceIDRanges.flatMap { r in (r.ids.lowerBound...r.ids.upperBound).compactMap { boards.board(deviceID: $0)?.framebuffer } }.min()
    }

    /// Heap monotonic and inside [min, max]; layout aligned and ordered from the smallest board (or
    /// 1 GiB) to 192 GiB; the meta round-trips.
    static func checkHeap(chip: Chip, release: FirmwareRelease, parameters p: GSPHeapParameters, hal: any GSPBootHAL, smallestBoard: UInt64?,
                          fail: (Check, String) -> Void)
    {
        let start = max(smallestBoard ?? Sizes.GiB, Sizes.GiB)
        var last: UInt64 = 0
        var fb = start
        while fb <= 192 * Sizes.GiB {
            for mode in [GSPHeapMode.bareMetal, .vgpu(override: nil)] {
                let heap: GSPHeapPlan
                do { heap = try GSPHeap.plan(framebuffer: fb, mode: mode, parameters: p) } catch {
                    fail(.heap, "\(chip.name) \(release) FB \(Sizes.describe(fb)): \(error)")
                    continue
                }
                if mode == .bareMetal {
                    if heap.size < last { fail(.heap, "\(chip.name) \(release): heap shrinks at FB \(Sizes.describe(fb))") }
                    if !(p.minimum...p.maximum).contains(heap.size) { fail(.heap, "\(chip.name) \(release): \(Sizes.describe(heap.size)) outside the family range") }
                    last = heap.size
                }
                guard fb > heap.size + 64 * Sizes.MiB else { continue }
                do {
                    // The planner builds the WPR2 layout and runs its alignment and order checks.
                    let inputs = GSPBootInputs(framebufferSize: fb, bootloaderSize: 0x8000, bootloaderCodeOffset: 0x4800, bootloaderDataOffset: 0x800,
                                               bootloaderManifestOffset: 0, appVersion: 0, imageSize: 0x2448000, signatureSize: 4096)
                    let plan = try GSPBootPlanner.plan(chip: chip, release: release, mode: mode, inputs: inputs, parameters: p, hal: hal)
                    if (try? GspFwWprMeta.decode(plan.metaBytes, variant: plan.metaVariant)) != plan.meta {
                        fail(.meta, "\(chip.name) \(release): GspFwWprMeta does not round-trip")
                    }
                } catch {
                    fail(.layout, "\(chip.name) \(release) FB \(Sizes.describe(fb)): \(error)")
                }
            }
            fb += fb < 16 * Sizes.GiB ? Sizes.GiB : 8 * Sizes.GiB
        }
    }
}
