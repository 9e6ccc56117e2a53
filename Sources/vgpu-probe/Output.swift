import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SystemPackage
import VGPUCore
import VGPUProbe

/// Writing results and leaving with a documented exit status.
enum Output {
    /// Writes text to standard output.
    static func print(_ text: String) {
        write(text.utf8, to: .standardOutput)
    }

    /// Writes a diagnostic line to standard error.
    static func error(_ text: String) {
        write("vgpu-probe: \(text)\n".utf8, to: .standardError)
    }

    /// Encodes `value` fully, then writes it; on failure nothing reaches standard output.
    static func json(_ value: some Encodable) throws(ExitCode) {
        try json(encoded: Result { try JSONOutput.encode(value) })
    }

    /// Writes a document `JSONOutput.encode` made; on failure nothing reaches standard output.
    static func json(encoded: Result<Data, any Error>) throws(ExitCode) {
        switch encoded {
        case .success(let document):
            write(document, to: .standardOutput)
        case .failure(let error):
            Self.error("internal error: cannot encode JSON: \(error)")
            throw ExitCode(ExitStatus.internalError.rawValue)
        }
    }

    /// Writes all of `bytes`; a closed pipe or full disk is not worth a diagnostic nobody can read.
    private static func write(_ bytes: some Sequence<UInt8>, to descriptor: FileDescriptor) {
        _ = try? descriptor.writeAll(bytes)
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

    /// The `ExitCode` for a status.
    static func exit(_ status: ExitStatus) -> ExitCode { ExitCode(status.rawValue) }
}
