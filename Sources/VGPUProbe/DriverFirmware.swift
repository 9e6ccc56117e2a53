import VGPUCore
import VGPUFirmware
import VGPUHost

/// The GSP firmware a GPU's bound driver loads, chosen the way that driver chooses it (GSP-FACTS
/// section 10), so the probe verifies what the host will really load rather than a default release.
///
/// - NVIDIA's driver loads `nvidia/<its version>/gsp_ga10x.bin` (GA102 and later) or `gsp_tu10x.bin`
///   (Turing, GA100); its version is the module's (`<sysfs>/module/nvidia/version`). The image name
///   comes from the module's manifest for NVIDIA's layout. A version a manifest lists is verified by
///   digest; another by its contents (a GSP ELF whose `.fwversion` is that version, with the chip's
///   signature section), since no manifest can pin a release it has not seen.
/// - nouveau tries the releases its tables list, newest first, and loads the first whose files are
///   present (`tu116_gsps[]` and its siblings in `nvkm/subdev/gsp/`: 570.144, then 535.113.01, on a
///   kernel whose nouveau has r570; older kernels list 535.113.01 alone).
/// - nova-core loads 570.144 and nothing else.
/// - vfio-pci passes the whole GPU to a guest, whose driver loads its own firmware; with no driver
///   bound nothing is loaded until one binds. Neither loads GSP firmware on the host.
struct DriverFirmware: Sendable {
    /// Who loads the firmware.
    enum Loader: Sendable, Equatable, CustomStringConvertible {
        /// NVIDIA's driver at the version sysfs shows; nil where the root has no `module/nvidia/version`.
        case nvidia(version: String?)
        /// nouveau (in the kernel tree: no version file).
        case nouveau
        /// nova-core.
        case novaCore
        /// Nothing on the host loads GSP firmware for the GPU, and why.
        case none(String)

        /// `nvidia 535.261.03`, `nouveau`, `nova-core`, or `none`.
        var description: String {
            switch self {
            case .nvidia(let version): version.map { "nvidia \($0)" } ?? "nvidia"
            case .nouveau: "nouveau"
            case .novaCore: "nova-core"
            case .none: "none"
            }
        }
    }

    /// The release a loader takes and its files.
    struct Selection: Sendable {
        /// The release the driver loads.
        let release: FirmwareRelease
        /// The manifest's release entry, or, for a release no manifest lists, one made for the
        /// occasion whose files are checked by contents only (`pinned` false).
        let manifestRelease: FirmwareManifest.Release
        /// The files, in the manifest's order.
        let files: FirmwareManifest.ChipFiles
        /// True when a manifest pins every file's size and digest.
        let pinned: Bool
        /// How the choice was made where the driver alone does not settle it.
        let note: String?
    }

    /// Who loads it.
    let loader: Loader
    /// What it loads; nil when nothing is loaded or the tool cannot tell the files.
    let selection: Selection?
    /// Why there is no selection, for a loader that does load firmware.
    let unknown: String?
    /// Why the sysfs root does not show what the loader loads (NVIDIA's driver without
    /// `module/nvidia/version`, as in an lspci-layout tree): the tool cannot tell, so nothing is judged.
    var notShown: String? = nil

    /// The linux-firmware release a boot plan for this GPU takes its bootloader sizes and heap rules
    /// from: the release loaded, for nouveau and nova-core; for NVIDIA's driver, which carries its own
    /// bootloader and booters, the linux-firmware release of its branch (535.113.01 for 535.261.03),
    /// else the module's default; where nothing loads, the default (NVIDIA's driver would take the GPU).
    func planRelease(in module: any ArchitectureModule) -> FirmwareRelease {
        switch loader {
        case .nouveau, .novaCore:
            return selection?.release ?? module.defaultRelease
        case .nvidia:
            guard let release = selection?.release else { return module.defaultRelease }
            return module.linuxFirmwareReleases.first { $0.major == release.major } ?? module.defaultRelease
        case .none:
            return module.defaultRelease
        }
    }

    /// nova-core's one release (`drivers/gpu/nova-core/firmware.rs`, `FIRMWARE_VERSION`).
    static let novaCoreRelease = FirmwareRelease("570.144")!

