#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A firmware manifest: for one architecture, which files each chip needs at each release, with their
/// sizes, SHA-256 digests and expected contents. The format is documented in docs/manifest-format.md
/// and firmware-manifests/schema.json; each generation's file lives in Sources/VGPU<Gen>/firmware-manifests/.
public struct FirmwareManifest: Sendable, Codable, Equatable {
    /// The only schema version this code reads.
    public static let supportedSchemaVersion = 1

    /// Format version of the manifest file.
    public var schemaVersion: Int
    /// Lower-case architecture name (`ada`); matches the module that embeds the manifest.
    public var architecture: String
    /// One entry per firmware release the architecture module supports.
    public var releases: [Release]

    /// A manifest from its parts (validate with `validate(name:)`).
    public init(schemaVersion: Int, architecture: String, releases: [Release]) {
        self.schemaVersion = schemaVersion
        self.architecture = architecture
        self.releases = releases
    }

    /// The files of one release and where they come from.
    public struct Release: Sendable, Codable, Equatable {
        /// Release number, as in the file names (`535.113.01`).
        public var version: FirmwareRelease
        /// `linux-firmware` (`nvidia/<chip>/gsp/<name>-<version>.bin`) or `nvidia-driver` (`nvidia/<version>/gsp_*.bin`).
        public var layout: Layout
        /// The Debian package that ships these files.
        public var source: DebianSource
        /// Files per chip.
        public var chips: [ChipFiles]

        /// A release entry from its parts.
        public init(version: FirmwareRelease, layout: Layout, source: DebianSource, chips: [ChipFiles]) {
            self.version = version
            self.layout = layout
            self.source = source
            self.chips = chips
        }
    }

    /// The two directory layouts GSP firmware is published in.
    public enum Layout: String, Sendable, Codable, Equatable {
        /// linux-firmware, used by nouveau and nova-core.
        case linuxFirmware = "linux-firmware"
        /// NVIDIA's own driver package layout.
        case nvidiaDriver = "nvidia-driver"
    }

    /// A Debian binary package.
    public struct DebianSource: Sendable, Codable, Equatable {
        /// Package name, e.g. `firmware-nvidia-graphics`.
        public var package: String
        /// Package version the digests were taken from.
        public var version: String
        /// Suite, e.g. `bookworm-backports`.
        public var suite: String
        /// Archive component, `non-free-firmware`.
        public var component: String
    }

    /// The files one chip needs.
    public struct ChipFiles: Sendable, Codable, Equatable {
        /// Lower-case chip name (`ad102`).
        public var chip: String
        /// Files in boot order.
        public var files: [File]

        /// A chip's file list.
        public init(chip: String, files: [File]) {
            self.chip = chip
            self.files = files
        }
    }

    /// One firmware file.
    public struct File: Sendable, Codable, Equatable {
        /// What the file is for in the boot.
        public var role: Role
        /// Path relative to the firmware root; never absolute, never with `..`.
        public var path: String
        /// Exact length in bytes.
        public var size: Int
        /// Lower-case hex SHA-256 of the file's bytes.
        public var sha256: String
        /// For the GSP ELF image: the expected `.fwversion` text.
        public var fwversion: String?
        /// For the GSP ELF image: the signature section this chip family uses (`.fwsignature_ad10x`).
        public var signatureSection: String?

        /// A file entry from its parts.
        public init(role: Role, path: String, size: Int, sha256: String, fwversion: String? = nil, signatureSection: String? = nil) {
            self.role = role
            self.path = path
            self.size = size
            self.sha256 = sha256
            self.fwversion = fwversion
            self.signatureSection = signatureSection
        }
    }

    /// The part a file plays in booting the GSP.
    public enum Role: String, Sendable, Codable, Equatable, CaseIterable {
        /// The GSP-RM RISC-V ELF image.
        case gsp
        /// The RISC-V bootloader bin container.
        case bootloader
        /// SEC2 heavy-secure ucode that loads GSP into WPR2.
        case booterLoad = "booter_load"
        /// SEC2 heavy-secure ucode that tears WPR2 down.
        case booterUnload = "booter_unload"
        /// The FB scrubber, needed before a heap over 256 MiB (570+).
        case scrubber
        /// The falcon generic bootloader that loads SEC2 ucode on TU10x, TU11x and GA100 (570+).
        case genBootloader = "gen_bootloader"
        /// The GSP-FMC image the FSP verifies and boots on Hopper and Blackwell (570+).
        case fmc

        /// The container format files of this role use.
        public var format: FirmwareFormat {
            switch self {
            case .gsp: .gspELF
            case .bootloader: .riscvBootloader
            case .booterLoad, .booterUnload, .scrubber: .booter
            case .genBootloader: .falconBootloader
            case .fmc: .fmcELF
            }
        }
    }

    /// The release entry for a version, if the manifest has one.
    public func release(_ version: FirmwareRelease) -> Release? {
        releases.first { $0.version == version }
    }
}

/// How a firmware file is encoded, which decides the parser used for it.
public enum FirmwareFormat: String, Sendable, Codable {
    /// ELF64 RISC-V relocatable with `.fwimage`, `.fwversion`, `.fwsignature_*`.
    case gspELF = "gsp-elf"
    /// NVIDIA bin container with an RM_RISCV_UCODE_DESC.
    case riscvBootloader = "riscv-bootloader"
    /// NVIDIA bin container with an HS v2 header (SEC2 ucode).
    case booter
    /// NVIDIA bin container with an `nvfw_bl_desc` (the falcon generic bootloader).
    case falconBootloader = "falcon-bootloader"
    /// ELF32 container with `hash`, `signature`, `publickey` and `image` (the GSP-FMC).
    case fmcELF = "fmc-elf"
}
