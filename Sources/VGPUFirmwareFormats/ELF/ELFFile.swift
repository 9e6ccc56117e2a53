import CLibELF
import SystemPackage
import VGPUPrimitives

/// libelf must be told which ELF version the caller speaks before any other call; a global's
/// initializer runs exactly once, thread-safely.
private let libelfVersionAccepted: Bool = elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE)

/// One section header as libelf reports it.
public struct ELFSection: Equatable, Sendable, Codable {
    /// Index in the section header table.
    public let index: Int
    /// Name from the section-header string table.
    public let name: String
    /// `sh_type` (1 = PROGBITS, 2 = SYMTAB, 3 = STRTAB, 8 = NOBITS, ...).
    public let type: UInt32
    /// `sh_flags`.
    public let flags: UInt64
    /// `sh_offset` and `sh_size` as a range of the file.
    public let range: FileRange

    /// readelf's spelling of `type`: the generic ABI's types (0...19), else the number.
    public var typeName: String {
        Int(exactly: type).flatMap { Self.genericTypeNames.indices.contains($0) ? Self.genericTypeNames[$0] : nil } ?? "\(hex: type)"
    }

    /// binutils' names of `SHT_NULL` ... `SHT_RELR`, by value (570's images carry a NOTE section).
    /// 12 and 13 are unassigned.
    static let genericTypeNames: [String?] = ["NULL", "PROGBITS", "SYMTAB", "STRTAB", "RELA", "HASH", "DYNAMIC", "NOTE", "NOBITS", "REL", "SHLIB",
                                              "DYNSYM", nil, nil, "INIT_ARRAY", "FINI_ARRAY", "PREINIT_ARRAY", "GROUP", "SYMTAB SECTION INDICES", "RELR"]
}

/// An open ELF file read through libelf (ELF_C_READ: headers and small sections by pread, never mapped).
///
/// Non-copyable so there is exactly one owner of the libelf handle and the descriptor; `deinit`
/// calls `elf_end` then closes the file, deterministically, on every path out.
struct ELFFile: ~Copyable {
    /// The kind of ELF a caller accepts: its class, machine and the header sizes that follow.
    struct Expectation {
        /// `ELFCLASS64` or `ELFCLASS32`.
        let elfClass: UInt8
        /// `e_machine`.
        let machine: UInt16
        /// `e_ehsize` and `e_shentsize` of that class.
        let headerSize: Int, sectionHeaderSize: UInt16
        /// `Elf64_Ehdr` or `Elf32_Ehdr`, for errors.
        var headerName: String { elfClass == UInt8(ELFCLASS64) ? "Elf64_Ehdr" : "Elf32_Ehdr" }

        /// The GSP-RM image: ELF64, RISC-V.
        static let gspRISCV = Expectation(elfClass: UInt8(ELFCLASS64), machine: UInt16(EM_RISCV), headerSize: 64, sectionHeaderSize: 64)
        /// The GSP-FMC image of Hopper and Blackwell: ELF32 with no machine (a container of named sections).
        static let fmcContainer = Expectation(elfClass: UInt8(ELFCLASS32), machine: UInt16(EM_NONE), headerSize: 52, sectionHeaderSize: 40)
    }

    /// Refuse anything larger: the biggest real GSP image is under 64 MiB.
    static let maximumSize: UInt64 = GSPFirmwareImage.maximumFileSize

    /// Path, for errors.
    let path: String
    /// File length when opened.
    let fileSize: UInt64
    /// `e_type` (1 = ET_REL).
    let elfType: UInt16
    /// All section headers, validated against the file length.
    let sections: [ELFSection]

    private let fd: FileDescriptor
    private let elf: OpaquePointer

