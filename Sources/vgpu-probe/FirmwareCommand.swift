import ArgumentParser
import Logging
import VGPUCore
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUProbe

/// `vgpu-probe firmware`: verify GSP firmware files against the architecture modules' manifests.
struct FirmwareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firmware",
        abstract: "Verify the GSP firmware each chip needs, and show what is inside it.",
        discussion: """
            For each chip (or the one given with --chip) this resolves every file its module's manifest \
            lists under the firmware root, refuses paths that lead outside the root, and checks the file's \
            size, SHA-256, .fwversion and signature section. It then shows what was parsed: ELF sections \
            (read through libelf), the RISC-V bootloader descriptor, and the booter HS headers.

            Each generation's manifest is built into the binary (in the source tree: \
            Sources/VGPU<Gen>/firmware-manifests/). \
            Debian ships the files in non-free-firmware: firmware-nvidia-graphics (bookworm-backports) \
            for nvidia/<chip>/gsp/*-535.113.01.bin, firmware-nvidia-gsp (bookworm) for \
            nvidia/535.261.03/gsp_*.bin. scripts/setup.sh fetches both into .firmware/.

            Exit status 1 when any required file is missing or wrong.

            Examples:
              # every chip's firmware in /lib/firmware
              vgpu-probe firmware
              # AD102's at NVIDIA's 535.261.03 layout, without hashing
              vgpu-probe firmware --chip ad102 --release 535.261.03 --no-digest
              # one GSP image's ELF sections, like readelf -S
              vgpu-probe firmware --elf /lib/firmware/nvidia/ad102/gsp/gsp-535.113.01.bin
            """
    )

    @OptionGroup var firmware: FirmwareRootOption

    @Option(name: .long, help: ArgumentHelp("Check only this chip (ad102, AD104, ...). Default: every supported chip.", valueName: "chip"))
    var chip: String?

    @Option(name: .long, help: ArgumentHelp("Firmware release to check (535.113.01, 535.261.03). Default: the module's default release.", valueName: "release"),
            transform: ArgumentValue.release)
    var release: FirmwareRelease?

    @Option(name: .long, help: ArgumentHelp("Instead: open this one GSP ELF image through libelf and list its sections (like readelf -S).", valueName: "file"))
    var elf: String?

    @Flag(name: .long, help: "Skip SHA-256 digests (size, structure and version are still checked).")
    var noDigest = false

    @Flag(name: .long, help: "Print the report as JSON (schema vgpukit.firmware/1, see docs/cli.md).")
    var json = false

    @OptionGroup var digestCache: DigestCacheOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if elf != nil, chip != nil || release != nil || noDigest || digestCache.verifyAll || digestCache.noCache {
            throw ValidationError("--elf lists one file; --chip, --release, --no-digest, --verify-all and --no-cache apply to verifying a firmware root")
        }
        if noDigest && digestCache.verifyAll { throw ValidationError("--verify-all hashes every file and --no-digest hashes none: give one") }
    }

    func run() throws {
        let logger = global.makeLogger()
        if let elf {
            let image: GSPFirmwareImage
            do { image = try GSPFirmwareImage(path: elf) } catch {
                Output.error(error.description)
                // A file that cannot be read is an input that cannot be used; one that reads wrong is a finding.
                if case .unreadable = error.problem { throw Output.exit(.noInput) }
                throw Output.exit(.findings)
            }
            if json { try Output.json(ELFDocument(file: image)) } else { Output.print(FirmwareInventoryText.describe(.gsp(image)).joined(separator: "\n") + "\n") }
            return
        }
        let registry = try Output.registry()
        let location = noDigest ? nil : digestCache.location
        if let location { logger.debug("digest cache \(location.path): \(location.readOnlyReason ?? "read and written")") }
        let cache = location.map(DigestCache.init)
        let verifier = FirmwareVerifier(root: FirmwareRoot(path: firmware.firmwareRoot), verifiesDigests: !noDigest, cache: cache,
                                        verifyAll: digestCache.verifyAll)
        defer { cache?.save() }
        logger.debug("verifying firmware", metadata: ["root": "\(firmware.firmwareRoot)", "chip": "\(chip ?? "all")"])
        let inventory: FirmwareInventory
        do {
            inventory = try FirmwareInventory.make(registry: registry, chip: chip, release: release,
                                                   verifier: verifier)
        } catch {
            Output.error(error.description)
            if case .rootMissing = error { throw Output.exit(.noInput) }
            throw Output.exit(.usage)
        }
        if json {
            try Output.json(inventory)
        } else {
            Output.print(FirmwareInventoryText.render(inventory))
        }
        for entry in inventory.chips {
            for file in entry.firmware.files {
                for finding in file.findings { logger.debug("finding", metadata: ["chip": "\(entry.chip)", "message": "\(finding.message)"]) }
            }
        }
        logger.debug("digests", metadata: ["hashed": "\(verifier.hashed)", "from-cache": "\(verifier.cached)"])
        if !inventory.ok { throw Output.exit(.findings) }
    }
}

/// The document `firmware --elf FILE --json` prints (schema `vgpukit.elf/1`): the image as read.
struct ELFDocument: Encodable {
    /// Always `vgpukit.elf/1`.
    let schema = "vgpukit.elf/1"
    /// What libelf showed of the file.
    let file: GSPFirmwareImage
}
