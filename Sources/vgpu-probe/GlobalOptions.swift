import ArgumentParser
import Logging

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
    var firmwareRoot = "/lib/firmware"
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
