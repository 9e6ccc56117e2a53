import Foundation

/// Runs external tools the tests compare against (readelf, sha256sum, lspci): independent oracles.
public enum Oracle {
    /// Runs `tool` with `arguments`; returns standard output (with standard error after it when
    /// `mergingErrors`) and the exit status.
    public static func run(_ tool: String, _ arguments: [String], mergingErrors: Bool = false) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = mergingErrors ? pipe : FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    /// One row of `readelf -S -W`.
    public struct ReadelfSection: Equatable {
        public let index: Int, name: String, type: String, offset: UInt64, size: UInt64
    }

    /// The section table as binutils' readelf sees it.
    public static func readelfSections(_ path: String) throws -> [ReadelfSection] {
        let (text, _) = try run("readelf", ["-S", "-W", path])
        var rows: [ReadelfSection] = []
        for line in text.split(separator: "\n") {
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"),
                  let index = Int(line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces)) else { continue }
            let fields = line[line.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
            // index 0 has an empty name: NULL addr off size ...
            let hasName = index != 0
            let name = hasName ? String(fields[0]) : ""
            let rest = fields.dropFirst(hasName ? 1 : 0)
            let cols = Array(rest)
            guard cols.count >= 4, let off = UInt64(cols[2], radix: 16), let size = UInt64(cols[3], radix: 16) else { continue }
            rows.append(ReadelfSection(index: index, name: name, type: String(cols[0]), offset: off, size: size))
        }
        return rows
    }

    /// The commit `git` says the checkout at `directory` is at; nil when git or the checkout is absent.
    public static func gitHead(of directory: String) throws -> String? {
        let r = try run("git", ["-C", directory, "rev-parse", "HEAD"])
        return r.status == 0 ? r.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// `sha256sum`'s digest of a file.
    public static func sha256sum(_ path: String) throws -> String {
        String(try run("sha256sum", [path]).output.prefix(64))
    }
}
