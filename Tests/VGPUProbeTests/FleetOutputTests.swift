import Foundation
import Testing
import VGPUTestSupport

/// The fleet outputs against the real consumers: Prometheus' own linter, a real node_exporter serving
/// the textfile, and Kubernetes' label rules for the Node Feature Discovery file.
@Suite(.enabled(if: FleetTools.shouldRun, Comment(rawValue: FleetTools.skipReason)))
struct FleetOutputTests {
    /// Runs `tool` with `input` on standard input; standard output and error together, and the status.
    func run(_ tool: String, _ arguments: [String], input: Data = Data()) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    func exposition(_ host: String, firmware: Bool) throws -> String {
        let extra = firmware ? ["--firmware-root", RealFirmware.root] : ["--no-firmware"]
        let r = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root(host), "--format", "prometheus"] + extra)
        #expect([0, 1].contains(r.status), "\(host): \(r.stderr)")
        return r.stdout
    }

    /// The alert rules (deploy/prometheus) raise an alert for every check that fails on every fixture
    /// host: `promtool test rules` evaluates them over the probe's own exposition, held for 30 minutes.
    /// A failed firmware check goes to VGPUKitFirmwareNotVerified where its `firmware_verified` sample
    /// is there, else to VGPUKitGPUCheckFailed; `support` has a rule of its own (an hour). main's rules
    /// left a firmware check that failed with no release known (the `drivers` host) unalerted.
    @Test(arguments: FixtureHosts.all)
    func everyFailedCheckRaisesAnAlert(host: String) throws {
        let label = try Regex(#"(\w+)="([^"]*)""#)
        var series: [String] = [], verified: Set<String> = [], failed: [(address: String, check: String)] = []
        for line in try exposition(host, firmware: true).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let metric = String(line[..<space]), value = line[line.index(after: space)...]
            let labels = Dictionary(metric.matches(of: label).compactMap { m in
                m.output[1].substring.flatMap { k in m.output[2].substring.map { (String(k), String($0)) } }
            }) { first, _ in first }
            series.append("      - series: '" + (metric.contains("{") ? metric.replacingOccurrences(of: "{", with: "{instance=\"node\",") : metric + "{instance=\"node\"}")
                          + "'\n        values: '\(value)x30'")
            if metric.hasPrefix("vgpukit_gpu_firmware_verified{"), let address = labels["address"] { verified.insert(address) }
            if metric.hasPrefix("vgpukit_gpu_check{"), value == "0", let address = labels["address"], let check = labels["check"], check != "support" {
                failed.append((address, check))
            }
        }
        let expected = failed.map { f in
            f.check == "firmware" && verified.contains(f.address)
                ? "          - labels: '{alertname=\"VGPUKitFirmwareNotVerified\", address=\"\(f.address)\"}'\n            value: 1"
                : "          - labels: '{alertname=\"VGPUKitGPUCheckFailed\", address=\"\(f.address)\", check=\"\(f.check)\"}'\n            value: 1"
        }
        let rules = RealFirmware.packageRoot.appendingPathComponent("deploy/prometheus/vgpukit-rules.yml").path
        let test = """
            rule_files:
              - \(rules)
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
            \(series.joined(separator: "\n"))
                promql_expr_test:
                  - expr: count by (alertname, address, check) (ALERTS{alertstate="firing", alertname=~"VGPUKitGPUCheckFailed|VGPUKitFirmwareNotVerified"})
                    eval_time: 20m
                    exp_samples:\(expected.isEmpty ? " []" : "\n" + expected.joined(separator: "\n"))

            """
        let dir = try ScratchDirectory("rules")
        let file = try dir.write("test.yml", Array(test.utf8))
        let r = try run(FleetTools.promtool, ["test", "rules", file])
        #expect(r.status == 0, "\(host): \(r.output)")
        if host == "drivers" { #expect(failed.contains { $0.check == "firmware" && !verified.contains($0.address) }, "the case main missed") }
    }

    /// `promtool check metrics` finds nothing to say about any host's exposition.
    @Test func promtoolAcceptsEveryHostsExposition() throws {
        for host in FixtureHosts.all {
            let text = try exposition(host, firmware: false)
            let check = try run(FleetTools.promtool, ["check", "metrics"], input: Data(text.utf8))
            #expect(check.status == 0 && check.output.isEmpty, "\(host): \(check.output)")
        }
        let verified = try exposition("l40-two-gpus", firmware: RealFirmware.shouldRun)
        #expect(verified.contains("vgpukit_gpu_ready{address=\"0000:41:00.0\",chip=\"AD102\",board=\"L40\"} 1\n"))
        #expect(verified.contains("vgpukit_gpu_check{address=\"0000:c1:00.0\",chip=\"AD102\",check=\"vfs-enabled\"} 0\n"))
        #expect(try run(FleetTools.promtool, ["check", "metrics"], input: Data(verified.utf8)).status == 0)
        // The linter is not a rubber stamp: a counter without _total is refused.
        let bad = "# HELP bad_count x\n# TYPE bad_count counter\nbad_count 1\n"
        #expect(try run(FleetTools.promtool, ["check", "metrics"], input: Data(bad.utf8)).output.contains("_total"))
    }

    /// A label value from sysfs cannot forge a sample or break the file: a driver link named with "\r\n"
    /// (one Swift `Character`, which main's escaper never matched) or with a quote and a combining mark.
    @Test(arguments: ["nvidia\r\nvgpukit_host_gpus_ready 99\r\n# x", "nvidia\"\u{301}} 1"])
    func aHostileLabelValueStaysInsideItsLabel(driver: String) throws {
        let dir = try ScratchDirectory("prometheus-label")
        let host = try FixtureHosts.copy("l40-two-gpus", in: dir)
        let link = host + "/devices/pci0000:40/0000:40:01.1/0000:41:00.0/driver"
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../../../../bus/pci/drivers/" + driver)
        let file = dir.file("vgpukit.prom")
        let export = try ProbeBinary.run(["export", "--sysfs-root", host, "--no-firmware", "--textfile", file])
        #expect([0, 1].contains(export.status), "\(export.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains("\nvgpukit_host_gpus_ready 99") && !text.contains("\r"), "\(text)")
        let check = try run(FleetTools.promtool, ["check", "metrics"], input: Data(text.utf8))
        #expect(check.status == 0 && check.output.isEmpty, "\(check.output)")
    }

    /// `vgpu-probe export --textfile` into a directory a real node_exporter's textfile collector reads;
    /// the metrics come back from its HTTP endpoint as written.
    @Test func nodeExporterServesTheExport() throws {
        let dir = try ScratchDirectory("textfile")
        let file = dir.file("vgpukit.prom")
        let export = try ProbeBinary.run(["export", "--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--no-firmware", "--textfile", file])
        #expect(export.status == 1, "the second L40 is not ready: \(export.stderr)")
        var served = ""
        for attempt in 0..<5 {
            // Below Linux's ephemeral range (32768-60999), where outgoing connections take ports.
            let port = 20_000 + Int.random(in: 0..<12_000)
            let exporter = Process()
            exporter.executableURL = URL(fileURLWithPath: FleetTools.nodeExporter)
            exporter.arguments = ["--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults", "--collector.textfile",
                                  "--collector.textfile.directory=\(dir.path)"]
            exporter.standardOutput = FileHandle.nullDevice
            exporter.standardError = FileHandle.nullDevice
            try exporter.run()
            defer { exporter.terminate(); exporter.waitUntilExit() }
            for _ in 0..<50 where exporter.isRunning {
                let fetch = try Oracle.run("python3", ["-c", "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:\(port)/metrics', timeout=2).read().decode())"])
                if fetch.status == 0 { served = fetch.output; break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            if !served.isEmpty { break }
            _ = attempt  // the port was taken or the exporter was slow: another port
        }
        try #require(!served.isEmpty, "node_exporter never answered")
        // node_exporter orders labels by name.
        #expect(served.contains("vgpukit_gpu_ready{address=\"0000:41:00.0\",board=\"L40\",chip=\"AD102\"} 1\n"), "\(served.prefix(2000))")
        #expect(served.contains("vgpukit_gpu_check{address=\"0000:c1:00.0\",check=\"vfs-enabled\",chip=\"AD102\"} 0\n"))
        #expect(served.contains("vgpukit_host_gpus_ready 1\n"))
        #expect(served.contains("node_textfile_scrape_error 0\n"))
    }

    /// Every line of every host's feature file is a valid Kubernetes label: a DNS-subdomain prefix, a
    /// name and a value of at most 63 characters, alphanumeric at the ends, `-_.` inside.
    @Test func nodeFeatureLabelsKeepKubernetesRules() throws {
        let part = try Regex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
        let subdomain = try Regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
        var seen = 0
        for host in FixtureHosts.all {
            let r = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root(host), "--no-firmware", "--format", "nfd"])
            for line in r.stdout.split(separator: "\n") where !line.hasPrefix("#") {
                let (key, value) = (line.split(separator: "=", maxSplits: 1).first.map(String.init) ?? "",
                                    line.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init) ?? "")
                let slash = try #require(key.lastIndex(of: "/"), "\(host): \(line)")
                let (prefix, name) = (String(key[..<slash]), String(key[key.index(after: slash)...]))
                #expect(prefix.count <= 253 && prefix.wholeMatch(of: subdomain) != nil, "\(host): \(line)")
                #expect(prefix.hasSuffix("feature.node.kubernetes.io"), "NFD's default-allowed namespace: \(line)")
                #expect(name.count <= 63 && name.wholeMatch(of: part) != nil, "\(host): \(line)")
                #expect(value.count <= 63 && (value.isEmpty || value.wholeMatch(of: part) != nil), "\(host): \(line)")
                seen += 1
            }
        }
        #expect(seen > 50)
        let l40 = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--no-firmware", "--format", "nfd"]).stdout
        for label in ["vgpu-ready=true", "gpus=2", "gpus-ready=1", "chip.AD102=true", "board.L40=true", "vgpu-type.NVIDIA-L40-12Q=true"] {
            #expect(l40.contains("vgpukit.feature.node.kubernetes.io/\(label)\n"), "\(label)")
        }
        let t4 = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("t4"), "--no-firmware", "--format", "nfd"]).stdout
        #expect(t4.contains("/vgpu-interface.mdev=true\n") && t4.contains("/vgpu-type.GRID-T4-1Q=true\n"), "\(t4)")
    }
}

