import Foundation
import Testing
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUTestSupport

/// Bad GSP images: each yields its own typed error naming the file and the field, never a crash.
struct MalformedGSPImageTests {
    /// Writes `bytes` to a scratch file and returns the error opening it produces.
    func failure(_ bytes: [UInt8], _ name: String = "gsp.bin") throws -> FirmwareError {
        let dir = try ScratchDirectory()
        let path = try dir.write(name, bytes)
        do {
            let image = try GSPFirmwareImage(path: path)
            Issue.record("expected an error, parsed \(image.sections.count) sections")
            return FirmwareError(file: "", field: "", problem: .invalidValue("no error"))
        } catch {
            #expect(error.file == path)
            #expect(error.description.hasPrefix(path + ": " + error.field + ": "))
            return error
        }
    }

    @Test func wellFormedSyntheticImageParses() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("gsp.bin", ELFImageBuilder.gspLike(version: "570.144").build().bytes)
        let image = try GSPFirmwareImage(path: path)
        #expect(image.version == "570.144")
        #expect(image.signatureFamilies == ["ad10x", "ga10x"])
        #expect(image.image.size == 8192)
    }

    @Test func emptyFile() throws {
        let e = try failure([])
        #expect(e.field == "e_ident")
        #expect(e.problem == .truncated(needed: 16, available: 0))
    }

    @Test func truncatedInsideELFHeader() throws {
        let bytes = Array(ELFImageBuilder.gspLike().build().bytes.prefix(40))
        let e = try failure(bytes)
        #expect(e.field == "Elf64_Ehdr")
        #expect(e.problem == .truncated(needed: 64, available: 40))
    }

    @Test func truncatedInsideSectionHeaders() throws {
        let (bytes, layout) = ELFImageBuilder.gspLike().build()
        let e = try failure(Array(bytes.prefix(layout.header(3) + 10)))
        #expect(e.field == "e_shoff")
        let declared = UInt64(64 * (layout.nameTableIndex + 1))
        #expect(e.problem == .outOfBounds(offset: UInt64(layout.sectionHeaderOffset), size: declared, limit: UInt64(layout.header(3) + 10)))
    }

    @Test func wrongMagic() throws {
        var bytes = ELFImageBuilder.gspLike().build().bytes
        bytes[1] = UInt8(ascii: "X")
        let e = try failure(bytes)
        #expect(e.field == "e_ident")
        #expect(e.problem == .notELF)
    }

    @Test func wrongClass() throws {
        var b = ELFImageBuilder.gspLike()
        b.elfClass = 1
        let e = try failure(b.build().bytes)
        #expect(e.field == "e_ident[EI_CLASS]")
        #expect(e.problem == .wrongClass(1))
    }

    @Test func wrongDataEncoding() throws {
        var bytes = ELFImageBuilder.gspLike().build().bytes
        bytes[5] = 2  // ELFDATA2MSB; the rest stays little endian, which libelf must not get to
        let e = try failure(bytes)
        #expect(e.field == "e_ident[EI_DATA]")
        #expect(e.problem == .wrongDataEncoding(2))
    }

    @Test func wrongMachine() throws {
        var b = ELFImageBuilder.gspLike()
        b.machine = 62  // EM_X86_64
        let e = try failure(b.build().bytes)
        #expect(e.field == "e_machine")
        #expect(e.problem == .wrongMachine(62))
    }

    @Test func sectionPastEndOfFile() throws {
        var (bytes, layout) = ELFImageBuilder.gspLike().build()
        put(&bytes, layout.header(1) + 32, UInt64(1 << 30))  // .fwimage sh_size: 1 GiB
        let e = try failure(bytes)
        #expect(e.field == "section[1].sh_offset")
        #expect(e.problem == .outOfBounds(offset: 64, size: 1 << 30, limit: UInt64(bytes.count)))
    }

    @Test func sectionOffsetOverflows() throws {
        var (bytes, layout) = ELFImageBuilder.gspLike().build()
        put(&bytes, layout.header(2) + 24, UInt64.max - 4)  // .fwversion sh_offset wraps when size is added
        let e = try failure(bytes)
        #expect(e.field == "section[2].sh_offset")
    }

    @Test func sectionNameIndexOutOfRange() throws {
        var (bytes, layout) = ELFImageBuilder.gspLike().build()
        put(&bytes, layout.header(2), UInt32(0x7fff_0000))  // .fwversion sh_name
        let e = try failure(bytes)
        #expect(e.field == "section[2].sh_name")
        #expect(e.problem == .nameOutOfRange(index: 0x7fff_0000))
    }

    @Test func nameTableIndexOutOfRange() throws {
        var (bytes, _) = ELFImageBuilder.gspLike().build()
        put(&bytes, 62, UInt16(200))  // e_shstrndx
        let e = try failure(bytes)
        #expect(e.field == "e_shstrndx")
    }

    @Test func missingFwimage() throws {
        var b = ELFImageBuilder.gspLike()
        b.sections.removeAll { $0.name == ".fwimage" }
        let e = try failure(b.build().bytes)
        #expect(e.field == ".fwimage")
        #expect(e.problem == .missingSection(".fwimage"))
    }

    @Test func missingFwversion() throws {
        var b = ELFImageBuilder.gspLike()
        b.sections.removeAll { $0.name == ".fwversion" }
        let e = try failure(b.build().bytes)
        #expect(e.field == ".fwversion")
        #expect(e.problem == .missingSection(".fwversion"))
    }

    @Test func missingSignatureSectionForFamily() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("gsp.bin", ELFImageBuilder.gspLike(families: ["ga10x"]).build().bytes)
        let image = try GSPFirmwareImage(path: path)
        #expect(throws: FirmwareError(file: path, field: ".fwsignature_ad10x", problem: .missingSection(".fwsignature_ad10x"))) {
            try image.signatureSection(family: "ad10x")
        }
    }

    @Test func duplicateSection() throws {
        var b = ELFImageBuilder.gspLike()
        b.sections.append(.init(".fwimage", data: [1, 2, 3]))
        let e = try failure(b.build().bytes)
        #expect(e.field == ".fwimage")
        if case .invalidValue = e.problem {} else { Issue.record("expected invalidValue, got \(e.problem)") }
    }

    @Test func unprintableVersion() throws {
        var b = ELFImageBuilder.gspLike()
        b.sections[1].data = [0x35, 0x01, 0x33, 0]
        let e = try failure(b.build().bytes)
        #expect(e.field == ".fwversion")
    }

    @Test func oversizedVersion() throws {
        var b = ELFImageBuilder.gspLike()
        b.sections[1].data = [UInt8](repeating: 0x31, count: 4096)
        let e = try failure(b.build().bytes)
        #expect(e.field == ".fwversion")
    }

    @Test func fileLargerThanAnyFirmwareIsRefusedUnread() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("huge.bin")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 300 << 20)  // sparse: costs no disk
        try handle.close()
        do {
            _ = try GSPFirmwareImage(path: path)
            Issue.record("expected tooLarge")
        } catch {
            #expect(error.problem == .tooLarge(size: 300 << 20, limit: 256 << 20))
        }
    }

    @Test func missingFileAndDirectory() throws {
        let dir = try ScratchDirectory()
        for path in [dir.file("absent.bin"), dir.path] {
            do {
                _ = try GSPFirmwareImage(path: path)
                Issue.record("expected unreadable for \(path)")
            } catch {
                #expect(error.field == "file")
                if case .unreadable = error.problem {} else { Issue.record("expected unreadable, got \(error.problem)") }
            }
        }
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func realImageTruncatedBeforeItsSectionHeaders() throws {
        // The real file with its tail (the section-header table) cut off.
        let real = try RealFirmware.bytes("nvidia/ad102/gsp/gsp-535.113.01.bin")
        let e = try failure(Array(real.prefix(real.count - 200)))
        #expect(e.field == "e_shoff")
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func realImageWithWrongMachine() throws {
        var real = try RealFirmware.bytes("nvidia/ad102/gsp/gsp-535.113.01.bin")
        put(&real, 18, UInt16(183))  // EM_AARCH64
        let e = try failure(real)
        #expect(e.problem == .wrongMachine(183))
    }
}
