/// Renders a host report for an operator: one block per GPU, the verdict first-class, VFs summarized.
public enum HostReportText {
    /// The report as text.
    public static func render(_ r: HostReport, verbose: Bool = false) -> String {
        var out = "vgpu-probe: \(r.functionsScanned) PCI functions under \(r.sysfsRoot); firmware root \(r.firmwareRoot)\n"
        for w in r.warnings { out += "warning: \(w)\n" }
        if let why = r.pciIDsUnread { out += "warning: pci.ids cannot be read (\(why)): names come from the modules' board tables\n" }
        if r.gpus.isEmpty { out += "\nNo NVIDIA GPU found.\n" }
        for g in r.gpus {
            out += "\n\(g.address)  \(g.name) [\(g.vendorID):\(g.deviceID ?? "????")]" + (g.revision.map { " (rev \($0))" } ?? "")
            // Say where a name not from pci.ids came from: an operator compares it with lspci's.
            if case .module(let module) = g.nameSource {
                let why = r.pciIDsUnread == nil ? "pci.ids does not list \(g.deviceID ?? "it")" : "pci.ids was not read"
                out += "  (name from the \(module) module's board table: \(why))"
            }
            out += "\n"
            let chip = g.chip.map { "\($0) (\(g.architecture ?? "?"), \(g.module ?? "?") support)" } ?? "not covered by this build"
            out += "  chip          \(chip), identified by \(g.identity.source)"
            if g.identity.source == .boot42, let b = g.identity.boot42 { out += " = \(hex8(b))" }
            out += "\n"
            if let note = g.identity.note, g.identity.source != .boot42 { out += "                \(note)\n" }
            if let b = g.board { out += "  board         \(b.name), \(size(b.framebuffer)) framebuffer\n" }
            var host = ["driver \(g.driver.map { d in g.driverVersion.map { "\(d) \($0)" } ?? d } ?? "none")", "IOMMU group \(g.iommuGroup.map(String.init) ?? "none")"]
            if let n = g.numaNode { host.append("NUMA \(n)") }
            if let l = g.link {
                host.append("link " + [l.gtPerSecond.map { "\($0) GT/s PCIe" }, l.width.map { "x\($0)" }].compactMap { $0 }.joined(separator: " "))
            }
            if let s = g.runtimeStatus { host.append("power \(s)") }
            out += "  host          " + host.joined(separator: ", ") + "\n"
            out += "  BARs          " + g.bars.map { "\($0.index): \(size($0.size)) \($0.kind)\($0.prefetchable ? " pref" : "") @\(hex($0.start))" }.joined(separator: "; ") + "\n"
            if let s = g.sriov {
                out += "  SR-IOV        \(s.enabledVFs)/\(s.totalVFs) VFs enabled, offset \(s.firstVFOffset.map(String.init) ?? "?"), stride \(s.vfStride.map(String.init) ?? "?"), VF device \(s.vfDeviceID ?? "?")"
                out += s.capabilityOffset.map { " (capability at \(hex: $0))" } ?? " (from sriov_* files)"
                out += "\n"
                if !s.vfBARs.isEmpty {
                    out += "  VF BARs       " + s.vfBARs.map { "\($0.index): \(size($0.sizePerVF))\($0.is64Bit ? " 64-bit" : "")" }.joined(separator: "; ") + " per VF\n"
                }
            } else if let why = g.sriovUnknown {
                out += "  SR-IOV        unknown: \(why)\n"
            } else {
                out += "  SR-IOV        none\n"
            }
            if let v = g.vfInfo {
                if let f = v.fields, let hex = v.hex {
                    out += "  GSP_VF_INFO   totalVFs \(f.totalVFs), firstVFOffset \(f.firstVFOffset), BARs \(hex: f.firstVFBar0Address)"
                    out += "\(f.bar0Is64Bit ? "/64" : "/32") \(hex: f.firstVFBar1Address)\(f.bar1Is64Bit ? "/64" : "/32")"
                    out += " \(hex: f.firstVFBar2Address)\(f.bar2Is64Bit ? "/64" : "/32")\n"
                    // The structure's raw bytes are for driver engineers comparing with a trace: -v.
                    if verbose { out += "                \(hex)\n" }
                } else if let why = v.unavailable {
                    out += "  GSP_VF_INFO   none: \(why)\n"
                }
            }
            if let e = g.engines {
                out += "  engines       \(e.engines.count) (\(e.numbering))" + (verbose ? ": bitmap \(e.bitmap.joined(separator: " "))" : "") + "\n"
            }
            if let types = g.vgpuTypes {
                for series in ["Q", "B", "A", "C"] {
                    let row = types.filter { $0.series == series && $0.fits > 0 }
                    guard !row.isEmpty else { continue }
                    out += "  vGPU \(series)-types  " + row.map { "\($0.name.split(separator: "-").last ?? "") x\($0.fits)" }.joined(separator: ", ") + "\n"
                }
                // Counted on the VFs enabled (ProbedGPU.placeableVFs): say so where that is fewer than the GPU has.
                if let s = g.sriov, g.vgpuInterface?.kind != .mediatedDevicesOnGPU, s.enabledVFs > 0, s.enabledVFs < s.totalVFs {
                    out += "                counted on the \(s.enabledVFs) VFs enabled of \(s.totalVFs): enabling more takes sriov_numvfs through 0, which ends every vGPU\n"
                }
            }
            if let i = g.vgpuInterface { out += "  vGPU API      \(i.detail)\n" }
            if let c = g.creatableTypes {
                out += "  driver offers \(c.types.count) type(s) on \(c.vf)" + (c.differences.isEmpty ? ", matching the catalogue\n" : ":\n")
                for d in c.differences { out += "                - \(d)\n" }
            }
            if let fw = g.firmware {
                let how = fw.pinned ? "verified" : "checked by contents"
                out += "  firmware      \(fw.release), as \(fw.loader) loads it: \(fw.ok ? "ok (\(fw.files) files \(how))" : "PROBLEMS")\n"
                if verbose {
                    for path in fw.paths { out += "                \(path)\n" }
                    if let note = fw.note { out += "                \(note)\n" }
                }
            }
            let unchecked = g.readiness.notChecked.map { " (not checked: \($0.map(\.rawValue).joined(separator: ", ")))" } ?? ""
            out += "  vGPU ready    \(g.readiness.ready ? "YES" : "NO")\(unchecked)\n"
            for c in g.readiness.checks { out += "    [\(c.skipped == true ? "--" : c.ok ? "ok" : "!!")] \(pad(c.name.rawValue, 13)) \(c.detail)\n" }
            if let first = g.vfs.first, let last = g.vfs.last {
                let groups = g.vfs.compactMap(\.iommuGroup)
                out += "  VFs           \(g.vfs.count): \(first.address) ... \(last.address)"
                if let lo = groups.min(), let hi = groups.max() { out += ", IOMMU groups \(lo)...\(hi)" }
                let drivers = Set(g.vfs.map { $0.driver ?? "none" }).sorted()
                out += ", driver \(drivers.joined(separator: "/"))\n"
                // Unknown: a VF whose vGPU cannot be read, or one the scan did not read at all.
                let inUse = g.vfs.compactMap(\.vgpu), unknown = g.vgpusUnknown?.count ?? 0
                let counted = g.vgpusUnknown == nil && g.vgpusUnsized == nil
                if !inUse.isEmpty || unknown > 0 {
                    let free = g.vfs.filter { $0.vgpu == nil && $0.vgpuUnknown == nil }.count
                    let byType = Dictionary(grouping: inUse) { $0.name ?? "type \($0.id)" }.map { "\($0.key) x\($0.value.count)" }.sorted()
                    out += "  vGPUs         \(inUse.count) in use" + (byType.isEmpty ? "" : " (\(byType.joined(separator: ", ")))")
                        + (unknown > 0 ? ", \(unknown) unknown" : "") + ", \(free) VFs free; "
                        + (!counted ? "what more fits is not counted (see notes)\n"
                            : g.vgpuTypes?.contains { $0.fits > 0 } == true ? "the types above count what more fits\n" : "no more vGPUs fit\n")
                }
                if verbose { for vf in g.vfs { out += "                \(vf.address) driver \(vf.driver ?? "none") group \(vf.iommuGroup.map(String.init) ?? "none")\n" } }
            }
            let shown = verbose ? g.diagnostics : Array(g.diagnostics.prefix(5))
            for d in shown { out += "  note          \(d)\n" }
            if shown.count < g.diagnostics.count { out += "  note          ... \(g.diagnostics.count - shown.count) more (--verbose)\n" }
        }
        if !r.otherNVIDIAFunctions.isEmpty { out += "\nOther NVIDIA functions: " + r.otherNVIDIAFunctions.joined(separator: "; ") + "\n" }
        let ready = r.gpus.filter(\.readiness.ready).count
        out += "\n\(r.gpus.count) GPU(s), \(ready) ready for vGPU\n"
        if r.gpus.contains(where: { $0.readiness.notChecked != nil }) { out += "[--] not checked: the verdict does not cover it\n" }
        return out
    }

    /// One line per GPU (`-q`): address, board (pci.ids' name when the module's tables lack it), chip,
    /// and `ready` or the first failed check with its detail, for a fleet's logs and a quick look.
    public static func renderLines(_ r: HostReport) -> String {
        r.gpus.map { g in
            let verdict: String
            if g.readiness.ready {
                verdict = "ready" + (g.readiness.notChecked.map { " (not checked: \($0.map(\.rawValue).joined(separator: ", ")))" } ?? "")
            } else if let failed = g.readiness.checks.first(where: { !$0.ok && $0.skipped != true }) {
                verdict = "NOT ready: \(failed.name): \(failed.detail)"
            } else {
                verdict = "NOT ready"
            }
            return "\(g.address)  \(g.board?.name ?? g.name)  \(g.chip ?? "-")  \(verdict)\n"
        }.joined()
    }

    static func size(_ bytes: UInt64) -> String {
        for (unit, shift) in [("GiB", UInt64(30)), ("MiB", 20), ("KiB", 10)] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift) \(unit)"
        }
        return "\(bytes) B"
    }
}