/// `vgpu-probe export`: files replaced atomically, refused where they cannot be, and nothing else written.
struct ExportCommandTests {
    @Test func writesBothFilesAndReplacesThemWhole() throws {
        let dir = try ScratchDirectory("export")
        let prom = dir.file("vgpukit.prom"), features = dir.file("vgpukit")
        // A link where a file goes is replaced, not followed.
        let elsewhere = dir.file("elsewhere")
        try Data("keep\n".utf8).write(to: URL(fileURLWithPath: elsewhere))
        try FileManager.default.createSymbolicLink(atPath: features, withDestinationPath: elsewhere)
        let r = try ProbeBinary.run(["export", "--sysfs-root", FixtureHosts.root("t4"), "--no-firmware", "--textfile", prom, "--features", features])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: prom, encoding: .utf8).contains("vgpukit_gpu_ready{address=\"0000:3b:00.0\",chip=\"TU104\",board=\"T4\"} 1"))
        #expect(try String(contentsOfFile: features, encoding: .utf8).contains("vgpukit.feature.node.kubernetes.io/vgpu-ready=true"))
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == "keep\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: features)) == nil)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["vgpukit.prom", "vgpukit", "elsewhere"])
    }

    /// With --every, the labels expire after three periods (NFD drops them if the exporter stops), and
    /// SIGTERM, which a container's pid 1 gets no default action for, ends the loop at once with 0.
    @Test func aPeriodicExportExpiresItsLabelsAndStopsOnSIGTERM() throws {
        let dir = try ScratchDirectory("export-every")
        let features = dir.file("vgpukit")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProbeBinary.path(of: "vgpu-probe"))
        process.arguments = ["export", "--sysfs-root", FixtureHosts.root("t4"), "--no-firmware", "--features", features, "--every", "60"]
        process.standardOutput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        // Up to 60 s for the first export: under AddressSanitizer on a loaded 2-core machine the first
        // run (with its fsync) can take seconds; a terminate before it would leave no file to read.
        for _ in 0..<1200 where !FileManager.default.fileExists(atPath: features) { Thread.sleep(forTimeInterval: 0.05) }
        try #require(FileManager.default.fileExists(atPath: features), "no export within 60 s")
        Thread.sleep(forTimeInterval: 0.2)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let text = try String(contentsOfFile: features, encoding: .utf8)
        let expiry = try #require(text.split(separator: "\n").first { $0.hasPrefix("# +expiry-time=") })
        let stamp = String(expiry.dropFirst("# +expiry-time=".count))
        #expect(stamp.wholeMatch(of: try Regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")) != nil, "\(stamp)")
        #expect(stamp >= ISO8601DateFormatter().string(from: started.addingTimeInterval(175)), "three periods ahead: \(stamp)")
    }

    @Test func refusals() throws {
        let dir = try ScratchDirectory("export-refusals")
        let host = ["--sysfs-root", FixtureHosts.root("t4"), "--no-firmware"]
        #expect(try ProbeBinary.run(["export"] + host).status == 64)
        let notProm = try ProbeBinary.run(["export", "--textfile", dir.file("metrics.txt")] + host)
        #expect(notProm.status == 64 && notProm.stderr.contains("reads only *.prom files"))
        // Too short, and so long that main trapped on the labels' expiry (3 periods) or on the sleep.
        for every in ["1", "86401", "5000000000", "4000000000000000000"] {
            let r = try ProbeBinary.run(["export", "--textfile", dir.file("a.prom"), "--every", every] + host)
            #expect(r.status == 64 && r.stderr.contains("10 to 86400 seconds"), "--every \(every): \(r.status) \(r.stderr)")
        }
        let missing = try ProbeBinary.run(["export", "--textfile", dir.file("no/such/dir/a.prom")] + host)
        #expect(missing.status == 74 && missing.stderr.contains("no/such/dir/a.prom"), "\(missing.stderr)")
        let both = try ProbeBinary.run(["--json", "--format", "nfd"] + host)
        #expect(both.status == 64)
    }
}

