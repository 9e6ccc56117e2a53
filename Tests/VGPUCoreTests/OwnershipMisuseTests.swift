import Foundation
import Testing

/// Misuse of a `DeviceReference` is a compile error, not a run-time one: each snippet is compiled
/// against the VGPUCore module this test run built, and must fail with the ownership diagnostic
/// (or, for the control snippet, compile).
struct OwnershipMisuseTests {
    /// `<build>/debug/Modules`, next to the test bundle.
    static let modules = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("Modules").path

    static let driver = """
        import VGPUCore
        struct D: DeviceDriver {
            func initialize(_ device: DeviceID, _ request: Int) throws(Never) -> Int { request }
            func release(_ device: DeviceID, _ state: Int) {}
        }
        func f(_ core: DeviceCore<D>, _ id: DeviceID) throws {
            let r = try core.open(id)

        """

    /// Compiles `body` (appended to the driver and an opened reference `r`) to SIL, where ownership is checked.
    func compile(_ body: String) throws -> (status: Int32, output: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vgpukit-ownership-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("snippet.swift")
        try (Self.driver + body + "\n}\n").write(to: file, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["swiftc", "-emit-sil", "-o", "/dev/null", "-swift-version", "6", "-I", Self.modules, file.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, output)
    }

    @Test func correctUseCompiles() throws {
        let r = try compile("    let other = r.duplicate()\n    _ = r.state\n    r.close()\n    other.close()")
        #expect(r.status == 0, "\(r.output)")
    }

    @Test(arguments: [
        ("    r.close()\n    r.close()", "'r' consumed more than once"),
        ("    r.close()\n    _ = r.state", "'r' used after consume"),
        ("    let a = r\n    let b = r\n    a.close()\n    b.close()", "'r' consumed more than once"),
    ])
    func misuseDoesNotCompile(body: String, diagnostic: String) throws {
        let r = try compile(body)
        #expect(r.status != 0)
        #expect(r.output.contains(diagnostic), "\(r.output)")
    }
}
