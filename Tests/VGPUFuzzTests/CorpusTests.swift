import Foundation
import Testing
import VGPUCore
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUFuzz
import VGPUHost
import VGPUTestSupport

/// The named bad-input corpus (Tests/Corpus, made by scripts/make_corpus.py): every case must produce its
/// expected typed error, naming its field, and never crash.
struct CorpusTests {
    struct Case: Decodable, CustomStringConvertible, Sendable {
        let name: String, parser: String, field: String
        let file: String?, base: String?, edits: [[UInt64]]?, truncate: Int?
        let kind: String?, contains: String?
        var description: String { "\(parser)/\(name)" }
    }

    static let directory = RealFirmware.packageRoot.appendingPathComponent("Tests/Corpus").path
    static let cases: [Case] = (try? JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/cases.json")))) ?? []

    @Test func corpusIsLargeEnough() {
        #expect(Self.cases.count >= 40)
        #expect(Set(Self.cases.map(\.parser)).isSuperset(of: ["gsp-elf", "bootloader", "booter", "fmc", "manifest", "catalogue", "config", "sysfs"]))
    }

    /// The case's bytes: its file, or its recipe applied to the real firmware file.
    func bytes(_ c: Case) throws -> [UInt8] {
        if let file = c.file { return [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + file))) }
        var b = try RealFirmware.bytes(try #require(c.base))
        for edit in c.edits ?? [] {
            let (offset, width, value) = (Int(edit[0]), Int(edit[1]), edit[2])
            for i in 0..<width { b[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        }
        if let t = c.truncate { b = Array(b.prefix(t)) }
        return b
    }

    func expectFirmwareError(_ c: Case, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(c): parsed without error")
        } catch let error as FirmwareError {
            #expect(error.field == c.field, "\(c)")
            #expect(error.problem.kind == c.kind, "\(c): \(error)")
        } catch {
            Issue.record("\(c): untyped error \(error)")
        }
    }

    /// The fuzz target that reaches each parser (`FuzzTarget`, what scripts/fuzz.sh runs for hours)
    /// returns on every case too: a trap there ends the test process, and an unmapped parser is an issue.
    @Test("each case passes through its fuzz target", arguments: cases)
    func throughItsFuzzTarget(_ c: Case) throws {
        if c.base != nil && !RealFirmware.shouldRun { return }
        // A sysfs case is a directory tree, not bytes: the sysfs target builds its trees from bytes itself.
        if c.parser == "sysfs" { return }
        let target: FuzzTarget? = switch c.parser {
        case "gsp-elf", "fmc": .elf
        case "bootloader", "booter": .bin
        case "manifest", "catalogue": .manifest
        case "config": .config
        default: nil
        }
        guard let target else { Issue.record("\(c): no fuzz target reaches parser \(c.parser)"); return }
        target.run(try bytes(c))
    }

    @Test("each case gives its typed error", arguments: cases)
    func runCase(_ c: Case) throws {
        if c.base != nil && !RealFirmware.shouldRun { return }  // recipes need the real firmware (always present under CI)
        switch c.parser {
        case "gsp-elf":
            let path = Self.directory + "/" + (c.file ?? "")
            expectFirmwareError(c) { _ = try GSPFirmwareImage(path: path) }
        case "bootloader":
            let b = try bytes(c)
            expectFirmwareError(c) { _ = try RISCVBootloader(bytes: b, file: c.name) }
        case "booter":
            let b = try bytes(c)
            expectFirmwareError(c) { _ = try BooterUcode(bytes: b, file: c.name) }
        case "fmc":
            // FMCImage reads a path: the recipe's bytes go to a scratch file named after the case.
            let scratch = try ScratchDirectory("corpus-fmc")
            let path = try scratch.write(c.name, try bytes(c))
            expectFirmwareError(c) { _ = try FMCImage(path: path) }
        case "manifest", "catalogue":
            let data = Data(try bytes(c))
            do {
                if c.parser == "manifest" { _ = try FirmwareManifest.load(data, name: c.name) } else { _ = try VGPUTypeCatalogue.load(data, name: c.name) }
                Issue.record("\(c): loaded without error")
            } catch {
                #expect(error.field == c.field, "\(c): \(error)")
            }
        case "config":
            let config = try #require(ConfigSpace(try bytes(c)), "\(c)")
            #expect(config.problems.contains { $0.contains(c.contains ?? "") }, "\(c): \(config.problems)")
        case "sysfs":
            let root = Self.directory + "/" + (c.file ?? "")
            let scan = SysfsScanner(devicesDirectory: try #require(SysfsScanner.devicesDirectory(root: root))).scan()
            let f = try #require(scan.functions.first, "\(c): the device must still be reported")
            #expect(f.diagnostics.contains { $0.field == c.field && $0.problem.contains(c.contains ?? "") }, "\(c): \(f.diagnostics)")
        default:
            Issue.record("\(c): unknown parser")
        }
    }
}
