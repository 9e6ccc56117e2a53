import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SystemPackage
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import VGPUCore
import VGPUProbe

/// Writing results and leaving with a documented exit status.
enum Output {
    /// What a failed run needs to answer a `--json` caller in JSON: whether it asked, whether a document
    /// already went to standard output, and the first diagnostic.
    private static let run = Mutex<(json: Bool, wroteDocument: Bool, firstError: String?)>((false, false, nil))

    /// Notes that the command line asked for JSON, so a failure is answered with an error document too.
    static func expectJSON(_ json: Bool) { run.withLock { $0.json = json } }

    /// Writes text to standard output, terminal controls escaped (`TerminalText`).
    static func print(_ text: String) {
        run.withLock { $0.wroteDocument = true }
        write(TerminalText.escaped(text).utf8, to: .standardOutput)
    }

    /// Writes a diagnostic line to standard error, terminal controls escaped.
    static func error(_ text: String) {
        run.withLock { if $0.firstError == nil { $0.firstError = text } }
        write("vgpu-probe: \(TerminalText.escaped(text))\n".utf8, to: .standardError)
    }

    /// The document a `--json` run that fails writes to standard output (schema `vgpukit.error/1`), so a
    /// pipeline always gets JSON; the text still goes to standard error.
    struct ErrorDocument: Encodable {
        let schema = "vgpukit.error/1"
        /// The exit status.
        let code: Int32
        let message: String
    }

    /// For a run ending with `status` (not 0) and `message` (the parser's, when it had one): writes the
    /// error document if JSON was asked for and nothing reached standard output yet.
    static func answerFailureInJSON(status: Int32, message: String?) {
        let (json, wrote, first) = run.withLock { ($0.json, $0.wroteDocument, $0.firstError) }
        guard json, !wrote, status != 0, let text = first ?? message.flatMap({ $0.isEmpty ? nil : $0 }) else { return }
        if let document = try? JSONOutput.encode(ErrorDocument(code: status, message: text)) { write(document, to: .standardOutput) }
    }

    /// Encodes `value` fully, then writes it; on failure nothing reaches standard output.
    static func json(_ value: some Encodable) throws(ExitCode) {
        try json(encoded: Result { try JSONOutput.encode(value) })
    }

    /// Writes a document `JSONOutput.encode` made; on failure nothing reaches standard output.
    static func json(encoded: Result<Data, any Error>) throws(ExitCode) {
        switch encoded {
        case .success(let document):
            run.withLock { $0.wroteDocument = true }
            write(document, to: .standardOutput)
        case .failure(let error):
            Self.error("internal error: cannot encode JSON: \(error)")
            throw ExitCode(ExitStatus.internalError.rawValue)
        }
    }

    /// The errno of the first failed write to standard output, 0 while none failed.
    private static let failedWrite = Atomic<Int32>(0)

    /// Writes all of `bytes`. A failed write to standard output (a full file system, a closed or
    /// broken stdout) is said once on standard error and makes the run exit 74 (`finish`): a truncated
    /// report must never look like a whole one.
    private static func write(_ bytes: some Sequence<UInt8>, to descriptor: FileDescriptor) {
        do {
            _ = try descriptor.writeAll(bytes)
        } catch {
            guard descriptor == .standardOutput else { return }
            let code = (error as? Errno)?.rawValue ?? Errno.ioError.rawValue
            if failedWrite.compareExchange(expected: 0, desired: code, ordering: .relaxed).exchanged {
                Self.error("cannot write the output: \(Errno(rawValue: code)); what was written is incomplete")
            }
        }
    }

    /// Run first: a standard output that is closed (`>&-`) fails the run with 74, and /dev/null takes
    /// its descriptor so that no file the tool opens later becomes descriptor 1 and receives the report.
    static func checkStandardOutput() {
        guard fcntl(1, F_GETFD) == -1, errno == EBADF else { return }
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        if null >= 0 && null != 1 { close(null) }
        failedWrite.store(EBADF, ordering: .relaxed)
        Self.error("cannot write the output: standard output is closed")
    }

    /// Ends a run whose command returned normally: exit 74 if any output was lost.
    static func finish() {
        if failedWrite.load(ordering: .relaxed) != 0 { Glibc.exit(ExitStatus.outputError.rawValue) }
    }

    /// The built-in module registry, or exit 70: a module that fails to load is a defect of this build.
    static func registry() throws(ExitCode) -> ModuleRegistry {
        do {
            return try ModulePreload.registry()
        } catch {
            Self.error("internal error: \(error)")
            throw exit(.internalError)
        }
    }

    /// The `ExitCode` for a status; 74 instead once output was lost, whatever else went wrong.
    static func exit(_ status: ExitStatus) -> ExitCode {
        ExitCode(failedWrite.load(ordering: .relaxed) != 0 ? ExitStatus.outputError.rawValue : status.rawValue)
    }
}
