/// The probe's report as a Node Feature Discovery local feature file (`features.d`: one `name=value` per
/// line), so Kubernetes can schedule vGPU workloads on the nodes that can host them.
///
/// Every name carries the prefix `vgpukit.feature.node.kubernetes.io/`, a sub-namespace of NFD's own that
/// NFD accepts by default. Names and values keep Kubernetes' label rules (a qualified name of at most 63
/// characters after the prefix, a value of at most 63 characters, both alphanumeric at the ends with
/// `-`, `_` and `.` inside): anything else in a board or type name becomes `-`, and a name that cannot be
/// made valid is left out rather than written broken.
///
/// Labels: `vgpu-ready` (true when at least one GPU is ready), `gpus`, `gpus-ready`, and per GPU
/// `architecture.<Name>`, `chip.<CHIP>`, `board.<Board>`, `vgpu-interface.<sriov|mdev>` (on a GPU that
/// can host vGPUs: `interface`), and for each ready GPU `vgpu-type.<Type>` for every type of which one
/// more can be made (`HostReport.GPU.creatable`: it fits, and the driver offers it where its list was
/// read), all `true`.
public enum NodeFeatures {
    /// The label prefix.
    public static let prefix = "vgpukit.feature.node.kubernetes.io/"

    /// The feature file for `report`: sorted, without duplicates.
    ///
    /// - Parameter expiry: an RFC 3339 time after which NFD (v0.15 and later) drops the labels, for a
    ///   file rewritten on a period: a node whose exporter stopped does not keep `vgpu-ready=true`.
    public static func render(_ report: HostReport, expiry: String? = nil) -> String {
        var labels: [String: String] = [
            "vgpu-ready": report.counts.ready > 0 ? "true" : "false",
            "gpus": String(report.counts.gpus),
            "gpus-ready": String(report.counts.ready),
        ]
        func flag(_ group: String, _ name: String?) {
            guard let name, let value = sanitized(name) else { return }
            let key = group + "." + value
            if key.count <= 63 { labels[key] = "true" }
        }
        for gpu in report.gpus {
            flag("architecture", gpu.architecture)
            flag("chip", gpu.chip)
            flag("board", gpu.board?.name)
            flag("vgpu-interface", interface(gpu))
            guard gpu.readiness.ready else { continue }
            for t in gpu.vgpuTypes ?? [] where gpu.creatable(t) > 0 { flag("vgpu-type", t.name) }
        }
        var out = expiry.map { "# +expiry-time=\($0)\n" } ?? ""
        out += "# vgpu-probe: vGPU readiness of this node (NFD local source, features.d)\n"
        for key in labels.keys.sorted() { out += "\(prefix)\(key)=\(labels[key] ?? "")\n" }
        return out
    }

    /// How the GPU hosts vGPUs: `mdev` where they are mediated devices (on the GPU itself, Turing; or on
    /// its VFs, vGPU 16 and earlier), `sriov` where they are made through each VF's `nvidia/` directory;
    /// nil for a GPU that hosts none (no usable SR-IOV, or no module knows its chip). The interface the
    /// functions show decides; before any shows one (VFs not enabled), the GPU's own checks do.
    static func interface(_ gpu: HostReport.GPU) -> String? {
        if let kind = gpu.vgpuInterface?.kind { return kind == .vendorSpecificVFIO ? "sriov" : "mdev" }
        guard gpu.chip != nil else { return nil }
        if gpu.readiness.checks.contains(where: { $0.name == .mdevTypes }) { return "mdev" }
        return gpu.readiness.checks.contains { $0.name == .sriov && $0.ok } ? "sriov" : nil
    }

    /// `name` in label characters: runs of anything but letters, digits, `-`, `_` and `.` become one
    /// `-`, and the ends are trimmed to alphanumerics; nil when nothing is left or it is over 63.
    static func sanitized(_ name: String) -> String? {
        var out = ""
        for c in name.unicodeScalars {
            let allowed = c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_" || c == ".")
            if allowed { out.unicodeScalars.append(c) } else if !out.hasSuffix("-") { out += "-" }
        }
        let alnum: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber) }
        while let first = out.first, !alnum(first) { out.removeFirst() }
        while let last = out.last, !alnum(last) { out.removeLast() }
        return out.isEmpty || out.count > 63 ? nil : out
    }
}
