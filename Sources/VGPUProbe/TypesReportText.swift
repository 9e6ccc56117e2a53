/// Renders the types report as a table, then the placement.
public enum TypesReportText {
    public static func render(_ r: TypesReport) -> String {
        var out = "\(r.board) (\(r.chip), 10de:\(r.pciDeviceID)), \(r.framebufferMiB / 1024) GiB"
        if let a = r.address { out += ", GPU \(a)" }
        out += r.vgpuInterface == .mediatedDevices ? ", mediated devices on the PF" : ", VFs \(r.vfs.map(String.init) ?? "unknown")"
        out += "; VMMU segment \(r.policy.vmmuSegmentMiB) MiB, \(r.policy.vgpuChannels) vGPU channels"
        out += r.policy.equalSizeOnly ? ", equal-size mode\n" : ", mixed sizes allowed\n"
        if let inUse = r.inUse, !inUse.isEmpty {
            // What exists counts first: "fits" below is how many more.
            out += "in use: \(inUse.count) vGPU(s): " + inUse.map { "\($0.vgpu?.name ?? "type \($0.vgpu?.id ?? 0)") on \($0.address)" }.joined(separator: ", ")
            out += "; 'fits' counts what more fits beside them\n"
        }
        out += "\n"
        let header = ["id", "type", "FB", "heap", "heads", "max res", "max", "FB/vGPU", "chan", "fits", "next one fails on"]
        var rows: [[String]] = [header]
        for row in r.types {
            let t = row.type, c = row.capacity
            // An assumed value (no source gives it) carries a `~`, explained under the table.
            let assumed = Set(t.assumed ?? [])
            func mark(_ field: String, _ text: String) -> String { assumed.contains(field) ? "~" + text : text }
            rows.append([mark("id", t.id.map(String.init) ?? "-"), mark("name", t.name), "\(t.framebufferMiB)M",
                         mark("gspHeapMiB", t.gspHeapMiB.map { "\($0)M" } ?? "-"), mark("heads", "\(t.heads)"),
                         mark("maxResolution", t.maxResolution ?? "-"), mark("maxInstances", "\(t.maxInstances)"), "\(c.framebufferPerVGPUMiB)M",
                         "\(c.channelsPerVGPU)", "\(c.fits)", c.limit])
        }
        let widths = header.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        for row in rows { out += row.enumerated().map { pad($0.element, widths[$0.offset]) }.joined(separator: "  ") + "\n" }
        if let p = r.placement {
            out += "\nPlacement: \(p.placedCount) of \(p.placements.count) placed; FB \(p.framebufferUsedMiB) MiB used, \(p.framebufferFreeMiB) free; "
            out += "channels \(p.channelsUsed) used, \(p.channelsFree) free; VFs \(p.vfsUsed) used\(p.vfsFree.map { ", \($0) free" } ?? "")\n"
            // Runs of the same outcome for the same type are one line ("5-12"), so eight identical
            // refusals read as one.
            var i = 0
            while i < p.placements.count {
                let pl = p.placements[i]
                var j = i
                while j + 1 < p.placements.count, p.placements[j + 1].type == pl.type, p.placements[j + 1].placed == pl.placed,
                      p.placements[j + 1].reason == pl.reason { j += 1 }
                let number = i == j ? String(i + 1) : "\(i + 1)-\(j + 1)"
                out += "  \(pad(number, 5)) \(pad(pl.type, 24)) \(pl.placed ? "placed" : "NOT placed: \(pl.reason ?? "")")\n"
                i = j + 1
            }
            if let placed = r.placedInMixedSizeMode {
                out += "  hint: in NVIDIA's mixed-size mode \(placed) of \(p.placements.count) would be placed: add --mixed-sizes (where the board and driver allow it)\n"
            }
        }
        if r.types.contains(where: { !($0.type.assumed ?? []).isEmpty }) {
            out += "\n~ assumed: no source gives this value; the catalogue infers it (its notes say how)\n"
        }
        out += "\nCatalogue describes NVIDIA vGPU driver \(r.driverRelease ?? "release not recorded")\n"
        out += "Sources: " + r.sources.joined(separator: "; ") + "\n"
        return out
    }
}
