import VGPUCore
import VGPUFirmware
import VGPUFirmwareFormats

/// Renders a firmware inventory for people: a verdict per file, then what was parsed from it.
///
/// A file shared by several chips (Debian links the ad10x GSP images to ga102's) is described in full
/// once; later chips refer back to it.
public enum FirmwareInventoryText {
    /// The whole report as text, ending in a one-line summary.
    public static func render(_ inventory: FirmwareInventory) -> String {
        var out = "Firmware root: \(inventory.firmwareRoot)"
        if !inventory.digestsVerified { out += "  (digests not verified)" }
        out += "\n"
        var describedBy: [String: String] = [:]
        var counts = (files: 0, ok: 0)
        for entry in inventory.chips {
            let r = entry.firmware
            out += "\n\(entry.chip) (\(entry.module)), release \(r.release): \(r.isOK ? "ok" : "PROBLEMS")"
            out += "  [Debian \(r.source.package) \(r.source.version), \(r.source.suite)/\(r.source.component)]\n"
            for file in r.files {
                counts.files += 1
                if file.isOK { counts.ok += 1 }
                let verdict = file.isOK ? "ok" : file.findings.map(\.kind.rawValue).joined(separator: ",")
                out += "  \(pad(verdict, 14)) \(pad(file.role.rawValue, 14)) \(file.path)\n"
                for finding in file.findings { out += "      ! \(finding.message)\n" }
                guard let resolved = file.resolvedPath, let contents = file.contents else { continue }
                var facts: [String] = []
                if let size = file.size { facts.append("\(size) bytes") }
                if let digest = file.sha256 { facts.append("sha256 \(digest)") }
                facts.append("file \(resolved)")
                if let signature = file.signature { facts.append("signature \(signature.name) \(signature.range.size) bytes") }
                out += "      " + facts.joined(separator: ", ") + "\n"
                if let first = describedBy[resolved] {
                    out += "      contents as shown for \(first)\n"
                    continue
                }
                describedBy[resolved] = entry.chip
                out += describe(contents).map { "      \($0)\n" }.joined()
            }
        }
        out += "\n\(inventory.chips.count) chip(s), \(counts.files) file(s): \(counts.ok) ok, \(counts.files - counts.ok) with problems\n"
        return out
    }

    /// The parsed fields of one file, a line each.
    public static func describe(_ contents: FirmwareContents) -> [String] {
        switch contents {
        case .gsp(let image):
            return image.listing
        case .bootloader(let b):
            let d = b.descriptor
            let names = RISCVUcodeDescriptor.fieldNames.filter { d.fields[$0] != nil }
            return [binLine(b.bin), "RM_RISCV_UCODE_DESC (\(d.encodedSize) bytes):"]
                + stride(from: 0, to: names.count, by: 3).map { i in
                    "  " + names[i..<min(i + 3, names.count)].map { "\($0) \(hex(d.fields[$0] ?? 0))" }.joined(separator: ", ")
                }
        case .booter(let b):
            let h = b.hsHeader, l = b.loadHeader
            return [
                binLine(b.bin),
                "HS header v2: sig_prod \(hex(h.sigProdOffset))+\(hex(h.sigProdSize)) (\(b.signatureCount) signature(s) of \(h.sigProdSize / max(b.signatureCount, 1)) bytes), "
                    + "patch_loc -> \(hex(b.patchLocation)), patch_sig -> \(b.patchSignatureIndex)",
                "metadata: fuse_ver \(b.fuseVersion), engine_id \(hex(b.engineID)), ucode_id \(b.ucodeID)",
                "load header v2: os code \(hex(l.osCodeOffset))+\(hex(l.osCodeSize)), os data \(hex(l.osDataOffset))+\(hex(l.osDataSize)), apps "
                    + l.apps.map(\.description).joined(separator: " "),
            ]
        case .falconBootloader(let b):
            let d = b.descriptor
            return [
                binLine(b.bin),
                "bl_desc: start_tag \(hex(d.startTag)) (IMEM \(hex(UInt64(d.startTag) << 8))), dmem_load_off \(hex(d.dmemLoadOffset)), "
                    + "code \(hex(d.codeOffset))+\(hex(d.codeSize)), data \(hex(d.dataOffset))+\(hex(d.dataSize))",
            ]
        case .fmc(let f):
            return fmcLines(f)
        }
    }

    private static func fmcLines(_ f: FMCImage) -> [String] {
        ["FMC: image \(f.image), hash \(f.hash.count) bytes (SHA-384), signature \(f.signature.count) bytes, public key \(f.publicKey.count) bytes"]
    }

    private static func binLine(_ b: NVBinHeader) -> String {
        "bin header: magic \(hex(b.binMagic)), version \(b.binVersion), bin_size \(hex(b.binSize)), header at \(hex(b.headerOffset)), data \(b.payload)"
    }
}

/// `0x...` lower-case hex.
func hex<T: BinaryInteger>(_ v: T) -> String { "\(hex: v)" }

/// Left-aligns `s` in a column of `width` characters.
func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
