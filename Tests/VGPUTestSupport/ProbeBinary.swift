import Foundation
import Synchronization

/// Runs the built executables (`vgpu-probe`, `gsp-elf`), which SwiftPM puts beside the test bundle.
public enum ProbeBinary {
    /// `vgpu-probe`'s path.
    public static let path: String = path(of: "vgpu-probe")

    /// The path of the built executable `name`: the nearest directory above the test bundle holding it.
    public static func path(of name: String) -> String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // Swift Testing may run from inside the .xctest bundle directory.
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path) {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent(name).path
    }

    /// This test process's own digest-cache directory.
    static let scratchCache = FileManager.default.temporaryDirectory.appendingPathComponent("vgpukit-cache-\(UUID().uuidString)").path

    /// Output and status of one run.
    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// True when the run outlived its deadline and was killed (a hang).
        public var timedOut = false
        /// True when the process ended by a signal (a crash: SIGILL, SIGSEGV, SIGBUS...).
        public var crashed = false
    }

    /// Runs `vgpu-probe arguments...` (or the built `executable`) to completion.
    ///
    /// - Parameters:
    ///   - deadline: seconds after which the process is killed and the result marked `timedOut`.
    ///   - standardOutput: where stdout goes instead of being captured (`/dev/full`, a closed pipe).
    ///   - standardInput: bytes piped to the process, then end of file.
    public static func run(_ arguments: [String], executable: String = "vgpu-probe",
                           environment: [String: String]? = nil, deadline: Double? = nil,
                           standardOutput: FileHandle? = nil, standardInput: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable == "vgpu-probe" ? path : path(of: executable))
        process.arguments = arguments
        // Never touch the user's digest cache from tests: a scratch one per test process unless given.
        var env = environment ?? ProcessInfo.processInfo.environment
        if env["VGPUKIT_CACHE_DIR"] == nil { env["VGPUKIT_CACHE_DIR"] = scratchCache }
        // The terminal size of whoever runs the suite must not rewrap --help (COLUMNS=50 split examples).
        env["COLUMNS"] = nil
        env["LINES"] = nil
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = standardOutput ?? out
        process.standardError = err
        let input = Pipe()
        if standardInput != nil { process.standardInput = input }
        try process.run()
        if let standardInput {
            // From another thread: a large input must not block this one while the child has not read it.
            // A child that stops reading closes the pipe: the write then fails with EPIPE instead of
            // SIGPIPE ending the test process.
            signal(SIGPIPE, SIG_IGN)
            DispatchQueue.global().async {
                try? input.fileHandleForWriting.write(contentsOf: standardInput)
                try? input.fileHandleForWriting.close()
            }
        }
        if standardOutput != nil { try out.fileHandleForWriting.close() }
        let killed = Atomic<Bool>(false)
        if let deadline {
            DispatchQueue.global().asyncAfter(deadline: .now() + deadline) { [process] in
                guard process.isRunning else { return }
                killed.store(true, ordering: .relaxed)
                kill(process.processIdentifier, SIGKILL)
            }
        }
        // Drain both pipes concurrently so a large report cannot fill one and block the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let timedOut = killed.load(ordering: .relaxed)
        if executable == "vgpu-probe" { JSONCapture.keep(outData) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self), timedOut: timedOut,
                      crashed: !timedOut && process.terminationReason == .uncaughtSignal)
    }
}

/// Keeps every JSON document the suite's `vgpu-probe` runs print, in `$VGPUKIT_JSON_CAPTURE` when set:
/// scripts/test.sh validates them all against schemas/ afterwards, so no document kind or corner a
/// test reaches escapes its schema.
public enum JSONCapture {
    static let directory = ProcessInfo.processInfo.environment["VGPUKIT_JSON_CAPTURE"].flatMap { $0.isEmpty ? nil : $0 }

    /// Writes `output` to the capture directory when it is a document (a JSON object with a schema).
    static func keep(_ output: Data) {
        guard let directory, output.first == UInt8(ascii: "{"),
              (try? JSONSerialization.jsonObject(with: output) as? [String: Any])?["schema"] is String else { return }
        try? output.write(to: URL(fileURLWithPath: directory).appendingPathComponent(UUID().uuidString + ".json"))
    }
}
