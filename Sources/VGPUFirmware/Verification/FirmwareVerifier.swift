import Crypto
import Dispatch
import Synchronization
import VGPUCore
import VGPUFirmwareFormats

/// Checks firmware files on disk against a manifest: presence inside the root, size, SHA-256, and,
/// by parsing, version and required sections.
///
/// One verifier remembers what it has read, keyed by canonical path, so the GSP image that five Ada
/// chips share (through symbolic links) is hashed and parsed once per run.
///
/// Files are examined on one serial queue, so `prefetch` can start hashing in the background while the
/// caller goes on, and a `verify` of a file already under way waits for that result. Unchecked
/// Sendable: the mutable state below is touched only on `queue`.
public final class FirmwareVerifier: @unchecked Sendable {
    /// Where files are looked up.
    public let root: FirmwareRoot
    /// When false, the digest is not computed (size, parse and version checks still run).
    public let verifiesDigests: Bool
    /// Digests remembered across runs; consulted unless `verifyAll`, refreshed always.
    public let cache: DigestCache?
    /// Hash every file even when the cache knows it.
    public let verifyAll: Bool
    /// How many files were hashed and how many digests came from the cache (for logs and tests).
    public var hashed: Int { queue.sync { hashCount } }
    public var cached: Int { queue.sync { cacheHits } }
    private var hashCount = 0, cacheHits = 0
    /// Where every examination runs, one at a time.
    private let queue = DispatchQueue(label: "vgpukit.firmware-verifier")
    /// Prefetches queued or running: read without waiting, so a caller can tell whether a `verify`
    /// is likely to wait.
    private let prefetching = Atomic<Int>(0)

    /// True while a `prefetch` is still examining files (a `verify` of them would wait).
    public var isPrefetching: Bool { prefetching.load(ordering: .relaxed) > 0 }
    /// Manifest path -> where it resolved (a resolution walks every component of the path).
    private var resolutions: [String: FirmwareRoot.Resolution] = [:]

    /// What was learned about one canonical file.
    private struct Examined {
        var size: UInt64?
        var sha256: String?
        var contents: FirmwareContents?
        var failure: FirmwareFinding?
    }
    private var examined: [String: Examined] = [:]

    /// Largest bin container accepted (booters are ~60 KiB; the 570 scrubber is under 1 MiB).
    static let maximumContainerSize = 16 << 20

    /// The largest file of `format` its parser reads: what a file no manifest pins may be hashed up to
    /// (a sparse 1 TiB file in place of an unpinned image would otherwise be hashed for minutes).
    static func maximumSize(_ format: FirmwareFormat) -> UInt64 {
        switch format {
        case .gspELF, .fmcELF: GSPFirmwareImage.maximumFileSize
        case .riscvBootloader, .booter, .falconBootloader: UInt64(maximumContainerSize)
        }
    }

    /// A verifier over `root`.
    public init(root: FirmwareRoot, verifiesDigests: Bool = true, cache: DigestCache? = nil, verifyAll: Bool = false) {
        self.root = root
        self.verifiesDigests = verifiesDigests
        self.cache = cache
        self.verifyAll = verifyAll
    }

    /// Verifies every file `chip` needs in `release`.
    ///
    /// - Parameter pinned: false for files no manifest pins (a release NVIDIA's driver names that no
    ///   manifest lists): their size and digest are not compared, only what parsing shows.
    public func verify(chip: FirmwareManifest.ChipFiles, release: FirmwareManifest.Release, pinned: Bool = true) -> ChipFirmwareReport {
        ChipFirmwareReport(chip: chip.chip, release: release.version, source: release.source,
                           files: chip.files.map { verify($0, pinned: pinned) })
    }

    /// Starts examining `files` in the background and returns at once; a later `verify` of one of them
    /// waits for that result instead of starting over. The probe calls this as soon as its scan meets a
    /// GPU, so hashing a 38 MB image overlaps the rest of the scan and the report.
    public func prefetch(_ files: [FirmwareManifest.File], pinned: Bool = true) {
        prefetching.add(1, ordering: .relaxed)
        queue.async {
            defer { self.prefetching.subtract(1, ordering: .relaxed) }
            // Smallest first: the booters and the bootloader take a millisecond together, and done first
            // they no longer add that millisecond after the 38 MB image's hash, the probe's critical path.
            for file in files.sorted(by: { $0.size < $1.size }) {
                if case .inside(let canonical) = self.resolve(file.path) {
                    _ = self.examine(canonical, role: file.role, expectedSize: pinned ? UInt64(clamping: file.size) : nil,
                                     shownAs: "\(self.root.path)/\(file.path)")
                }
            }
        }
    }

