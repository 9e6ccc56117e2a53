import ArgumentParser
import Foundation
import VGPUCore
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

    /// The built-in module registry, or exit 70: a module that fails to load is a defect of this build.
    static func registry() throws(ExitCode) -> ModuleRegistry {
        do {
            return try BuiltInModules.registry()
        } catch {
            Self.error("internal error: \(error)")
            throw exit(.internalError)
        }
    }

    /// The `ExitCode` for a status.
    static func exit(_ status: ExitStatus) -> ExitCode { ExitCode(status.rawValue) }
}
