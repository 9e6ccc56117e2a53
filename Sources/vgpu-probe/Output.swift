import ArgumentParser
import Foundation
import VGPUProbe

/// Writing results and leaving with a documented exit status.
enum Output {
    /// Writes text to standard output.
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes a diagnostic line to standard error.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data("vgpu-probe: \(text)\n".utf8))
    }

    /// Encodes `value` fully, then writes it; on failure nothing reaches standard output.
    static func json(_ value: some Encodable) throws(ExitCode) {
        do {
            FileHandle.standardOutput.write(try JSONOutput.encode(value))
        } catch {
            Self.error("internal error: cannot encode JSON: \(error)")
            throw ExitCode(ExitStatus.internalError.rawValue)
        }
    }

    /// The `ExitCode` for a status.
    static func exit(_ status: ExitStatus) -> ExitCode { ExitCode(status.rawValue) }
}
