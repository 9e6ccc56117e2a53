import Foundation
import Testing
import VGPUTestSupport

/// The firmware a GPU's bound driver really loads, verified per GPU: NVIDIA's driver its own version's
/// image, nouveau the newest linux-firmware release present, nova-core 570.144; vfio-pci and no driver
/// load none, and say so.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct DriverFirmwareTests {
    func probeJSON(_ root: String, firmware: String = RealFirmware.root) throws -> (status: Int32, gpus: [String: [String: Any]]) {
        let run = try ProbeBinary.run(["--sysfs-root", root, "--firmware-root", firmware, "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
        let gpus = try #require(doc["gpus"] as? [[String: Any]])
        return (run.status, Dictionary(uniqueKeysWithValues: gpus.compactMap { g in (g["address"] as? String).map { ($0, g) } }))
    }

    func check(_ gpu: [String: Any]?, _ name: String) -> [String: Any]? {
        ((gpu?["readiness"] as? [String: Any])?["checks"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    /// The `drivers` fixture host: one GPU per driver case.
    @Test func eachDriverCaseLoadsWhatThatDriverLoads() throws {
        let (_, gpus) = try probeJSON(FixtureHosts.root("drivers"))
        let nouveau = try #require(gpus["0000:41:00.0"]?["firmware"] as? [String: Any])
        #expect(nouveau["loader"] as? String == "nouveau" && nouveau["release"] as? String == "570.144" && nouveau["pinned"] as? Bool == true)
        #expect(nouveau["paths"] as? [String] == ["gsp", "bootloader", "booter_load", "booter_unload"].map { "nvidia/ga102/gsp/\($0)-570.144.bin" })
        #expect(nouveau["ok"] as? Bool == true)
        #expect((nouveau["note"] as? String)?.contains("570.144, then 535.113.01") == true)

        let nova = try #require(gpus["0000:61:00.0"]?["firmware"] as? [String: Any])
        #expect(nova["loader"] as? String == "nova-core" && nova["release"] as? String == "570.144" && nova["ok"] as? Bool == true)
        #expect((nova["paths"] as? [String])?.last == "nvidia/ad104/gsp/scrubber-570.144.bin")

        for (address, says) in [("0000:81:00.0", "bound to vfio-pci: the whole GPU is passed through to a guest"),
                                ("0000:a1:00.0", "no driver is bound: no GSP firmware is loaded until one binds")] {
            #expect(gpus[address]?["firmware"] == nil, "\(address)")
            let firmware = check(gpus[address], "firmware")
            #expect(firmware?["ok"] as? Bool == false && (firmware?["detail"] as? String)?.hasPrefix(says) == true, "\(address): \(firmware ?? [:])")
        }

        // NVIDIA's driver: the image of its own version, pinned by the firmware-nvidia-gsp manifest.
        let (_, l40s) = try probeJSON(FixtureHosts.root("l40-two-gpus"))
        let nvidia = try #require(l40s["0000:41:00.0"]?["firmware"] as? [String: Any])
        #expect(nvidia["loader"] as? String == "nvidia 535.261.03" && nvidia["release"] as? String == "535.261.03")
        #expect(nvidia["paths"] as? [String] == ["nvidia/535.261.03/gsp_ga10x.bin"] && nvidia["pinned"] as? Bool == true && nvidia["ok"] as? Bool == true)
    }

    /// nouveau loads the newest release whose image is there, and the kernel follows links: a 570.144
    /// image linked out of the root is what nouveau loads, so the check reports the refusal (main took it
    /// for absent and verified 535.113.01, which nouveau does not load). A link loop is not "missing".
    @Test func nouveauIsJudgedOnTheReleaseItLoadsEvenWhenRefused() throws {
        let dir = try ScratchDirectory("driver-nouveau")
        for name in ["gsp", "bootloader", "booter_load", "booter_unload"] {
            let relative = "nvidia/ga102/gsp/\(name)-535.113.01.bin"
            _ = try dir.write("firmware/" + relative, try RealFirmware.bytes(relative))
        }
        _ = try dir.write("outside/gsp-570.144.bin", [0x7f, 0x45, 0x4c, 0x46])
        try dir.link("firmware/nvidia/ga102/gsp/gsp-570.144.bin", to: dir.file("outside/gsp-570.144.bin"))
        let (_, gpus) = try probeJSON(FixtureHosts.root("drivers"), firmware: dir.file("firmware"))
        let nouveau = try #require(gpus["0000:41:00.0"]?["firmware"] as? [String: Any])
        #expect(nouveau["loader"] as? String == "nouveau" && nouveau["release"] as? String == "570.144" && nouveau["ok"] as? Bool == false, "\(nouveau)")
        #expect((nouveau["findings"] as? [String])?.contains { $0.contains("gsp-570.144.bin: refused: ") && $0.contains("outside the firmware root") } == true, "\(nouveau)")

        try FileManager.default.removeItem(atPath: dir.file("firmware/nvidia/ga102/gsp/gsp-570.144.bin"))
        try dir.link("firmware/nvidia/ga102/gsp/gsp-570.144.bin", to: "gsp-570.144.bin")
        let (_, looped) = try probeJSON(FixtureHosts.root("drivers"), firmware: dir.file("firmware"))
        let loop = try #require(looped["0000:41:00.0"]?["firmware"] as? [String: Any])
        #expect(loop["release"] as? String == "570.144", "\(loop)")
        #expect((loop["findings"] as? [String])?.contains { $0.hasSuffix("cannot be resolved (Too many levels of symbolic links)") } == true, "\(loop)")

        // Compressed only (as Fedora ships firmware): the kernel loads the .xz, so that is the release judged.
        try FileManager.default.removeItem(atPath: dir.file("firmware/nvidia/ga102/gsp/gsp-570.144.bin"))
        _ = try dir.write("firmware/nvidia/ga102/gsp/gsp-570.144.bin.xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])
        let (_, compressed) = try probeJSON(FixtureHosts.root("drivers"), firmware: dir.file("firmware"))
        let xz = try #require(compressed["0000:41:00.0"]?["firmware"] as? [String: Any])
        #expect(xz["release"] as? String == "570.144", "\(xz)")
        #expect((xz["findings"] as? [String])?.contains { $0.contains("only gsp-570.144.bin.xz is present, compressed") } == true, "\(xz)")
    }

    /// NVIDIA's driver at a version no manifest lists (the vGPU Manager's 550.54.16): the image its
    /// version directory must hold, checked by contents. Missing, it is a finding; the wrong release in
    /// its place is another.
    @Test func aVersionNoManifestPinsIsCheckedByContents() throws {
        let dir = try ScratchDirectory("driver-version")
        let host = try FixtureHosts.copy("l40-two-gpus", in: dir)
        try Data("550.54.16\n".utf8).write(to: URL(fileURLWithPath: host + "/module/nvidia/version"))
        let firmware = dir.file("firmware")
        try FileManager.default.createDirectory(atPath: firmware, withIntermediateDirectories: true)

        let (missingStatus, missing) = try probeJSON(host, firmware: firmware)
        #expect(missingStatus == 1)
        let report = try #require(missing["0000:41:00.0"]?["firmware"] as? [String: Any])
        #expect(report["loader"] as? String == "nvidia 550.54.16" && report["pinned"] as? Bool == false)
        #expect(report["paths"] as? [String] == ["nvidia/550.54.16/gsp_ga10x.bin"])
        #expect((report["findings"] as? [String])?.first?.hasSuffix("nvidia/550.54.16/gsp_ga10x.bin: missing") == true, "\(report)")

        // 535.261.03's image where 550.54.16's belongs: parsed, and its .fwversion gives it away.
        _ = try dir.write("firmware/nvidia/550.54.16/gsp_ga10x.bin", try RealFirmware.bytes("nvidia/535.261.03/gsp_ga10x.bin"))
        let (_, wrong) = try probeJSON(host, firmware: firmware)
        let findings = (wrong["0000:41:00.0"]?["firmware"] as? [String: Any])?["findings"] as? [String] ?? []
        #expect(findings.contains { $0.contains(".fwversion is 535.261.03, manifest expects 550.54.16") }, "\(findings)")
        #expect(!findings.contains { $0.contains("sha256") || $0.contains("size") }, "no digest or size is expected of an unpinned file")
    }

    /// A T4 hosts vGPUs as mediated devices on its PF: ready with its mdev types, its SR-IOV capability
    /// (VF device id 0) not held against it, capacities from the T4 catalogue with no VF limit.
    @Test func aTuringHostIsReadyOnMediatedDevices() throws {
        let (status, gpus) = try probeJSON(FixtureHosts.root("t4"))
        #expect(status == 0)
        let t4 = try #require(gpus["0000:3b:00.0"])
        #expect(t4["chip"] as? String == "TU104" && t4["architecture"] as? String == "Turing")
        #expect((t4["readiness"] as? [String: Any])?["ready"] as? Bool == true)
        let names = ((t4["readiness"] as? [String: Any])?["checks"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["support", "driver-branch", "mdev-types", "iommu", "firmware", "vgpu-boot"])
        #expect((check(t4, "mdev-types")?["detail"] as? String)?.contains("17 types in mdev_supported_types") == true)
        let firmware = try #require(t4["firmware"] as? [String: Any])
        #expect(firmware["paths"] as? [String] == ["nvidia/535.261.03/gsp_tu10x.bin"] && firmware["ok"] as? Bool == true)
        let types = try #require(t4["vgpuTypes"] as? [[String: Any]])
        #expect(types.first { $0["name"] as? String == "GRID T4-1Q" }?["fits"] as? Int == 16)
        #expect(types.first { $0["name"] as? String == "GRID T4-16C" }?["fits"] as? Int == 1)

        let text = try ProbeBinary.run(["types", "-s", "3b:00.0", "--sysfs-root", FixtureHosts.root("t4")])
        #expect(text.status == 0 && text.stdout.hasPrefix("T4 (TU104, 10de:1eb8), 16 GiB, GPU 0000:3b:00.0, mediated devices on the PF;"), "\(text.stdout)\(text.stderr)")
    }

    /// A T4 whose PF lists no mdev types (the vGPU host driver not loaded): not ready, with the remedy.
    @Test func aTuringHostWithoutMdevTypesIsNotReady() throws {
        let dir = try ScratchDirectory("t4-no-mdev")
        let host = try FixtureHosts.copy("t4", in: dir)
        let pf = try #require(FileManager.default.enumerator(atPath: host + "/devices")?.compactMap { $0 as? String }.first { $0.hasSuffix("0000:3b:00.0") })
        try FileManager.default.removeItem(atPath: host + "/devices/" + pf + "/mdev_supported_types")
        let (status, gpus) = try probeJSON(host)
        #expect(status == 1)
        let mdev = check(gpus["0000:3b:00.0"], "mdev-types")
        #expect(mdev?["ok"] as? Bool == false)
        #expect((mdev?["detail"] as? String)?.contains("lists no nvidia-<id> type in mdev_supported_types: load NVIDIA's vGPU host driver") == true, "\(mdev ?? [:])")
    }

    /// A chip no module covers (BOOT_42 of GB204, which 570's nv_arch.h names and no board uses, on the
    /// T4's BAR0) is reported as not supported.
    @Test func aChipNoModuleCoversIsUnsupported() throws {
        let dir = try ScratchDirectory("unsupported-chip")
        let host = try FixtureHosts.copy("t4", in: dir)
        let pf = try #require(FileManager.default.enumerator(atPath: host + "/devices")?.compactMap { $0 as? String }.first { $0.hasSuffix("0000:3b:00.0") })
        let resource0 = host + "/devices/" + pf + "/resource0"
        var bar0 = [UInt8](try Data(contentsOf: URL(fileURLWithPath: resource0)))
        let boot42 = UInt32(0x1b4) << 20 | 0xa << 16 | 0x1 << 12
        for i in 0..<4 { bar0[0xa00 + i] = UInt8(truncatingIfNeeded: boot42 >> (8 * UInt32(i))) }
        try Data(bar0).write(to: URL(fileURLWithPath: resource0))
        let run = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("BOOT_42 chip id 0x1b4 (Blackwell (GB20x)) is not supported by any module"), "\(run.stdout)")
    }
}
