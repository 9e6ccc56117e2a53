import Logging
import VGPUCore

/// swift-log's standard-error handler behind the one rule every printed text follows
/// (`TerminalText.escaped`): log messages quote sysfs names, warnings and firmware findings, and a
/// directory named with an escape sequence must not clear the operator's screen or print a fake verdict.
struct EscapingLogHandler: LogHandler {
    /// The handler that writes.
    private var inner: StreamLogHandler

    /// Writes to standard error at `level` and above.
    init(label: String, level: Logger.Level) {
        inner = StreamLogHandler.standardError(label: label)
        inner.logLevel = level
    }

    /// The event with its message and metadata values escaped, handed to the writer.
    func log(event: LogEvent) {
        var safe = event
        safe.message = "\(TerminalText.escaped(event.message.description))"
        safe.metadata = event.metadata?.mapValues { .string(TerminalText.escaped($0.description)) }
        inner.log(event: safe)
    }

    /// The writer's metadata provider.
    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    /// The writer's metadata (none is set: the tool passes metadata with each message).
    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    /// The writer's level.
    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    /// One metadata value of the writer.
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }
}