    /// Opens and validates a little-endian ELF of the `expected` kind and reads its section table.
    init(path: String, beneath root: String? = nil, expecting expected: Expectation = .gspRISCV) throws(FirmwareError) {
        guard libelfVersionAccepted else {
            throw FirmwareError(file: path, field: "libelf", problem: .libelf("elf_version(EV_CURRENT) refused"))
        }
        let opened = try FileAccess.openRegular(path, beneath: root)
        let fd = opened.descriptor
        let size = UInt64(max(0, opened.size))
        guard size <= Self.maximumSize else {
            try? fd.close()
            throw FirmwareError(file: path, field: "file", problem: .tooLarge(size: Int(clamping: size), limit: Int(Self.maximumSize)))
        }
        // ELF_C_READ, not ELF_C_READ_MMAP: libelf then reads the headers and, on demand, the small
        // sections with pread. A mapping of a file that is truncated while in use (an in-place `cp` over
        // the firmware) faults with SIGBUS on the next access; a short pread is an error we can name.
        guard let elf = elf_begin(fd.rawValue, ELF_C_READ, nil) else {
            let message = libelfMessage()
            let diagnosis = ELFHeaderDiagnosis.diagnose(fd: fd, size: size, expected: expected)
            try? fd.close()
            if let diagnosis { throw FirmwareError(file: path, field: diagnosis.field, problem: diagnosis.problem) }
            let problem: FirmwareProblem = size < UInt64(expected.headerSize)
                ? .truncated(needed: expected.headerSize, available: Int(size)) : .libelf(message)
            throw FirmwareError(file: path, field: expected.headerName, problem: problem)
        }
        // `self` is not yet whole, so deinit would not run: release by hand if the headers are bad.
        let headers: (UInt16, [ELFSection])
        do {
            headers = try Self.readHeaders(elf: elf, path: path, size: size, fd: fd, expected: expected)
        } catch {
            elf_end(elf)
            try? fd.close()
            throw error
        }
        self.fd = fd
        self.elf = elf
        self.path = path
        self.fileSize = size
        (elfType, sections) = headers
    }

    deinit {
        elf_end(elf)
        try? fd.close()
    }

    /// Copies out a small section's bytes (`.fwversion`, a signature). Never used for `.fwimage`.
    func bytes(of section: ELFSection, limit: UInt64 = 1 << 20) throws(FirmwareError) -> [UInt8] {
        guard section.range.size <= limit else {
            throw FirmwareError(file: path, field: section.name, problem: .tooLarge(size: Int(section.range.size), limit: Int(limit)))
        }
        guard let scn = elf_getscn(elf, section.index), let data = elf_getdata(scn, nil) else {
            throw FirmwareError(file: path, field: section.name, problem: .libelf(libelfMessage()))
        }
        guard let buf = data.pointee.d_buf, data.pointee.d_size == Int(section.range.size) else {
            return []
        }
        return Array(UnsafeRawBufferPointer(start: buf, count: data.pointee.d_size))
    }

