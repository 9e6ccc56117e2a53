import Testing
import VGPUTestSupport

/// `gsp-elf` as a user runs it: the built binary on real and built images, checked against readelf
/// and against `vgpu-probe firmware --elf`, which must print the same lines.
struct GSPELFCommandTests {
    /// Runs the built `gsp-elf`.
    static func gspELF(_ arguments: [String]) throws -> ProbeBinary.Result {
        try ProbeBinary.run(arguments, executable: "gsp-elf")
    }

    @Test("real image: the same lines as vgpu-probe firmware --elf, sections as readelf sees them",
          .enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)),
          arguments: ["nvidia/ad102/gsp/gsp-535.113.01.bin", "nvidia/535.261.03/gsp_tu10x.bin"])
    func realImageMatchesProbeAndReadelf(relative: String) throws {
        let path = RealFirmware.path(relative)
        let run = try Self.gspELF([path])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        let probe = try ProbeBinary.run(["firmware", "--elf", path])
        #expect(probe.status == 0)
        #expect(run.stdout == probe.stdout)

        // Every section row, parsed back, agrees with binutils.
        let rows = run.stdout.split(separator: "\n").filter { $0.hasPrefix("  [") }
        let oracle = try Oracle.readelfSections(path).filter { $0.index > 0 }
        #expect(rows.count == oracle.count)
        for (row, theirs) in zip(rows, oracle) {
            let fields = row.split(separator: " ")
            #expect(fields[0] == "[\(theirs.index)]")
            #expect(fields[1] == theirs.name)
            #expect(fields[2] == theirs.type)
            #expect(fields[4] == "0x" + String(theirs.offset, radix: 16))
            #expect(fields[6] == "0x" + String(theirs.size, radix: 16))
        }
        #expect(run.stdout.hasPrefix("ELF64 little-endian RISC-V, e_type 1, .fwversion 535."))
    }

    @Test func severalFilesGoOnPastABadOneAndNameItsFileAndField() throws {
        let dir = try ScratchDirectory()
        let good = try dir.write("good.bin", ELFImageBuilder.gspLike(families: ["ad10x"]).build().bytes)
        let truncated = try dir.write("short.bin", Array(ELFImageBuilder.gspLike().build().bytes.prefix(40)))
        var noVersion = ELFImageBuilder.gspLike()
        noVersion.sections.removeAll { $0.name == ".fwversion" }
        let missing = try dir.write("noversion.bin", noVersion.build().bytes)

        let run = try Self.gspELF([good, truncated, missing, good])
        #expect(run.status == 1)
        #expect(run.stdout.components(separatedBy: "File: \(good)\n").count == 3, "both good listings, headed")
        #expect(run.stdout.contains("signature families: ad10x\n"))
        #expect(!run.stdout.contains("File: \(truncated)"))
        let errors = run.stderr.split(separator: "\n")
        #expect(errors.count == 2)
        #expect(errors[0].hasPrefix("gsp-elf: ") && errors[0].contains(truncated))
        #expect(errors[1].contains(missing) && errors[1].contains(".fwversion"))

        let one = try Self.gspELF([good])
        #expect(one.status == 0)
        #expect(!one.stdout.contains("File:"), "one file, no heading")
        #expect(one.stdout.hasPrefix("ELF64 little-endian RISC-V, e_type 1, .fwversion 535.113.01\n"))
        let rows = one.stdout.split(separator: "\n").filter { $0.hasPrefix("  [") }.map { $0.split(separator: " ")[1] }
        #expect(rows.map(String.init) == (try Oracle.readelfSections(good)).filter { $0.index > 0 }.map(\.name))
    }

    @Test func aFileNamedLikeAnOptionAfterDoubleDash() throws {
        let dir = try ScratchDirectory()
        _ = try dir.write("-image.bin", ELFImageBuilder.gspLike().build().bytes)
        let asOption = try Self.gspELF([dir.file("-image.bin").replacingOccurrences(of: dir.path + "/", with: "")])
        #expect(asOption.status == 64)
        let run = try ProbeBinary.run(["--", dir.file("-image.bin")], executable: "gsp-elf")
        #expect(run.status == 0)
        #expect(run.stdout.contains(".fwversion 535.113.01"))
    }

    @Test func usageHelpAndVersion() throws {
        let none = try Self.gspELF([])
        #expect(none.status == 64)
        #expect(none.stderr.contains("no file given"))
        #expect(none.stdout.isEmpty)
        let unknown = try Self.gspELF(["-S", "x.bin"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown option '-S'"))

        let help = try Self.gspELF(["x.bin", "--help"])
        #expect(help.status == 0)
        for phrase in ["USAGE: gsp-elf FILE...", "firmware-nvidia-graphics", "vgpu-probe firmware --elf", "EXIT STATUS", "--json"] {
            #expect(help.stdout.contains(phrase), "\(phrase)")
        }
        let version = try Self.gspELF(["--version"])
        #expect(version.status == 0)
        let probeVersion = try ProbeBinary.run(["--version"]).stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(version.stdout == probeVersion.replacingOccurrences(of: "vgpu-probe ", with: "gsp-elf ") + "\n")
    }
}