    /// Verifies one manifest file (`pinned` as for `verify(chip:release:pinned:)`).
    public func verify(_ file: FirmwareManifest.File, pinned: Bool = true) -> FirmwareFileReport {
        var report = FirmwareFileReport(role: file.role, path: file.path, expectedSize: file.size, expectedSHA256: file.sha256)
        let shown = "\(root.path)/\(file.path)"
        let (resolution, examined) = queue.sync { () -> (FirmwareRoot.Resolution, Examined?) in
            let resolution = resolve(file.path)
            guard case .inside(let canonical) = resolution else { return (resolution, nil) }
            return (resolution, examine(canonical, role: file.role, expectedSize: pinned ? UInt64(clamping: file.size) : nil, shownAs: shown))
        }
        let resolved: String
        switch resolution {
        case .missing:
            // Distributions ship firmware compressed (the kernel decompresses .xz and .zst): say what
            // was found rather than "missing". Verifying it needs its decompressed bytes, which this
            // build does not read.
            let compressed = [".xz", ".zst"].first { if case .inside = root.resolve(file.path + $0) { true } else { false } }
            if let suffix = compressed {
                report.findings.append(.init(kind: .missing, message: "\(shown): only \(file.path.split(separator: "/").last ?? "")\(suffix) is present, compressed; the kernel can load it, but this build verifies uncompressed files only (decompress it to verify)"))
            } else {
                report.findings.append(.init(kind: .missing, message: "\(shown): missing"))
            }
            return report
        case .unsafe(let why):
            report.findings.append(.init(kind: .unsafePath, message: "\(file.path): refused: \(why)"))
            return report
        case .unreadable(let why):
            report.findings.append(.init(kind: .unreadable, message: "\(file.path): \(why)"))
            return report
        case .inside(let canonical):
            resolved = canonical
        }
        report.resolvedPath = resolved
        guard let facts = examined else { return report }
        report.size = facts.size
        report.sha256 = facts.sha256
        report.contents = facts.contents
        if let failure = facts.failure { report.findings.append(failure) }
        if pinned, let size = facts.size, size != UInt64(file.size) {
            report.findings.append(.init(kind: .wrongSize, message: "\(shown): size \(size) bytes, manifest expects \(file.size)"))
        }
        if pinned, let digest = facts.sha256, digest != file.sha256 {
            report.findings.append(.init(kind: .wrongDigest, message: "\(shown): sha256 \(digest), manifest expects \(file.sha256)"))
        }
        if case .gsp(let image)? = facts.contents {
            if let expected = file.fwversion, image.version != expected {
                report.findings.append(.init(kind: .wrongVersion, message: "\(shown): .fwversion is \(image.version), manifest expects \(expected)"))
            }
            if let section = file.signatureSection {
                report.signature = image.section(named: section)
                if report.signature == nil {
                    report.findings.append(.init(kind: .missingSection, message: "\(shown): section \(section) is missing"))
                }
            }
        }
        return report
    }

    /// Resolves a manifest path once per run. Only on `queue`.
    private func resolve(_ path: String) -> FirmwareRoot.Resolution {
        if let known = resolutions[path] { return known }
        let resolution = root.resolve(path)
        resolutions[path] = resolution
        return resolution
    }

    /// Hashes and parses a canonical file once; later calls for the same file reuse the result. Only on `queue`.
    private func examine(_ canonical: String, role: FirmwareManifest.Role, expectedSize: UInt64?, shownAs shown: String) -> Examined {
        let examinedKey = canonical + "\u{0}" + role.format.rawValue
        if let known = examined[examinedKey] { return known }
        var facts = Examined()
        do {
            if verifiesDigests {
                let key = DigestCache.Key.of(canonical)
                if !verifyAll, let key, let known = cache?.digest(for: key) {
                    facts.sha256 = known
                    facts.size = UInt64(clamping: key.size)
                    cacheHits += 1
                } else {
                    let digest = try FileDigest.sha256(path: canonical, beneath: root.canonicalPath, expectedSize: expectedSize,
                                                       limit: Self.maximumSize(role.format))
                    facts.size = digest.size
                    guard let hex = digest.hex else {
                        // The wrong size: reported as such, neither hashed nor parsed.
                        examined[examinedKey] = facts
                        return facts
                    }
                    facts.sha256 = hex
                    hashCount += 1
                    // Only remember what was hashed from the file the key describes.
                    if let key, key == DigestCache.Key.of(canonical), UInt64(clamping: key.size) == digest.size { cache?.store(hex, for: key) }
                }
            }
            switch role.format {
            case .gspELF:
                let image = try GSPFirmwareImage(path: canonical, beneath: root.canonicalPath)
                facts.size = facts.size ?? image.fileSize
                facts.contents = .gsp(image)
            case .riscvBootloader:
                let bytes = try FileAccess.readAll(canonical, beneath: root.canonicalPath, limit: Self.maximumContainerSize)
                facts.size = facts.size ?? UInt64(bytes.count)
                facts.contents = .bootloader(try RISCVBootloader(bytes: bytes, file: canonical))
            case .booter:
                let bytes = try FileAccess.readAll(canonical, beneath: root.canonicalPath, limit: Self.maximumContainerSize)
                facts.size = facts.size ?? UInt64(bytes.count)
                facts.contents = .booter(try BooterUcode(bytes: bytes, file: canonical))
            case .falconBootloader:
                let bytes = try FileAccess.readAll(canonical, beneath: root.canonicalPath, limit: Self.maximumContainerSize)
                facts.size = facts.size ?? UInt64(bytes.count)
                facts.contents = .falconBootloader(try FalconBootloader(bytes: bytes, file: canonical))
            case .fmcELF:
                let fmc = try FMCImage(path: canonical, beneath: root.canonicalPath)
                facts.size = facts.size ?? fmc.fileSize
                facts.contents = .fmc(fmc)
                // The FSP refuses an image whose SHA-384 is not the `hash` the message carries.
                let computed = Array(SHA384.hash(data: try fmc.imageBytes()))
                if computed != fmc.hash {
                    facts.failure = FirmwareFinding(kind: .malformed,
                                                    message: "\(shown): hash: the image's SHA-384 is \(hexBytes: computed), the hash section says \(hexBytes: fmc.hash)")
                }
            }
        } catch {
            let kind: FirmwareFinding.Kind = if case .unreadable = error.problem { .unreadable } else { .malformed }
            facts.failure = FirmwareFinding(kind: kind, message: "\(shown): \(error.field): \(error.problem)")
        }
        examined[examinedKey] = facts
        return facts
    }
}