    /// Validates the ELF header and collects the section headers, bounds-checked.
    private static func readHeaders(elf: OpaquePointer, path: String, size: UInt64, fd: FileDescriptor, expected: Expectation)
        throws(FirmwareError) -> (UInt16, [ELFSection])
    {
        func fail(_ field: String, _ problem: FirmwareProblem) -> FirmwareError {
            FirmwareError(file: path, field: field, problem: problem)
        }
        guard elf_kind(elf) == ELF_K_ELF else {
            if size < 16 { throw fail("e_ident", .truncated(needed: 16, available: Int(size))) }
            // Read through (not mapped), libelf calls a file whose header is cut short "not ELF"; the
            // magic tells a truncated ELF header from another kind of file.
            let magic = try? FileAccess.read(fd, FileRange(offset: 0, size: 4), path: path, field: "e_ident")
            if size < UInt64(expected.headerSize), magic == [0x7f, 0x45, 0x4c, 0x46] {
                throw fail(expected.headerName, .truncated(needed: expected.headerSize, available: Int(size)))
            }
            throw fail("e_ident", .notELF)
        }
        guard let ident = elf_getident(elf, nil) else { throw fail("e_ident", .libelf(libelfMessage())) }
        let elfClass = UInt8(bitPattern: ident[Int(EI_CLASS)])
        guard elfClass == expected.elfClass else { throw fail("e_ident[EI_CLASS]", .wrongClass(elfClass)) }
        let encoding = UInt8(bitPattern: ident[Int(EI_DATA)])
        guard encoding == UInt8(ELFDATA2LSB) else { throw fail("e_ident[EI_DATA]", .wrongDataEncoding(encoding)) }
        var ehdr = GElf_Ehdr()
        guard gelf_getehdr(elf, &ehdr) != nil else {
            throw size < UInt64(expected.headerSize) ? fail(expected.headerName, .truncated(needed: expected.headerSize, available: Int(size)))
                : fail(expected.headerName, .libelf(libelfMessage()))
        }
        guard ehdr.e_machine == expected.machine else { throw fail("e_machine", .wrongMachine(ehdr.e_machine)) }
        // libelf reads section headers at their class's fixed size whatever e_shentsize says; a file that
        // says otherwise is inconsistent, and is refused rather than half-trusted.
        guard ehdr.e_shnum == 0 || ehdr.e_shentsize == expected.sectionHeaderSize else {
            throw fail("e_shentsize", .invalidValue("e_shentsize \(ehdr.e_shentsize), expected \(expected.sectionHeaderSize) for \(expected.headerName)"))
        }

        var count = 0
        let counted = elf_getshdrnum(elf, &count) == 0
        // libelf maps lazily: a section table cut off by the end of the file shows up here, as an
        // error or as zero sections.
        if !counted || count == 0, let diagnosis = ELFHeaderDiagnosis.diagnose(fd: fd, size: size, expected: expected) {
            throw fail(diagnosis.field, diagnosis.problem)
        }
        guard counted else { throw fail("e_shnum", .libelf(libelfMessage())) }
        var nameTable = 0
        guard elf_getshdrstrndx(elf, &nameTable) == 0 else { throw fail("e_shstrndx", .libelf(libelfMessage())) }
        guard count > 0 else { throw fail("e_shnum", .invalidValue("the file has no section headers")) }
        guard nameTable < count else {
            throw fail("e_shstrndx", .outOfBounds(offset: UInt64(nameTable), size: 1, limit: UInt64(count)))
        }

        // Bounds first, names second: elf_strptr reads the name table, whose own range must be sane.
        var headers: [GElf_Shdr] = []   // at its section index
        headers.reserveCapacity(count)
        for index in 0..<count {
            var shdr = GElf_Shdr()
            guard let scn = elf_getscn(elf, index), gelf_getshdr(scn, &shdr) != nil else {
                throw fail("section[\(index)]", .libelf(libelfMessage()))
            }
            if shdr.sh_type != UInt32(SHT_NOBITS) {
                let (end, overflow) = shdr.sh_offset.addingReportingOverflow(shdr.sh_size)
                guard !overflow, end <= size else {
                    throw fail("section[\(index)].sh_offset", .outOfBounds(offset: shdr.sh_offset, size: shdr.sh_size, limit: size))
                }
            }
            headers.append(shdr)
        }
        var sections: [ELFSection] = []
        sections.reserveCapacity(count)
        for (index, shdr) in headers.enumerated() {
            let name: String
            if index == 0 {
                name = ""
            } else {
                guard let cName = elf_strptr(elf, nameTable, Int(shdr.sh_name)) else {
                    throw fail("section[\(index)].sh_name", .nameOutOfRange(index: UInt64(shdr.sh_name)))
                }
                name = String(cString: cName)
            }
            sections.append(ELFSection(index: index, name: name, type: shdr.sh_type, flags: shdr.sh_flags,
                                       range: FileRange(offset: shdr.sh_offset, size: shdr.sh_size)))
        }
        return (ehdr.e_type, sections)
    }
}

/// libelf's message for its current error.
func libelfMessage() -> String {
    guard let message = elf_errmsg(-1) else { return "unknown error" }
    return String(cString: message)
}

/// When libelf refuses a file, or sees fewer sections than the header declares, it does not say why;
/// this reads the raw header words to name the field and the range (diagnosis only: libelf stays the
/// parser of everything it accepts).
enum ELFHeaderDiagnosis {
    /// The field and problem that explain libelf's refusal, or nil when the header looks consistent.
    static func diagnose(fd: FileDescriptor, size: UInt64, expected: ELFFile.Expectation) -> (field: String, problem: FirmwareProblem)? {
        let headerSize = expected.headerSize
        guard size >= UInt64(headerSize), let header = try? FileAccess.read(fd, FileRange(offset: 0, size: UInt64(headerSize)), path: "", field: expected.headerName) else {
            return nil
        }
        func u(_ o: Int, _ n: Int) -> UInt64 { LittleEndian.get(header, o, n) }
        // e_shoff, e_shentsize, e_shnum: at 0x28/0x3a/0x3c in ELF64, 0x20/0x2e/0x30 in ELF32.
        let is64 = expected.elfClass == UInt8(ELFCLASS64)
        let shoff = is64 ? u(0x28, 8) : u(0x20, 4), shentsize = u(is64 ? 0x3a : 0x2e, 2), shnum = u(is64 ? 0x3c : 0x30, 2)
        if shnum > 0 && shentsize != UInt64(expected.sectionHeaderSize) {
            return ("e_shentsize", .invalidValue("e_shentsize \(shentsize), expected \(expected.sectionHeaderSize) for \(expected.headerName)"))
        }
        let tableSize = shentsize * shnum
        let (end, overflow) = shoff.addingReportingOverflow(tableSize)
        if overflow || end > size {
            return ("e_shoff", .outOfBounds(offset: shoff, size: tableSize, limit: size))
        }
        return nil
    }
}