/// Names operators recognise: pci.ids' name where the host's file lists the device, else the module's
/// board table's, and the report says which.
@Suite(.enabled(if: FleetTools.shouldRun, Comment(rawValue: FleetTools.skipReason)))
struct BoardNameTests {
    func gpu(_ pciIDs: String?) throws -> [String: Any] {
        let r = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("drivers"), "--no-firmware", "--json", "-s", "a1:00.0"]
                                    + (pciIDs.map { ["--pci-ids", $0] } ?? []))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return try #require((doc["gpus"] as? [[String: Any]])?.first)
    }

    @Test func theNameSaysWhereItCameFrom() throws {
        // Debian bookworm's pci.ids (2023) has no L40S; trixie's (2025) has.
        let old = try gpu(nil)
        #expect(old["name"] as? String == "L40S" && old["nameSource"] as? String == "module ada", "\(old)")
        let current = try gpu(FleetTools.pciIDs)
        #expect(current["name"] as? String == "AD102GL [L40S]" && current["nameSource"] as? String == "pci.ids", "\(current)")
        let text = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("drivers"), "--no-firmware", "-s", "a1:00.0"])
        #expect(text.stdout.contains("L40S [10de:26b9] (rev a1)  (name from the ada module's board table: pci.ids does not list 26b9)"), "\(text.stdout)")
        // The current file names the boards of the coming generations too.
        let ids = try String(contentsOfFile: FleetTools.pciIDs, encoding: .utf8)
        for (id, name) in [("26ba", "L20"), ("2335", "H200"), ("2901", "B200"), ("2bb5", "RTX PRO 6000")] {
            #expect(ids.split(separator: "\n").contains { $0.hasPrefix("\t\(id)  ") && $0.contains(name) }, "\(id) \(name)")
        }
    }
}

