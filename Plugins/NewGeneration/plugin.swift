import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory new-generation --name Hopper --chips gh100=0x180`
///
/// Scaffolds a GPU generation as its two folders: `Sources/VGPU<Name>/` (its dies as a `Chipset` enum,
/// the module, `firmware-manifests/<name>.json`, `vgpu-types/`) and `Tests/VGPU<Name>Tests/` (the conformance
/// line); then prints the one line to add to Package.swift's `generations`. Nothing else changes: the
/// targets and the built-in module list follow from that line. It writes only new files.
@main
struct NewGeneration: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) throws {
        var args = ArgumentExtractor(arguments)
        guard let rawName = args.extractOption(named: "name").first, !rawName.isEmpty,
              rawName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), rawName.first?.isLetter == true else {
            throw ScaffoldError("--name NAME is required: letters and digits, e.g. Hopper")
        }
        let chipSpecs = args.extractOption(named: "chips").flatMap { $0.split(separator: ",").map(String.init) }
        guard !chipSpecs.isEmpty else { throw ScaffoldError("--chips is required: name=0xID[,name=0xID...], e.g. gh100=0x180") }
        let name = rawName.prefix(1).uppercased() + rawName.dropFirst()
        let lower = name.lowercased()
        var chips: [(name: String, id: String)] = []
        for spec in chipSpecs {
            let parts = spec.split(separator: "=").map(String.init)
            // A die name: letters, then digits (gh100), so never a Swift keyword as its Chipset case.
            let letters = parts.first?.prefix(while: { $0.isASCII && $0.isLetter }) ?? ""
            guard parts.count == 2, !letters.isEmpty, parts[0].dropFirst(letters.count).first?.isNumber == true,
                  parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                  let id = UInt16(parts[1].lowercased().replacingOccurrences(of: "0x", with: ""), radix: 16), id < 0x400 else {
                throw ScaffoldError("'\(spec)' is not name=0xID, a die name (letters, then digits) and a 10-bit BOOT_42 chip id (e.g. gh100=0x180)")
            }
            let chip = (name: parts[0].uppercased(), id: "0x" + String(id, radix: 16))
            guard !chips.contains(where: { $0.name == chip.name || $0.id == chip.id }) else {
                throw ScaffoldError("'\(spec)' repeats a chip name or id")
            }
            chips.append(chip)
        }

        let root = context.package.directoryURL
        let files: [(String, String)] = [
            ("Sources/VGPU\(name)/\(name)Chip.swift", Templates.chipset(name: name, chips: chips)),
            ("Sources/VGPU\(name)/\(name)Module.swift", Templates.module(name: name, lower: lower, chips: chips)),
            ("Sources/VGPU\(name)/firmware-manifests/\(lower).json", Templates.manifest(lower: lower)),
            ("Sources/VGPU\(name)/vgpu-types/README.md", Templates.typesReadme(name: name)),
            ("Tests/VGPU\(name)Tests/\(name)ConformanceTests.swift", Templates.tests(name: name)),
        ]
        for (path, _) in files where FileManager.default.fileExists(atPath: root.appending(path: path).path(percentEncoded: false)) {
            throw ScaffoldError("\(path) already exists; nothing was written")
        }
        for (path, text) in files {
            let url = root.appending(path: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            print("wrote \(path)")
        }
        print("""

            Add one line to Package.swift's generations list:
                "\(name)",
            Then fill in, guided by the conformance suite (swift test --filter VGPU\(name)Tests):
              Sources/VGPU\(name)/firmware-manifests/\(lower).json  (list its releases, chips, file roles and paths,
                then scripts/generate-manifest.py \(lower) fills in sizes, digests and .fwversion)
              the PCI id blocks in \(name)Chip.swift; heap parameters, engine inventory and boards in \(name)Module.swift
            docs/adding-a-generation.md walks through each step.
            """)
    }
}

struct ScaffoldError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = "new-generation: " + d }
}

enum Templates {
    static func chipset(name: String, chips: [(name: String, id: String)]) -> String {
        """
        import VGPUCore

        /// The \(name) dies, as nova-core's `Chipset`: the module chooses each HAL by an exhaustive switch
        /// over these cases.
        public enum \(name)Chip: String, Chipset {
            case \(chips.map { $0.name.lowercased() }.joined(separator: ", "))

            /// Each die's BOOT_42 id and PCI device-id block. TODO: the blocks (NVIDIA's blocks of 0x80),
            /// checked against pci.ids by the conformance suite.
            public var ids: DieIDs {
                switch self {
        \(chips.map { "        case .\($0.name.lowercased()): DieIDs(boot42: \($0.id), pci: nil)" }.joined(separator: "\n"))
                }
            }
        }

        """
    }

    static func module(name: String, lower: String, chips: [(name: String, id: String)]) -> String {
        """
        import VGPUCore
        import VGPUHAL

        /// The \(name) architecture module: \(chips.map(\.name).joined(separator: ", ")).
        ///
        /// Scaffolded by the new-generation plugin. Each TODO is a fact to take from public sources
        /// (GSP-FACTS, nouveau, nova-core, pci.ids); the conformance suite checks them.
        public struct \(name)Module: GenerationModule {
            /// `\(lower)`: the dies of `\(name)Chip`; by default the manifest's first release.
            public static let identity = GenerationIdentity(name: "\(lower)", dies: \(name)Chip.self)
            /// firmware-manifests/\(lower).json and the catalogues in vgpu-types/.
            public let data: ModuleData

            /// Loads the module with its embedded manifest and catalogues.
            public init() throws(ManifestError) {
                data = try ModuleData.load(Self.identity, manifestFiles: EmbeddedFirmwareManifest.files, typeFiles: EmbeddedVGPUTypes.files)
            }
        }

        // What every module must answer (ArchitectureModule requires it; conformance checks it).
        extension \(name)Module {
            /// TODO: the family's heap parameters (VGPUHAL has GA102 LIBOS3 and TU102 LIBOS2).
            public func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? { nil }

            /// TODO: the engines of each chip (nouveau's chip table).
            public func engineInventory(for chip: Chip) -> EngineInventory? { nil }

            /// TODO: the boot path of each chip (VGPUHAL: TU102BootHAL for the booter path, GH100BootHAL for the FSP).
            public func bootHAL(for chip: Chip) -> (any GSPBootHAL)? { nil }
        }

        /// The boards' vGPU types: the catalogues in vgpu-types/, embedded at build time (none yet).
        extension \(name)Module: VGPUTypeProviding {}

        """
    }

    static func manifest(lower: String) -> String {
        """
        {
          "schemaVersion": 1,
          "architecture": "\(lower)",
          "releases": []
        }

        """
    }

    static func typesReadme(name: String) -> String {
        """
        # \(name) vGPU type catalogues

        One JSON file per board that supports vGPU (format: Sources/VGPUAda/vgpu-types/*.json, checked by
        VGPUTypeCatalogue.validate), embedded at build time. None yet.

        """
    }

    static func tests(name: String) -> String {
        """
        import Testing
        import VGPU\(name)
        import VGPUTestSupport

        /// The \(name) module against the shared conformance suite.
        struct \(name)ConformanceTests {
            @Test func conformance() throws {
                expectConformance(try \(name)Module())
            }
        }

        """
    }
}
