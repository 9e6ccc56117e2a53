import VGPUCore

/// The probe's report in Prometheus' text exposition format (version 0.0.4), for node_exporter's
/// textfile collector: one file per host, gauges only, every series labelled with the GPU's PCI address
/// and chip so a fleet can be queried per GPU (docs/fleet.md shows the queries and alert rules).
///
/// Metric families, each with HELP and TYPE once, in this order:
/// - `vgpukit_gpu_info{address,chip,architecture,board,driver,driver_version}` 1
/// - `vgpukit_gpu_ready{address,chip,board}` 1 or 0
/// - `vgpukit_gpu_check{address,chip,check}` 1 passed, 0 failed; a skipped check has no sample
/// - `vgpukit_gpu_vfs_supported` (SR-IOV TotalVFs; no `_total`, which Prometheus keeps for counters), `vgpukit_gpu_vfs_enabled`, `vgpukit_gpu_vfs_in_use{address,chip}`
/// - `vgpukit_gpu_vgpu_types_creatable{address,chip}`: types of which at least one more can be made
/// - `vgpukit_gpu_vgpu_type_fits{address,chip,type}`: how many more of each type can be made
///   (`HostReport.GPU.creatable`: 0 for a type the driver's list on a free VF does not offer)
/// - `vgpukit_gpu_firmware_verified{address,chip,release,loader}` 1 or 0
/// - `vgpukit_host_gpus`, `vgpukit_host_gpus_ready`
public enum PrometheusExposition {
    /// The exposition of `report`.
    public static func render(_ report: HostReport) -> String {
        var families: [Family] = [
            Family("vgpukit_gpu_info", "The GPU as the probe identified it; the value is always 1."),
            Family("vgpukit_gpu_ready", "1 when every readiness check made on the GPU passed, else 0."),
            Family("vgpukit_gpu_check", "One readiness check: 1 passed, 0 failed. A check not made has no sample."),
            Family("vgpukit_gpu_vfs_supported", "SR-IOV TotalVFs of the GPU."),
            Family("vgpukit_gpu_vfs_enabled", "SR-IOV VFs enabled."),
            Family("vgpukit_gpu_vfs_in_use", "VFs that host a vGPU (nvidia/current_vgpu_type is not 0)."),
            Family("vgpukit_gpu_vgpu_types_creatable", "vGPU types of which at least one more can be made on the GPU."),
            Family("vgpukit_gpu_vgpu_type_fits", "How many more vGPUs of the type fit beside those that exist; 0 when the driver does not offer the type."),
            Family("vgpukit_gpu_firmware_verified", "1 when the GSP firmware the bound driver loads verified, else 0."),
            Family("vgpukit_host_gpus", "NVIDIA GPUs the probe found."),
            Family("vgpukit_host_gpus_ready", "GPUs ready for vGPU."),
        ]
        func add(_ index: Int, _ labels: [(String, String)], _ value: Int) { families[index].samples.append((labels, value)) }
        for gpu in report.gpus {
            let id = [("address", gpu.address), ("chip", gpu.chip ?? "unknown")]
            add(0, id + [("architecture", gpu.architecture ?? "unknown"), ("board", gpu.board?.name ?? gpu.name),
                         ("driver", gpu.driver ?? "none"), ("driver_version", gpu.driverVersion ?? "")], 1)
            add(1, id + [("board", gpu.board?.name ?? gpu.name)], gpu.readiness.ready ? 1 : 0)
            for check in gpu.readiness.checks where check.skipped != true {
                add(2, id + [("check", check.name.rawValue)], check.ok ? 1 : 0)
            }
            if let s = gpu.sriov {
                add(3, id, s.totalVFs)
                add(4, id, s.enabledVFs)
            }
            // No count while a VF's vGPU is unknown: the true number could be higher.
            if gpu.vgpusUnknown == nil { add(5, id, gpu.vfs.filter { $0.vgpu != nil }.count) }
            if let types = gpu.vgpuTypes {
                add(6, id, types.filter { gpu.creatable($0) > 0 }.count)
                for t in types { add(7, id + [("type", t.name)], gpu.creatable(t)) }
            }
            if let f = gpu.firmware { add(8, id + [("release", f.release), ("loader", f.loader)], f.ok ? 1 : 0) }
        }
        add(9, [], report.counts.gpus)
        add(10, [], report.counts.ready)
        return families.filter { !$0.samples.isEmpty }.map(\.text).joined()
    }

    /// One metric family: name, help, its samples.
    private struct Family {
        let name: String, help: String
        var samples: [(labels: [(String, String)], value: Int)] = []

        init(_ name: String, _ help: String) { (self.name, self.help) = (name, help) }

        var text: String {
            var out = "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for s in samples {
                let labels = s.labels.map { "\($0.0)=\"\(PrometheusExposition.escape($0.1))\"" }.joined(separator: ",")
                out += labels.isEmpty ? "\(name) \(s.value)\n" : "\(name){\(labels)} \(s.value)\n"
            }
            return out
        }
    }

    /// A label value as the format requires: backslash, double quote and line feed escaped; any other
    /// control character (a carriage return in a driver link's name could end the sample for some
    /// parsers) becomes U+FFFD, since the format has no escape for it. Scalar by scalar, not by
    /// `Character`: "\r\n" is one grapheme, as is a quote followed by a combining mark.
    static func escape(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\"": out.append(contentsOf: "\\\"".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case _ where TerminalText.isControl(scalar): out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