/// The failure modes operators meet, each on a fixture host, with the check, its detail and its hint.
struct FailureModeTests {
    func checks(_ host: String, _ address: String) throws -> [String: [String: Any]] {
        let r = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root(host), "--no-firmware", "--json", "-s", address])
        #expect(r.status == 1, "\(host) \(address) is not ready")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let gpu = try #require((doc["gpus"] as? [[String: Any]])?.first)
        let list = try #require((gpu["readiness"] as? [String: Any])?["checks"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.compactMap { c in (c["name"] as? String).map { ($0, c) } })
    }

    /// VFs bound to vfio-pci, or to nothing, have no nvidia/ directory: the hint hands them back.
    @Test func vfsNotBoundToNVIDIA() throws {
        let vfio = try checks("vfs-not-nvidia", "41:00.0")["vf-driver"]
        #expect(vfio?["ok"] as? Bool == false)
        let detail = vfio?["detail"] as? String ?? ""
        #expect(detail.hasPrefix("8 of 8 VFs are not bound to nvidia (8 to vfio-pci)"), "\(detail)")
        #expect(detail.contains("echo nvidia > /sys/bus/pci/devices/0000:41:00.4/driver_override") && detail.contains("driver/unbind"))
        let none = try checks("vfs-not-nvidia", "61:00.0")["vf-driver"]?["detail"] as? String ?? ""
        #expect(none.hasPrefix("4 of 4 VFs are not bound to nvidia (4 to no driver)") && !none.contains("unbind"), "\(none)")
        // Where the VFs are NVIDIA's, the check passes.
        let fine = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("a40"), "--no-firmware"])
        #expect(fine.stdout.contains("[ok] vf-driver     all 8 VFs bound to nvidia"), "\(fine.stdout)")
    }

    @Test func theIOMMUOff() throws {
        let iommu = try checks("no-iommu", "41:00.0")["iommu"]
        #expect(iommu?["ok"] as? Bool == false)
        #expect((iommu?["detail"] as? String)?.contains("boot with intel_iommu=on") == true)
    }

    /// SR-IOV capable with no VFs enabled: the exact command that enables them.
    @Test func vfsNotEnabled() throws {
        let vfs = try checks("l40-two-gpus", "c1:00.0")["vfs-enabled"]
        #expect(vfs?["ok"] as? Bool == false)
        #expect((vfs?["detail"] as? String)?.contains("sriov-manage -e 0000:c1:00.0") == true)
    }

    /// A driver release older than the chip: loaded, but the GPU has no driver; the hint names the branch.
    @Test func aDriverBranchOlderThanTheChip() throws {
        let branch = try checks("old-driver", "41:00.0")["driver-branch"]
        #expect(branch?["ok"] as? Bool == false)
        let detail = branch?["detail"] as? String ?? ""
        #expect(detail.hasPrefix("NVIDIA driver 515.105.01 predates AD104: NVIDIA's driver knows it from 520.56.06 on, "
                                 + "which is why nvidia is loaded but 0000:41:00.0 has no driver"), "\(detail)")
        #expect(detail.contains("install branch 520 or later"), "\(detail)")
        // A release that knows the chip passes; for a chip in the oldest published release no age is claimed.
        let l40 = try checks("vfs-not-nvidia", "41:00.0")["driver-branch"]?["detail"] as? String
        #expect(l40 == "NVIDIA driver 535.261.03 knows AD102 (NVIDIA's driver has since 520.56.06)")
        let t4 = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("t4"), "--no-firmware"])
        #expect(t4.stdout.contains("[ok] driver-branch NVIDIA driver 535.261.03 knows TU104 (NVIDIA's driver has since 515.43.04 or earlier)"), "\(t4.stdout)")
        // Another driver owns the GPU: the question does not arise.
        #expect(try checks("drivers", "41:00.0")["driver-branch"] == nil)
    }

    /// With SR-IOV on, the PF lists no types: the check says so and names a free VF's list.
    @Test func typesAreAskedOfTheVFsNotThePF() throws {
        let r = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40s-in-use"), "--no-firmware", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let checks = try #require(((doc["gpus"] as? [[String: Any]])?.first?["readiness"] as? [String: Any])?["checks"] as? [[String: Any]])
        let pf = try #require(checks.first { $0["name"] as? String == "pf-types" })
        // VFs 41:00.4 and 41:00.5 host vGPUs: the first free one is named.
        #expect(pf["ok"] as? Bool == true)
        #expect(pf["detail"] as? String == "with SR-IOV on, 0000:41:00.0 itself lists no vGPU type: ask its VFs, e.g. "
                + "0000:41:00.6/nvidia/creatable_vgpu_types, and create each vGPU on a free VF")
        let mdev = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("a40-mdev"), "--no-firmware"])
        #expect(mdev.stdout.contains("[ok] pf-types      with SR-IOV on, 0000:41:00.0 itself lists no vGPU type: ask its VFs, e.g. "
                                     + "0000:41:00.4/mdev_supported_types (mdevctl types lists each VF's)"), "\(mdev.stdout)")
        // A free VF passed through to vfio-pci has no nvidia/: the next free one that has is named
        // (main named 41:00.6/nvidia/creatable_vgpu_types, which was not there).
        let dir = try ScratchDirectory("pf-types-vfio")
        let host = try FixtureHosts.copy("l40s-in-use", in: dir)
        let vf = host + "/devices/pci0000:40/0000:40:01.1/0000:41:00.6"
        try FileManager.default.removeItem(atPath: vf + "/nvidia")
        try FileManager.default.removeItem(atPath: vf + "/driver")
        try FileManager.default.createSymbolicLink(atPath: vf + "/driver", withDestinationPath: "../../../../bus/pci/drivers/vfio-pci")
        let vfio = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware"])
        #expect(vfio.stdout.contains("ask its VFs, e.g. 0000:41:00.7/nvidia/creatable_vgpu_types"), "\(vfio.stdout)")
        // No VFs enabled: nothing to point at.
        let off = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l4"), "--no-firmware"])
        #expect(!off.stdout.contains("pf-types"))
    }

    /// A consumer board: no SR-IOV at all, so no remedy is offered.
    @Test func aBoardWithoutVGPU() throws {
        let sriov = try checks("rtx4090", "01:00.0")["sriov"]
        #expect(sriov?["ok"] as? Bool == false && (sriov?["detail"] as? String)?.contains("cannot host vGPUs") == true)
    }
}