    /// The choice for `chip` of `module`, bound to `kernelDriver` (the `driver` link's name) whose
    /// version sysfs shows as `driverVersion`, with files looked up under `root`.
    static func choose(module: any ArchitectureModule, chip: Chip, kernelDriver: String?, driverVersion: DriverVersion,
                       root: FirmwareRoot) -> DriverFirmware
    {
        let linuxFirmware = module.linuxFirmwareReleases.reversed()  // newest first
        switch kernelDriver {
        case "nvidia":
            // Its firmware is nvidia/<version>/gsp_*.bin: without the version, no file can be named. A
            // root without the version file shows nothing to judge; a version file that cannot be read
            // is a finding (main took it for absent and called the GPU ready, nothing checked).
            switch driverVersion {
            case .shown(let version):
                return nvidia(version: version, module: module, chip: chip)
            case .absent:
                return DriverFirmware(loader: .nvidia(version: nil), selection: nil, unknown: nil,
                                      notShown: "NVIDIA's driver version is not shown (no module/nvidia/version under the sysfs root), so neither is the firmware it loads (nvidia/<version>/gsp_*.bin)")
            case .unreadable(let why):
                return DriverFirmware(loader: .nvidia(version: nil), selection: nil,
                                      unknown: "NVIDIA's driver version cannot be read (\(why)), so the firmware it loads (nvidia/<version>/gsp_*.bin) cannot be named")
            }
        case "nouveau":
            // The newest release whose GSP image is there (the kernel follows any link, so one this tool
            // refuses counts: the firmware check then reports the refusal, rather than main's verdict on
            // an older release nouveau does not load); with none there, the newest, so the report names
            // what is missing.
            // Compressed counts too: the kernel loads gsp-<release>.bin.xz or .zst where the distribution
            // ships them so (the verifier then says it cannot check a compressed file).
            let present = linuxFirmware.first { release in
                guard let gsp = module.firmware(for: chip, release: release)?.files.files.first(where: { $0.role == .gsp }) else { return false }
                return ["", ".xz", ".zst"].contains { root.resolve(gsp.path + $0) != .missing }
            }
            guard let release = present ?? linuxFirmware.first else {
                return DriverFirmware(loader: .nouveau, selection: nil, unknown: "no linux-firmware release is listed for \(chip.name)")
            }
            let tried = linuxFirmware.map(\.description).joined(separator: ", then ")
            return pinned(.nouveau, module, chip, release,
                          note: "nouveau loads the first release present of \(tried) (a kernel with r570 support; older ones know 535.113.01 only)")
        case "nova_core", "nova-core":
            return pinned(.novaCore, module, chip, novaCoreRelease, note: nil)
        case "vfio-pci":
            return DriverFirmware(loader: .none("bound to vfio-pci: the whole GPU is passed through to a guest, whose driver loads its own firmware; the host loads none, and hosts no vGPUs on it until NVIDIA's vGPU host driver (nvidia) is bound"),
                                  selection: nil, unknown: nil)
        case nil:
            return DriverFirmware(loader: .none("no driver is bound: no GSP firmware is loaded until one binds (NVIDIA's vGPU host driver, nvidia, to host vGPUs)"),
                                  selection: nil, unknown: nil)
        case let other?:
            return DriverFirmware(loader: .none("bound to \(other), which loads no GSP firmware this tool knows of"), selection: nil, unknown: nil)
        }
    }

    /// A release a manifest lists, verified by digest.
    private static func pinned(_ loader: Loader, _ module: any ArchitectureModule, _ chip: Chip, _ release: FirmwareRelease,
                               note: String?) -> DriverFirmware
    {
        guard let (r, files) = module.firmware(for: chip, release: release) else {
            return DriverFirmware(loader: loader, selection: nil,
                                  unknown: "\(loader) loads \(release), for which this build has no manifest for \(chip.name)")
        }
        return DriverFirmware(loader: loader, selection: Selection(release: release, manifestRelease: r, files: files, pinned: true, note: note),
                              unknown: nil)
    }

    /// NVIDIA's driver at `version`: the manifest's release when one lists it; otherwise the image its
    /// layout names for the chip, at that version's directory, checked by contents.
    private static func nvidia(version: String, module: any ArchitectureModule, chip: Chip) -> DriverFirmware {
        let loader = Loader.nvidia(version: version)
        guard let release = FirmwareRelease(version) else {
            return DriverFirmware(loader: loader, selection: nil, unknown: "NVIDIA's driver version '\(version)' is not a release number")
        }
        if let (r, _) = module.firmware(for: chip, release: release), r.layout == .nvidiaDriver {
            return pinned(loader, module, chip, release, note: nil)
        }
        // Which image the driver takes for this chip: the newest NVIDIA-layout release the module knows.
        let known = module.firmwareManifest.releases.filter { $0.layout == .nvidiaDriver }.sorted { $0.version > $1.version }
        guard let model = known.lazy.compactMap({ r in r.chips.first { $0.chip == chip.firmwareDirectoryName }.map { (r, $0) } }).first,
              let image = model.1.files.first(where: { $0.role == .gsp }),
              let name = image.path.split(separator: "/").last
        else {
            return DriverFirmware(loader: loader, selection: nil, unknown: "no manifest says which GSP image NVIDIA's driver loads for \(chip.name)")
        }
        let file = FirmwareManifest.File(role: .gsp, path: "nvidia/\(version)/\(name)", size: 0, sha256: "",
                                         fwversion: version, signatureSection: image.signatureSection)
        let made = FirmwareManifest.Release(version: release, layout: .nvidiaDriver, source: model.0.source,
                                            chips: [FirmwareManifest.ChipFiles(chip: chip.firmwareDirectoryName, files: [file])])
        return DriverFirmware(loader: loader,
                              selection: Selection(release: release, manifestRelease: made, files: made.chips[0], pinned: false,
                                                   note: "no manifest pins \(version): checked by contents (a GSP ELF whose .fwversion is \(version), with \(image.signatureSection ?? "its signature section"))"),
                              unknown: nil)
    }
}
