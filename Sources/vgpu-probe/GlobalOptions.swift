import ArgumentParser
import Logging
import VGPUFirmware

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "Log what is read and decided to standard error.")
    var verbose = false

    /// Sends swift-log output to standard error, at debug level with --verbose, warnings otherwise.
    func makeLogger() -> Logger { Self.makeLogger(verbose: verbose) }

    /// The same, for a command line read without the parser (`PlainProbeLine`).
    static func makeLogger(verbose: Bool) -> Logger {
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
    var firmwareRoot = Self.defaultRoot

    /// Where distributions install firmware; also what `PlainProbeLine` takes when none is given.
    static let defaultRoot = "/lib/firmware"
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
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
