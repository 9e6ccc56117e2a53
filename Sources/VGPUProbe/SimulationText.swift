import VGPUCore
import VGPUManager

/// Renders a simulation report: the host, each step with what it did, then the allocation map.
public enum SimulationText {
    public static func render(_ r: Simulation.Report) -> String {
        let h = r.host
        let names = r.planNames
        func name(_ device: DeviceID) -> String { names[device] ?? device.description }
        func who(_ id: DeviceID?, _ quarantined: DeviceID?, _ owner: String?) -> String {
            guard let owner else { return "free" }
            if let id, let name = names[id] { return name }
            if let q = quarantined { return "quarantined (\(name(q)))" }
            return owner
        }
        var out = "Simulated \(h.board) (\(h.chip), \(h.module) support, GSP \(h.release)) as \(h.address), from \(h.source)\n"
        if let note = h.driverNote { out += "  note: \(note)\n" }
        out += "  \(h.framebufferMiB / 1024) GiB FB for vGPUs, \(h.totalVFs) VFs (offset \(h.firstVFOffset), stride \(h.vfStride)), "
        out += "BAR1 \(Sizes.describe(h.bar1Size)), VMMU segment \(h.policy.vmmuSegmentMiB) MiB, "
        out += h.policy.equalSizeOnly ? "equal-size mode\n" : "mixed sizes\n"
        if let enabled = h.enabledVFs {
            out += "  on the host: \(enabled) of \(h.totalVFs) VFs enabled"
            out += h.existing.map { "; in use, made before step 1: " + $0.map { "\($0.type) on VF \($0.vf) (\($0.address))" }.joined(separator: ", ") } ?? ""
            out += "\n"
        }
        out += "  GSP-RM booted in vGPU mode: \(Sizes.describe(h.gspHeapSize)) heap, WPR2 at \(hex: h.wpr2Start)\n"

        for (i, step) in r.steps.enumerated() {
            out += "\nstep \(i + 1): \(step.step)  [\(step.verdict)]\n"
            for a in step.actions {
                if let v = a.created {
                    out += "  #\(a.number ?? 0) \(v.type): VF \(v.vf) \(v.address) gfid \(v.gfid), FB \(v.framebuffer) (guest \(Sizes.describe(v.guestSegment.size)), "
                    out += "heap \(Sizes.describe(v.heap.size)) at \(hex: v.heap.start) via BAR1 \(hex: v.bar1.start)), "
                    out += "channels \(v.channels.start)-\(v.channels.end - 1)\n"
                } else if let t = a.teardown {
                    // A destroy names its vGPU; a failed create's teardown is its unwinding.
                    let steps = t.steps.map { $0.ok ? $0.step.rawValue : "\($0.step.rawValue) FAILED (\($0.detail ?? ""))" }.joined(separator: ", ")
                    out += (a.number.map { "  #\($0) destroyed: " } ?? "  unwinding: ") + steps + "\n"
                    if let m = a.message { out += "     \(m)\n" }
                } else {
                    let failure = a.planError == true ? "plan error: " : "refused: "
                    out += "  " + (a.number.map { "#\($0) " } ?? "") + (a.ok ? "" : failure) + (a.message ?? "") + "\n"
                }
            }
            if let after = step.map { out += "  allocation map after the step\n" + map(after, indent: "    ", who: who, name: name) }
        }

        out += "\nAllocation map\n" + map(r.map, indent: "  ", who: who, name: name)

        let met = r.steps.filter(\.met).count
        out += "\n\(met) of \(r.steps.count) steps as expected; \(r.live.count) vGPU(s) live; "
        out += "core: \(r.created) created, \(r.initFailures) init failure(s), \(r.released) released\n"
        return out
    }

    /// An allocation map as the report prints it, each line after `indent`: the FB blocks, channel ids
    /// and BAR1 windows with their holders (`who`), then the VFs and the quarantine (each device as `name`
    /// gives it).
    static func map(_ m: VGPUAllocationMap, indent: String, who: (DeviceID?, DeviceID?, String?) -> String,
                    name: (DeviceID) -> String) -> String {
        var out = "\(indent)framebuffer\n"
        for b in m.framebuffer {
            out += "\(indent)  \(pad(b.range.description, 27)) \(pad(Sizes.describe(b.range.size), 8)) \(who(b.id, b.quarantined, b.owner))\n"
        }
        out += "\(indent)channels\n"
        for b in m.channels {
            out += "\(indent)  \(pad("\(b.range.start)-\(b.range.end - 1)", 27)) \(pad(String(b.range.size), 8)) \(who(b.id, b.quarantined, b.owner))\n"
        }
        out += "\(indent)BAR1 windows\n"
        for b in m.bar1 { out += "\(indent)  \(pad(b.range.description, 27)) \(pad(Sizes.describe(b.range.size), 8)) \(who(b.id, b.quarantined, b.owner))\n" }
        if m.bar1.isEmpty { out += "\(indent)  none\n" }
        let used = m.vfs.filter { $0.owner != nil }
        out += "\(indent)VFs: \(m.vfs.count) enabled, \(used.count) in use"
            + (used.isEmpty ? "" : ": " + used.map { "\($0.vf)=\(who($0.id, $0.quarantined, $0.owner).split(separator: " ").first ?? "")" }.joined(separator: " ")) + "\n"
        if !m.quarantine.isEmpty {
            out += "\(indent)quarantined after failed teardowns: " + m.quarantine.map { name($0.id) }.joined(separator: ", ") + "\n"
        }
        return out
    }
}
