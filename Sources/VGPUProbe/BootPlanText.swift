import VGPUCore

/// Renders a boot plan for people: heap, layout, meta (fields and hex), steps.
public enum BootPlanText {
    public static func render(_ r: BootPlanning.Report) -> String {
        let p = r.plan
        var out = "GSP boot plan: \(p.chip) (\(r.module) support)"
        if let a = r.address { out += " at \(a)" }
        if let b = r.board { out += ", \(b)" }
        let mode = if case .vgpu = p.mode { "vGPU" } else { "bare metal" }
        out += ", release \(p.release), \(mode), FB \(Sizes.describe(p.layout.framebufferSize))\n"
        out += "\nHeap: \(Sizes.describe(p.heap.size)) (\(p.heap.terms.joined(separator: "; ")))\n"
        out += "  VF partition count \(p.heap.vfPartitionCount); scrubber \(p.heap.requiresScrubber ? "required (more than the pre-scrubbed top of FB from gspFwRsvdStart up)" + (p.heap.scrubber.map { ", \($0)" } ?? ", which \(p.driver) cannot run (see the warning)") : "not needed"); rules of \(p.driver)\n"
        for note in p.notes { out += "  note: \(note)\n" }
        out += "\nLayout (top of VRAM down):\n"
        for region in p.layout.regions.reversed() {
            out += "  \(pad(region.name.rawValue, 14)) 0x\(hexDigits: region.start, width: 10) - 0x\(hexDigits: region.end, width: 10)  \(Sizes.describe(region.size))\n"
        }
        out += "\nGspFwWprMeta (\(p.metaVariant.rawValue), 256 bytes):\n"
        for f in p.meta.fields(p.metaVariant) {
            out += "  +0x\(hexDigits: f.offset, width: 2) \(pad(f.name, 26)) \(hex: f.value)\n"
        }
        for (i, line) in r.metaHex.enumerated() { out += "  \(hexDigits: i * 32, width: 2): \(line)\n" }
        if let cot = p.chainOfTrust, let hex = r.chainOfTrustHex {
            out += "\nChain of trust to the FSP (NVDM_PAYLOAD_COT version \(cot.version), \(FSPChainOfTrust.size) bytes, NVDM type 0x14):\n"
            out += "  gspFmcSysmemOffset \(hex: cot.gspFmcSysmemOffset)\(cot.gspFmcSysmemOffset == 0 ? " (filled at boot)" : ""), "
                + "frtsSysmem \(hex: cot.frtsSysmemOffset)+\(hex: cot.frtsSysmemSize), "
                + "frtsVidmemOffset \(hex: cot.frtsVidmemOffset) (from the end of FB), frtsVidmemSize \(hex: cot.frtsVidmemSize)\n"
            out += "  hash384 \(hexBytes: cot.hash384)\n"
            out += "  publicKey \(cot.publicKey.count) bytes, signature \(cot.signature.count) bytes (from the FMC image), "
                + "gspBootArgsSysmemOffset \(hex: cot.gspBootArgsSysmemOffset)\n"
            out += "  packet (MCTP + NVDM header, then the payload):\n"
            for (i, line) in hex.enumerated() { out += "  \(hexDigits: i * 32, width: 3): \(line)\n" }
        }
        if let v = r.vfInfo {
            if let f = v.fields, let hex = v.hex {
                out += "\nGSP_VF_INFO (40 bytes): totalVFs \(f.totalVFs), firstVFOffset \(f.firstVFOffset), "
                out += "BAR0 \(hex: f.firstVFBar0Address) BAR1 \(hex: f.firstVFBar1Address) BAR2 \(hex: f.firstVFBar2Address), "
                out += "64-bit \(f.bar0Is64Bit)/\(f.bar1Is64Bit)/\(f.bar2Is64Bit)\n  \(hex)\n"
            } else if let why = v.unavailable {
                out += "\nGSP_VF_INFO: none: \(why)\n"
            }
        }
        if let e = r.engines {
            out += "\nEngines (\(e.numbering) numbering, LAST \(hex: e.last)): \(e.engines.map(\.description).joined(separator: ", "))\n  bitmap \(e.bitmap.joined(separator: " "))\n"
        }
        out += "\nBoot steps:\n"
        for (i, s) in p.steps.enumerated() { out += step(i + 1, s) }
        out += "\nUnload steps:\n"
        for (i, s) in p.unloadSteps.enumerated() { out += step(i + 1, s) }
        out += "\nFirmware: " + r.firmwareFiles.joined(separator: ", ") + "\n"
        for w in r.warnings { out += "warning: \(w)\n" }
        if let sim = r.simulation {
            out += "\nSimulated boot and unload: \(sim.ok ? "ok" : "FAILED")\n"
            for line in sim.log { out += "  - \(line)\n" }
            if let e = sim.error { out += "  ! \(e)\n" }
            if let why = sim.rejection { out += "  ! the simulated GSP refused the meta: \(why)\n" }
        }
        return out
    }

    static func step(_ n: Int, _ s: GSPBootStep) -> String {
        var line = "  \(pad(String(n) + ".", 4))[\(s.engine)] \(s.action)"
        if let reg = s.register { line += "  reg \(hex: reg)" }
        if let v = s.value { line += " = \(hex: v)" }
        if let image = s.image { line += "  (\(image))" }
        return line + "\n"
    }
}
