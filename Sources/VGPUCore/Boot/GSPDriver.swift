/// Whose rules a boot plan follows where the drivers that boot GSP-RM legitimately differ.
///
/// docs/boot-planning.md has the table of differences, each with its file and line.
public enum GSPDriver: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// NVIDIA's driver (open-gpu-kernel-modules): FRTS as the chip's HAL says (none on GA100, which
    /// runs no FWSEC-FRTS); the AD10x scrubber ucode is built into the driver, which runs it.
    case nvidia
    /// nouveau: FRTS is 1 MiB, and FWSEC-FRTS runs, on every chip (`tu102_gsp_oneinit`, which GA100
    /// shares); no code of nouveau runs the scrubber: NVIDIA's firmware extraction for nouveau writes
    /// `scrubber-<release>.bin` with the comment "Not currently used by Nouveau"
    /// (open-gpu-kernel-modules `nouveau/extract-firmware-nouveau.py`, 570.144 line 494, 580.142 line 772).
    case nouveau
    /// nova-core: FRTS is 1 MiB on every chip (`FbLayout::new` in drivers/gpu/nova-core/fb.rs); no
    /// code that runs the scrubber was found in what we read (its vGPU support covers Blackwell GB20x,
    /// which has none).
    case novaCore = "nova-core"

    /// Whose rules boot a GPU bound to the kernel driver `name` (sysfs `driver` link): nouveau's and
    /// nova-core's own; NVIDIA's for the nvidia module and for an unbound or passthrough (vfio-pci)
    /// GPU, which NVIDIA's driver would take when the host is set up for vGPU.
    public static func booting(kernelDriver name: String?) -> GSPDriver {
        switch name {
        case "nouveau": .nouveau
        case "nova_core", "nova-core": .novaCore
        default: .nvidia
        }
    }

    /// The name, as on the command line.
    public var description: String { rawValue }

    /// Why this driver hosts no vGPU on `architecture`, nil when it does (or nothing says it does not).
    ///
    /// nova-core's vGPU support (Linux 7.3) enables Blackwell GB20x only. nouveau hosts none on any
    /// chip: the 2024 series that gave nvkm a vGPU manager (`nvkm/vgpu_mgr/`) was an RFC, and mainline
    /// nouveau has no such directory (its `nvkm/Kbuild` builds core, falcon, subdev and engine only);
    /// upstream vGPU came with nova-core. main told an A40 bound to nouveau that "nouveau can boot the
    /// GSP in vGPU mode".
    public func vgpuNotEnabled(on architecture: Architecture?) -> String? {
        let hopper = architecture == .hopper ? "; on Hopper NVIDIA's vGPU host driver does (the H100, H200 and H20 vGPU types)" : ""
        switch self {
        case .nvidia:
            return nil
        case .nouveau:
            return "mainline nouveau has no vGPU support (the 2024 nvkm vGPU series was an RFC; upstream vGPU is nova-core's, on Blackwell GB20x)"
        case .novaCore:
            guard architecture != .blackwellGB20x else { return nil }
            return "nova-core enables vGPU on Blackwell GB20x only (its vGPU support, Linux 7.3)\(hopper)"
        }
    }

    /// Whether this driver runs the AD10x scrubber before booter_load: NVIDIA's, from its own binary;
    /// no other driver has the code (the file linux-firmware ships from 570 waits for one that does).
    public var runsScrubber: Bool { self == .nvidia }

    /// The FRTS size this driver reserves on a chip whose NVIDIA HAL says `nvidiaSize`.
    public func frtsSize(nvidiaSize: UInt64) -> UInt64 {
        switch self {
        case .nvidia: nvidiaSize
        case .nouveau, .novaCore: Sizes.MiB
        }
    }
}