/// Which vGPU interface the host's driver offers, so the tools on top can be matched to it: vGPU 17's
/// vendor-specific VFIO, mediated devices on the VFs (vGPU 16 and earlier), or on the GPU (Turing).
struct VGPUInterfaceTests {
    /// `vgpu-interface` names how a GPU hosts vGPUs, and only on one that can: not on an RTX 4090 (no
    /// SR-IOV; main labelled it `sriov`), `mdev` on an A40 whose VFs show mediated-device types (main:
    /// `sriov`), `sriov` on an L40 whose VFs are not enabled yet.
    @Test(arguments: [("rtx4090", nil), ("a40-mdev", "mdev"), ("l4", "sriov"), ("t4", "mdev")] as [(String, String?)])
    func theInterfaceLabelIsHowTheGPUHostsVGPUs(host: String, interface: String?) throws {
        let nfd = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root(host), "--no-firmware", "--format", "nfd"]).stdout
        let labels = nfd.split(separator: "\n").filter { $0.contains("/vgpu-interface.") }
        #expect(labels == (interface.map { ["vgpukit.feature.node.kubernetes.io/vgpu-interface.\($0)=true"] } ?? []), "\(nfd)")
    }

    func interface(_ host: String) throws -> [String: Any]? {
        let r = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root(host), "--no-firmware", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return (doc["gpus"] as? [[String: Any]])?.first?["vgpuInterface"] as? [String: Any]
    }

    @Test func eachInterfaceIsNamedWithWhatToolsMustUse() throws {
        #expect(try interface("l40s-in-use")?["kind"] as? String == "vendor-specific-vfio")
        let mdev = try interface("a40-mdev")
        #expect(mdev?["kind"] as? String == "mdev-vfs")
        #expect((mdev?["detail"] as? String)?.contains("tools written for vGPU 17's vendor-specific VFIO (nvidia/creatable_vgpu_types) find none") == true)
        #expect(try interface("t4")?["kind"] as? String == "mdev-gpu")
        // Nothing seen, nothing claimed.
        #expect(try interface("rtx4090") == nil)
        let text = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("a40-mdev"), "--no-firmware"])
        #expect(text.stdout.contains("  vGPU API      mediated devices on the VFs (NVIDIA vGPU 16 and earlier)"), "\(text.stdout)")
        // vf-driver names the interface the VFs show: vGPU 16's VFs have no nvidia/ directory.
        #expect(text.stdout.contains("[ok] vf-driver     all 4 VFs bound to nvidia (vGPUs are created through each VF's mdev_supported_types, as in vGPU 16 and earlier)"),
                "\(text.stdout)")
        let vfio = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40s-in-use"), "--no-firmware"])
        #expect(vfio.stdout.contains("VFs bound to nvidia (vGPUs are created through each VF's nvidia/ directory)"), "\(vfio.stdout)")
    }
}
