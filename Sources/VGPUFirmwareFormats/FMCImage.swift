/// A GSP-FMC image of Hopper and Blackwell: `nvidia/<chip>/gsp/fmc-<release>.bin`, an ELF32 container
/// (no machine) with four sections that NVIDIA's `extract-firmware-nouveau.py` (580.142 `fmc()`)
/// writes from the driver's `GspRmFmcGfwProdSigned` arrays: `hash` (SHA-384 of `image`), `signature`
/// and `publickey` (what the FSP checks `image` with), and `image`, the FMC the FSP loads.
///
/// Read through libelf like the GSP image. Every section must be present once, inside the file, of a
/// size the chain-of-trust message can carry; whether the hash matches the image is the verifier's
/// check (this target has no cryptography).
public struct FMCImage: Equatable, Sendable, Codable {
    /// The section names, in the order NVIDIA writes them.
    public static let hashSection = "hash", signatureSection = "signature", publicKeySection = "publickey", imageSection = "image"
    /// SHA-384's length: `NVDM_PAYLOAD_COT.hash384`.
    public static let hashLength = 48
    /// The room the chain-of-trust message has for a signature or a public key (`NvU32[96]`).
    public static let maximumKeyLength = 384
    /// Larger than any FMC image (GB202's is 199,240 bytes at 570.144).
    public static let maximumImageSize: UInt64 = 4 << 20

    /// Path it was read from.
    public let path: String
    /// The firmware root it was opened beneath, and is read again beneath (`FileAccess.openRegular`);
    /// nil for a file opened as given. Not part of the encoded image.
    public private(set) var root: String? = nil
    /// Length of the file in bytes.
    public let fileSize: UInt64
    /// Every section, in table order.
    public let sections: [ELFSection]
    /// The 48-byte SHA-384 the FSP compares with the image's.
    public let hash: [UInt8]
    /// The signature: 384 bytes on GH100 (RSA-3072), 96 on Blackwell.
    public let signature: [UInt8]
    /// The public key: 384 bytes on GH100, 97 on Blackwell.
    public let publicKey: [UInt8]
    /// Where `image` lies in the file.
    public let image: FileRange

    /// Opens and validates an FMC image.
    ///
    /// - Throws: `FirmwareError` naming the section: not an ELF32, a section missing or repeated, a
    ///   hash that is not 48 bytes, an empty or oversized signature, key or image.
    public init(path: String, beneath root: String? = nil) throws(FirmwareError) {
        let elf = try ELFFile(path: path, beneath: root, expecting: .fmcContainer)
        func one(_ name: String) throws(FirmwareError) -> ELFSection {
            let found = elf.sections.filter { $0.name == name }
            guard let section = found.first else { throw FirmwareError(file: path, field: name, problem: .missingSection(name)) }
            guard found.count == 1 else { throw FirmwareError(file: path, field: name, problem: .invalidValue("section \(name) appears \(found.count) times")) }
            guard section.type != 8 else { throw FirmwareError(file: path, field: name, problem: .invalidValue("section \(name) holds no bytes (SHT_NOBITS)")) }
            return section
        }
        let hashSection = try one(Self.hashSection), signatureSection = try one(Self.signatureSection)
        let keySection = try one(Self.publicKeySection), imageSection = try one(Self.imageSection)
        guard hashSection.range.size == UInt64(Self.hashLength) else {
            throw FirmwareError(file: path, field: Self.hashSection,
                                problem: .invalidValue("hash is \(hashSection.range.size) bytes; SHA-384 is \(Self.hashLength)"))
        }
        for section in [signatureSection, keySection] where !(1...UInt64(Self.maximumKeyLength)).contains(section.range.size) {
            throw FirmwareError(file: path, field: section.name,
                                problem: .invalidValue("\(section.name) is \(section.range.size) bytes; the chain-of-trust message carries 1 to \(Self.maximumKeyLength)"))
        }
        guard imageSection.range.size > 0 else { throw FirmwareError(file: path, field: Self.imageSection, problem: .invalidValue("image is empty")) }
        guard imageSection.range.size <= Self.maximumImageSize else {
            throw FirmwareError(file: path, field: Self.imageSection,
                                problem: .tooLarge(size: Int(clamping: imageSection.range.size), limit: Int(Self.maximumImageSize)))
        }
        self.path = path
        self.root = root
        fileSize = elf.fileSize
        sections = elf.sections
        hash = try elf.bytes(of: hashSection)
        signature = try elf.bytes(of: signatureSection)
        publicKey = try elf.bytes(of: keySection)
        image = imageSection.range
        // libelf returned fewer bytes than the header promised (the file changed while read).
        for (name, bytes, section) in [(Self.hashSection, hash, hashSection), (Self.signatureSection, signature, signatureSection),
                                       (Self.publicKeySection, publicKey, keySection)] where bytes.count != Int(section.range.size) {
            throw FirmwareError(file: path, field: name, problem: .truncated(needed: Int(section.range.size), available: bytes.count))
        }
    }

    /// The FMC image's bytes, read from the file (at most `maximumImageSize`).
    public func imageBytes() throws(FirmwareError) -> [UInt8] {
        let fd = try FileAccess.open(path, beneath: root)
        defer { try? fd.close() }
        return try FileAccess.read(fd, image, path: path, field: Self.imageSection)
    }

    /// What an encoded image holds: everything but `root`, where it was opened.
    private enum CodingKeys: String, CodingKey {
        case path, fileSize, sections, hash, signature, publicKey, image
    }
}
