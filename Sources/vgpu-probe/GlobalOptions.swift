import ArgumentParser
import Logging
import VGPUFirmware
import VGPUProbe

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "Log what is read and decided to standard error.")
    var verbose = false

    /// Sends swift-log output to standard error, at debug level with --verbose, warnings otherwise.
    func makeLogger() -> Logger {
        let level: Logger.Level = verbose ? .debug : .warning
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: "vgpu-probe")
        logger.logLevel = level
        return logger
    }
}

/// `--firmware-root`, shared by the commands that read firmware.
struct FirmwareRootOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Directory that holds nvidia/... firmware.", valueName: "dir"))
    var firmwareRoot = HostPaths.firmwareRoot
}

/// Digest-cache control, shared by the commands that hash firmware.
struct DigestCacheOptions: ParsableArguments {
    @Flag(name: .long, help: "Hash every firmware file even when the digest cache knows it (and refresh the cache).")
    var verifyAll = false

    @Flag(name: .long, help: "Neither read nor write the digest cache (~/.cache/vgpukit, or $VGPUKIT_CACHE_DIR; as root only read unless $VGPUKIT_CACHE_DIR is set).")
    var noCache = false

    /// Where the cache is, and whether it is written (DigestCache.defaultLocation); nil with --no-cache.
    var location: DigestCache.Location? { noCache ? nil : DigestCache.defaultLocation }
}

/// swift-log may be bootstrapped once per process.
enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false

    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in EscapingLogHandler(label: label, level: level) }
    }
}

/// `-s SLOT` and `--sysfs-root DIR` of the commands that act on one GPU of the host (plan, types,
/// simulate): one definition, one validation.
struct GPUSelection: ParsableArguments {
    @Option(name: .customShort("s", allowingJoined: true),
            help: ArgumentHelp("The GPU at [[domain:]bus:]dev.fn of the host (lspci's and nvidia-smi's forms; a VF's address names its GPU).",
                               valueName: "slot"),
            transform: ArgumentValue.slot)
    var slot: SlotSelector?

    @Option(name: .long, help: ArgumentHelp("sysfs root to find the GPU of -s in (default: /sys).", valueName: "dir"))
    var sysfsRoot: String?

    func validate() throws {
        if sysfsRoot != nil && slot == nil { throw ValidationError("--sysfs-root applies with -s only") }
    }

    /// The sysfs root to read.
    var root: String { sysfsRoot ?? HostPaths.sysfsRoot }
}
