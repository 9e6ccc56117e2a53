import Foundation
import Testing
import VGPUTestSupport

/// Verdicts that never mislead: a skipped check is shown as skipped, and every command applies one
/// rule to its roots.
struct VerdictTests {
    /// `--no-firmware` skips the firmware check: `[--]`, not `[ok]`; counted in JSON; the verdict says
    /// what it does not cover. (main printed "[ok] firmware not checked".)
    @Test func aSkippedCheckIsShownAsSkipped() throws {
        let text = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--no-firmware"])
        #expect(text.stdout.contains("[--] firmware      not checked (--no-firmware)"), "\(text.stdout)")
        #expect(text.stdout.contains("vGPU ready    YES (not checked: firmware, vgpu-boot)"))
        #expect(!text.stdout.contains("[ok] firmware"))
        let json = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--no-firmware", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let readiness = try #require((doc["gpus"] as? [[String: Any]])?.first?["readiness"] as? [String: Any])
        #expect(readiness["notChecked"] as? [String] == ["firmware", "vgpu-boot"])
        let firmware = try #require((readiness["checks"] as? [[String: Any]])?.first { $0["name"] as? String == "firmware" })
        #expect(firmware["skipped"] as? Bool == true && firmware["ok"] as? Bool == false)
    }

    /// A GPU whose BAR0, read because the device is awake, answers all ones (it fell off the bus) or a
    /// security fault is not ready: the `responds` check fails, in text, JSON and Prometheus. main fell
    /// back to the PCI id and called it ready. A GPU that answers has no such line.
    @Test(arguments: [(UInt32(0xffff_ffff), "BAR0 reads as all ones although the device is awake (runtime status active)"),
                      (UInt32(0xbadf_1100), "BAR0 read returned a security fault (0xbadf1100) although the device is awake")])
    func aGPUThatDoesNotAnswerIsNotReady(boot42: UInt32, detail: String) throws {
        let dir = try ScratchDirectory("verdict-bar0")
        let host = try FixtureHosts.copy("l40s-in-use", in: dir)
        let resource0 = host + "/devices/pci0000:40/0000:40:01.1/0000:41:00.0/resource0"
        var page = [UInt8](try Data(contentsOf: URL(fileURLWithPath: resource0)))
        for i in 0..<4 { page[0xa00 + i] = UInt8(truncatingIfNeeded: boot42 >> (8 * UInt32(i))) }
        if boot42 == 0xffff_ffff { page = [UInt8](repeating: 0xff, count: page.count) }
        try Data(page).write(to: URL(fileURLWithPath: resource0))

        let text = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("[!!] responds      " + detail), "\(text.stdout)")
        #expect(text.stdout.contains("vGPU ready    NO"))
        let prometheus = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware", "--format", "prometheus"])
        #expect(prometheus.stdout.contains("vgpukit_gpu_check{address=\"0000:41:00.0\",chip=\"AD102\",check=\"responds\"} 0"), "\(prometheus.stdout)")
        #expect(prometheus.stdout.contains("vgpukit_gpu_ready{address=\"0000:41:00.0\",chip=\"AD102\",board=\"L40S\"} 0"))

        let stock = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40s-in-use"), "--no-firmware", "--json"])
        #expect(stock.status == 0 && !stock.stdout.contains("\"responds\""), "\(stock.stdout)")
    }

    /// A VF hosting a vGPU type the catalogue does not list (`current_vgpu_type` 9999) holds an unknown
    /// share of the FB, so what still fits is not counted: main counted it as taking none and still
    /// offered two 12Q.
    @Test func aVGPUOfAnUnlistedTypeLeavesCapacityUnknown() throws {
        let dir = try ScratchDirectory("verdict-unlisted")
        let host = try FixtureHosts.copy("l40s-in-use", in: dir)
        _ = try dir.write("host/devices/pci0000:40/0000:40:01.1/0000:41:00.6/nvidia/current_vgpu_type", Array("9999\n".utf8))
        let text = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware"])
        #expect(!text.stdout.contains("vGPU Q-types"), "\(text.stdout)")
        #expect(text.stdout.contains("vGPUs         3 in use (NVIDIA L40S-12Q x2, type 9999 x1), 5 VFs free; what more fits is not counted (see notes)"), "\(text.stdout)")
        #expect(text.stdout.contains("0000:41:00.6 hosts vGPU type 9999, which the L40S catalogue does not list"), "\(text.stdout)")
        let json = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware", "--json"])
        #expect(json.stdout.contains("\"vgpusUnsized\" : [\n        \"0000:41:00.6 hosts vGPU type 9999, which the L40S catalogue does not list\"\n      ]"), "\(json.stdout)")
        let prometheus = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware", "--format", "prometheus"])
        #expect(!prometheus.stdout.contains("vgpukit_gpu_vgpu_type_fits{"), "\(prometheus.stdout)")
        #expect(prometheus.stdout.contains("vgpukit_gpu_vfs_in_use{address=\"0000:41:00.0\",chip=\"AD102\"} 3"), "the VF is in use, of unknown size")
        let types = try ProbeBinary.run(["types", "-s", "41:00.0", "--sysfs-root", host])
        #expect(types.status == 1 && types.stderr.contains("what more fits is unknown while this is: 0000:41:00.6 hosts vGPU type 9999"), "\(types.stderr)")
    }

    /// vGPUs go on the VFs enabled: the kernel changes `sriov_numvfs` only through 0, which ends every
    /// vGPU. main counted all 32 VFs of the L40S, so with its 8 enabled VFs all hosting a 4Q, every
    /// output still said more fit (text "4Q x4", Prometheus fits 4, an NFD label for 4Q).
    @Test func whatFitsIsCountedOnTheVFsEnabled() throws {
        let dir = try ScratchDirectory("verdict-enabled-vfs")
        let host = try FixtureHosts.copy("l40s-in-use", in: dir)
        // Two 12Q in use on 8 enabled VFs: six more 1Q, not thirty.
        let types = try ProbeBinary.run(["types", "-s", "41:00.0", "--sysfs-root", host, "--place", "8x1Q", "--mixed-sizes"])
        #expect(types.status == 1 && types.stdout.contains("Placement: 6 of 8 placed") && types.stdout.contains("VFs 8 used, 0 free"), "\(types.stdout)")
        let pf = "host/devices/pci0000:40/0000:40:01.1"
        for vf in ["41:00.4", "41:00.5", "41:00.6", "41:00.7", "41:01.0", "41:01.1", "41:01.2", "41:01.3"] {
            _ = try dir.write("\(pf)/0000:\(vf)/nvidia/current_vgpu_type", Array("1150\n".utf8))
            _ = try dir.write("\(pf)/0000:\(vf)/nvidia/creatable_vgpu_types", Array("ID    : vGPU Name\n".utf8))
        }
        let text = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware"])
        #expect(text.stdout.contains("vGPUs         8 in use (NVIDIA L40S-4Q x8), 0 VFs free; no more vGPUs fit\n"), "\(text.stdout)")
        #expect(!text.stdout.contains("vGPU Q-types"), "\(text.stdout)")
        let prometheus = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware", "--format", "prometheus"])
        #expect(prometheus.stdout.contains("vgpukit_gpu_vgpu_type_fits{address=\"0000:41:00.0\",chip=\"AD102\",type=\"NVIDIA L40S-4Q\"} 0"),
                "\(prometheus.stdout)")
        let nfd = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware", "--format", "nfd"])
        #expect(!nfd.stdout.contains("L40S-4Q"), "\(nfd.stdout)")
    }

    /// VFIO assigns an IOMMU group whole: a VF in no group, or in the PF's, cannot go to a VM of its
    /// own. main judged the GPU's group alone and called both hosts ready.
    @Test func eachVFNeedsAnIOMMUGroupOfItsOwn() throws {
        let dir = try ScratchDirectory("verdict-vf-groups")
        let host = try FixtureHosts.copy("l40s-in-use", in: dir)
        let pf = host + "/devices/pci0000:40/0000:40:01.1"
        let fm = FileManager.default
        for vf in ["0000:41:00.4", "0000:41:00.5"] {
            try fm.removeItem(atPath: "\(pf)/\(vf)/iommu_group")
            try fm.createSymbolicLink(atPath: "\(pf)/\(vf)/iommu_group", withDestinationPath: "../../../../kernel/iommu_groups/3")
        }
        let shared = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware"])
        #expect(shared.status == 1 && shared.stdout.contains("[!!] iommu         IOMMU group 3 holds 3 of this GPU's functions (0000:41:00.0, 0000:41:00.4, 0000:41:00.5)"),
                "\(shared.stdout)")
        for vf in ["0000:41:00.4", "0000:41:00.5"] { try fm.removeItem(atPath: "\(pf)/\(vf)/iommu_group") }
        let none = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware"])
        #expect(none.status == 1 && none.stdout.contains("[!!] iommu         IOMMU group 3, but 2 of 8 VFs are in none, e.g. 0000:41:00.4: it has no iommu_group link"),
                "\(none.stdout)")
    }

    /// NVIDIA's driver carries its own bootloader; the vgpu-boot plan takes its sizes, and its heap rules,
    /// from a linux-firmware release of the driver's branch. Where that is not on the root, or the branch
    /// has none this build knows, the check is not made (`[--]`), rather than failed with "the firmware
    /// does not verify" beside a verified firmware check, or passed with another branch's heap.
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func vgpuBootIsNotJudgedFromFilesTheDriverDoesNotLoad() throws {
        let dir = try ScratchDirectory("verdict-driver-root")
        let image = "nvidia/535.261.03/gsp_ga10x.bin"
        _ = try dir.write("fw/" + image, try RealFirmware.bytes(image))
        let own = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40s-in-use"), "--firmware-root", dir.file("fw")])
        #expect(own.status == 0, "\(own.stdout)")
        #expect(own.stdout.contains("[ok] firmware      GSP firmware 535.261.03, which nvidia 535.261.03 loads: present and verified"), "\(own.stdout)")
        #expect(own.stdout.contains("[--] vgpu-boot     not checked: NVIDIA's driver carries its own bootloader; the plan takes its sizes from linux-firmware 535.113.01, which this root lacks"), "\(own.stdout)")
        #expect(own.stdout.contains("vGPU ready    YES (not checked: vgpu-boot)"))

        let host = try FixtureHosts.copy("l40s-in-use", in: dir)
        _ = try dir.write("host/module/nvidia/version", Array("580.65.06\n".utf8))
        let newer = try ProbeBinary.run(["--sysfs-root", host, "--firmware-root", RealFirmware.root])
        #expect(newer.stdout.contains("[--] vgpu-boot     not checked: this build knows no linux-firmware release of NVIDIA's 580 branch to plan 580.65.06's boot from (it knows 535.113.01, 570.144)"), "\(newer.stdout)")
        #expect(!newer.stdout.contains("549 MiB heap"))

        // With the stand-in on the root, the plan passes; beside an image that does not verify, it says
        // nothing of a boot (main: "[ok] nvidia can boot the GSP in vGPU mode" beside the failed check).
        for file in ["bootloader", "booter_load", "booter_unload"] {
            _ = try dir.write("fw/nvidia/ad102/gsp/\(file)-535.113.01.bin", try RealFirmware.bytes("nvidia/ad102/gsp/\(file)-535.113.01.bin"))
        }
        _ = try dir.write("fw/nvidia/ad102/gsp/gsp-535.113.01.bin", try RealFirmware.bytes("nvidia/ga102/gsp/gsp-535.113.01.bin"))
        let planned = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40s-in-use"), "--firmware-root", dir.file("fw")])
        #expect(planned.stdout.contains("[ok] vgpu-boot     nvidia can boot the GSP in vGPU mode"), "\(planned.stdout)")
        var corrupt = try RealFirmware.bytes(image)
        corrupt[corrupt.count / 2] ^= 0xff
        _ = try dir.write("fw/" + image, corrupt)
        let bad = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40s-in-use"), "--firmware-root", dir.file("fw"), "--no-cache"])
        #expect(bad.stdout.contains("[!!] firmware"), "\(bad.stdout)")
        #expect(bad.stdout.contains("[--] vgpu-boot     not checked: the firmware nvidia 535.261.03 loads does not verify (see firmware)"), "\(bad.stdout)")
    }

    /// VFs bound to nvidia that show neither `nvidia/` (vGPU 17 on) nor `mdev_supported_types` (16 and
    /// before) can create no vGPU: NVIDIA's vGPU host driver makes those. main passed vf-driver ("all 32
    /// VFs bound to nvidia") on such a host, which its own bundled l40-two-gpus was until this check.
    @Test func vfsWithoutAVGPUInterfaceFailVFDriver() throws {
        let dir = try ScratchDirectory("verdict-bare-vfs")
        let host = try FixtureHosts.copy("l40-two-gpus", in: dir)
        let bridge = host + "/devices/pci0000:40/0000:40:01.1"
        let vfs = try FileManager.default.contentsOfDirectory(atPath: bridge).filter { $0 != "0000:41:00.0" && $0.hasPrefix("0000:41:") }
        #expect(vfs.count == 32)
        for vf in vfs { try FileManager.default.removeItem(atPath: "\(bridge)/\(vf)/nvidia") }
        let r = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware", "-s", "41:00.0"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("[!!] vf-driver     32 of 32 VFs are bound to nvidia but show neither nvidia/ (vGPU 17 and later) nor mdev_supported_types (vGPU 16 and earlier), e.g. 0000:41:00.4"), "\(r.stdout)")
        let stock = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--no-firmware", "-s", "41:00.0"])
        #expect(stock.status == 0 && stock.stdout.contains("[ok] vf-driver     all 32 VFs bound to nvidia"), "\(stock.stdout)")
    }

    /// An L40 bound to nouveau: mainline nouveau hosts no vGPU at all (the nvkm vGPU series was an RFC),
    /// and the vGPU-mode boot would also need the AD102 scrubber, which nouveau has no code to run. On a
    /// root with 570.144 nouveau loads that release, which ships the scrubber's file, and still cannot
    /// boot; on a root with 535.113.01 alone it loads that, and the plan fails the same way. The probe's
    /// `vgpu-boot` check says the first of the plan's unmet requirements (main once called this GPU
    /// "vGPU ready YES" while the plan failed, and later "nouveau can boot the GSP in vGPU mode" on an A40).
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func anUnmetBootRequirementIsAReadinessCheck() throws {
        let dir = try ScratchDirectory("verdict-nouveau")
        let host = try FixtureHosts.copy("l40-two-gpus", in: dir)
        try FileManager.default.createDirectory(atPath: host + "/bus/pci/drivers/nouveau", withIntermediateDirectories: true)
        let link = host + "/devices/pci0000:40/0000:40:01.1/0000:41:00.0/driver"
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../../../../bus/pci/drivers/nouveau")

        let both = try ProbeBinary.run(["--sysfs-root", host, "--firmware-root", RealFirmware.root, "-s", "41:00.0"])
        #expect(both.status == 1, "\(both.stdout)")
        #expect(both.stdout.contains("firmware      570.144, as nouveau loads it: ok (5 files verified)"), "\(both.stdout)")
        #expect(both.stdout.contains("[!!] vgpu-boot     nouveau hosts no vGPU on AD102: mainline nouveau has no vGPU support"), "\(both.stdout)")
        let bothPlan = try ProbeBinary.run(["plan", "--sysfs-root", host, "--firmware-root", RealFirmware.root, "-s", "41:00.0", "--vgpu"])
        #expect(bothPlan.status == 1 && bothPlan.stderr.contains("mainline nouveau has no vGPU support"), "\(bothPlan.stderr)")
        #expect(bothPlan.stderr.contains("nouveau has no code that runs it (linux-firmware ships it as nvidia/ad102/gsp/scrubber-570.144.bin"))

        // A root with the 535.113.01 files alone (copied: a link out of a root is refused).
        let old = dir.file("firmware-535")
        for name in ["gsp", "bootloader", "booter_load", "booter_unload"] {
            let relative = "nvidia/ad102/gsp/\(name)-535.113.01.bin"
            _ = try dir.write("firmware-535/" + relative, try RealFirmware.bytes(relative))
        }
        let probe = try ProbeBinary.run(["--sysfs-root", host, "--firmware-root", old, "-s", "41:00.0"])
        #expect(probe.status == 1)
        #expect(probe.stdout.contains("firmware      535.113.01, as nouveau loads it: ok (4 files verified)"), "\(probe.stdout)")
        #expect(probe.stdout.contains("vGPU ready    NO"), "\(probe.stdout)")
        #expect(probe.stdout.contains("[!!] vgpu-boot     nouveau hosts no vGPU on AD102: "), "\(probe.stdout)")
        let plan = try ProbeBinary.run(["plan", "--sysfs-root", host, "--firmware-root", old, "-s", "41:00.0", "--vgpu"])
        #expect(plan.status == 1 && plan.stderr.contains("ships no scrubber file for AD102"), "\(plan.stderr)")

        // Bound to NVIDIA's driver, which carries the scrubber, the same GPU boots.
        let nvidia = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--firmware-root", RealFirmware.root, "-s", "41:00.0"])
        #expect(nvidia.status == 0 && nvidia.stdout.contains("[ok] vgpu-boot     nvidia can boot the GSP in vGPU mode: 535.113.01"), "\(nvidia.stdout)")
    }

    /// The readiness checks of a probe in JSON, by GPU address and check name.
    func checks(_ arguments: [String]) throws -> (status: Int32, checks: [String: [String: [String: Any]]], notChecked: [String: [String]]) {
        let r = try ProbeBinary.run(arguments + ["--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
        var checks: [String: [String: [String: Any]]] = [:], notChecked: [String: [String]] = [:]
        for gpu in doc["gpus"] as? [[String: Any]] ?? [] {
            let address = gpu["address"] as? String ?? "", readiness = gpu["readiness"] as? [String: Any] ?? [:]
            for check in readiness["checks"] as? [[String: Any]] ?? [] { checks[address, default: [:]][check["name"] as? String ?? ""] = check }
            notChecked[address] = readiness["notChecked"] as? [String] ?? []
        }
        return (r.status, checks, notChecked)
    }

    /// With no driver on the host to boot the GSP (none bound, vfio-pci, NVIDIA's 515 refusing an L4),
    /// `vgpu-boot` is not checked: main said "nvidia can boot the GSP in vGPU mode" beside a failed
    /// firmware check, and exported that as a passed check.
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func noBootIsJudgedWhereNoDriverBootsTheGSP() throws {
        for (host, address) in [("drivers", "0000:81:00.0"), ("drivers", "0000:a1:00.0"), ("old-driver", "0000:41:00.0")] {
            let (status, checks, notChecked) = try checks(["--sysfs-root", FixtureHosts.root(host), "--firmware-root", RealFirmware.root])
            #expect(status == 1)
            let boot = try #require(checks[address]?["vgpu-boot"], "\(host) \(address)")
            #expect(boot["skipped"] as? Bool == true && boot["detail"] as? String == "not checked: nothing on the host boots this GPU's GSP (see firmware)",
                    "\(host) \(address): \(boot)")
            #expect(checks[address]?["firmware"]?["ok"] as? Bool == false && notChecked[address] == ["vgpu-boot"], "\(host) \(address)")
            let metrics = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root(host), "--firmware-root", RealFirmware.root, "--format", "prometheus"])
            // A skipped check has no sample (main exported vgpu-boot 1).
            #expect(!metrics.stdout.split(separator: "\n").contains { $0.contains("\"\(address)\"") && $0.contains("check=\"vgpu-boot\"") })
        }
    }

    /// A version file that is there but cannot be read (a FIFO) or holds no version token is a finding,
    /// not an absent file: driver-branch and firmware fail and name it. main took both for "not shown",
    /// skipped the three checks, and called the A40 ready.
    @Test(arguments: ["fifo", "535.261.03 (beta)\n"])
    func anUnreadableDriverVersionFailsTheChecks(content: String) throws {
        let dir = try ScratchDirectory("verdict-bad-version")
        let host = try FixtureHosts.copy("a40", in: dir)
        let version = host + "/module/nvidia/version"
        try FileManager.default.removeItem(atPath: version)
        if content == "fifo" { #expect(mkfifo(version, 0o600) == 0) } else { _ = try dir.write("host/module/nvidia/version", Array(content.utf8)) }
        let why = content == "fifo" ? "not a regular file (FIFO)" : "'535.261.03 (beta)' is not one version token"
        let (status, checks, notChecked) = try checks(["--sysfs-root", host, "--firmware-root", dir.path])
        #expect(status == 1 && notChecked["0000:41:00.0"] == ["vgpu-boot"], "\(notChecked)")
        let branch = try #require(checks["0000:41:00.0"]?["driver-branch"])
        #expect(branch["ok"] as? Bool == false && branch["skipped"] == nil, "\(branch)")
        #expect(branch["detail"] as? String == "NVIDIA's driver version cannot be read: \(version): \(why)", "\(branch)")
        let firmware = try #require(checks["0000:41:00.0"]?["firmware"])
        #expect(firmware["ok"] as? Bool == false && (firmware["detail"] as? String)?.hasPrefix("NVIDIA's driver version cannot be read (\(version): \(why))") == true, "\(firmware)")
    }

    /// A root without `module/nvidia/version` (an lspci-layout tree, or a copy that lost it) does not
    /// show which firmware NVIDIA's driver loads, nor its branch: those checks are not made. main verified
    /// the linux-firmware default as "which nvidia loads" and dropped driver-branch without a word.
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func anUnshownDriverVersionIsNotGuessed() throws {
        let dir = try ScratchDirectory("verdict-no-version")
        let host = try FixtureHosts.copy("a40", in: dir)
        try FileManager.default.removeItem(atPath: host + "/module/nvidia/version")
        let (status, checks, notChecked) = try checks(["--sysfs-root", host, "--firmware-root", RealFirmware.root])
        #expect(status == 0 && notChecked["0000:41:00.0"] == ["driver-branch", "firmware", "vgpu-boot"], "\(notChecked)")
        let firmware = try #require(checks["0000:41:00.0"]?["firmware"])
        #expect((firmware["detail"] as? String)?.hasPrefix("not checked: NVIDIA's driver version is not shown") == true, "\(firmware)")
        let text = try ProbeBinary.run(["--sysfs-root", host, "--firmware-root", RealFirmware.root, "-q"])
        #expect(text.stdout == "0000:41:00.0  A40  GA102  ready (not checked: driver-branch, firmware, vgpu-boot)\n", "\(text.stdout)")
    }

    /// A firmware root that does not exist or is a plain file, and a devices directory with no
    /// functions, exit 66 in every command that reads them (main: the probe exited 1 with every file
    /// "missing", and an empty devices/ exited 1).
    @Test(arguments: ["/nonexistent-firmware-root", "/etc/hostname"])
    func anUnusableFirmwareRootIsExit66Everywhere(root: String) throws {
        let probe = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l4"), "--firmware-root", root])
        #expect(probe.status == 66 && probe.stderr.contains("firmware root \(root)"), "\(probe.stderr)")
        #expect(try ProbeBinary.run(["firmware", "--firmware-root", root]).status == 66)
        #expect(try ProbeBinary.run(["plan", "--chip", "ad102", "--fb-size", "48G", "--firmware-root", root]).status == 66)
        // --no-firmware does not look at the root.
        #expect([0, 1].contains(try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l4"), "--firmware-root", root, "--no-firmware"]).status))
    }

    @Test func anEmptyDevicesDirectoryIsExit66() throws {
        let dir = try ScratchDirectory("verdict")
        try FileManager.default.createDirectory(atPath: dir.file("devices"), withIntermediateDirectories: true)
        let r = try ProbeBinary.run(["--sysfs-root", dir.path, "--no-firmware"])
        #expect(r.status == 66 && r.stderr.contains("lists no PCI functions"), "\(r.stderr)")
    }

    /// The commands that take -s apply the probe's rule to the sysfs root (main: exit 1, as if the host
    /// had no such GPU), and `firmware --elf` to the file it names; a host without the GPU stays 1.
    @Test func unusableInputsAreExit66InEveryCommand() throws {
        let dir = try ScratchDirectory("verdict-66")
        try FileManager.default.createDirectory(atPath: dir.file("devices"), withIntermediateDirectories: true)
        let plan = RealFirmware.packageRoot.appendingPathComponent("docs/plans/l40s-fill-and-refill.json").path
        for root in ["/nonexistent", dir.path] {
            for command in [["types"], ["plan"], ["simulate", "--plan", plan]] {
                let r = try ProbeBinary.run(command + ["-s", "41:00.0", "--sysfs-root", root])
                #expect(r.status == 66, "\(command) \(root): \(r.stderr)")
            }
        }
        #expect(try ProbeBinary.run(["types", "-s", "41:00.0", "--sysfs-root", FixtureHosts.root("no-nvidia")]).status == 1)
        #expect(try ProbeBinary.run(["firmware", "--elf", "/nonexistent"]).status == 66)
        #expect(try ProbeBinary.run(["firmware", "--elf", plan]).status == 1, "not an ELF: a finding")
    }

    /// With --json, a failure writes a JSON error object to stdout as well as the text on stderr, so a
    /// pipeline always gets JSON (main wrote nothing to stdout).
    static let failingJSONRuns: [([String], Int32)] = [
        (["--sysfs-root", "/nonexistent", "--json"], 66), (["firmware", "--firmware-root", "/nonexistent", "--json"], 66),
        (["plan", "--chip", "zz", "--fb-size", "1G", "--json"], 64), (["-s", "41:20.0", "--json"], 64),
        (["types", "--board", "A100", "--json"], 64), (["firmwre", "--json"], 64),
    ]

    @Test(arguments: failingJSONRuns)
    func failuresAnswerJSONWithJSON(arguments: [String], status: Int32) throws {
        let r = try ProbeBinary.run(arguments)
        #expect(r.status == status)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "stdout: \(r.stdout)")
        #expect(doc["schema"] as? String == "vgpukit.error/1" && (doc["code"] as? Int).map(Int32.init) == status)
        #expect((doc["message"] as? String)?.isEmpty == false && !r.stderr.isEmpty)
    }

    /// A mix that needs mixed-size mode says so once, with the flag and what it would place, instead of
    /// eight identical refusals (main printed eight lines and never named --mixed-sizes); a mix that
    /// mixed-size mode would not help (the FB is full either way) gets no such hint (main: the hint).
    @Test func aMixNeedingMixedSizeModeSaysSoOnce() throws {
        let r = try ProbeBinary.run(["types", "--board", "L40S", "--place", "2x12Q,8x3Q"])
        #expect(r.status == 1)
        #expect(r.stdout.components(separatedBy: "NOT placed").count == 2, "one line for the eight refusals")
        #expect(r.stdout.contains("3-10  NVIDIA L40S-3Q"))
        #expect(r.stdout.contains("hint: in NVIDIA's mixed-size mode 10 of 10 would be placed: add --mixed-sizes"), "\(r.stdout)")
        let mixed = try ProbeBinary.run(["types", "--board", "L40S", "--place", "2x12Q,8x3Q", "--mixed-sizes"])
        #expect(mixed.status == 0 && !mixed.stdout.contains("hint:"))
        let full = try ProbeBinary.run(["types", "--board", "L40S", "--place", "4x12Q,8x3Q"])
        #expect(full.status == 1 && !full.stdout.contains("hint:"), "\(full.stdout)")
    }

    /// A GPU outside what this build covers is not called faulty, and no remedy is offered that cannot
    /// work on the board (main: "module unsupported", and "write the count to sriov_numvfs" on an RTX 4090).
    @Test func theToolsLimitsAreNotTheHostsFaults() throws {
        let r = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("rtx4090"), "--no-firmware"])
        #expect(r.stdout.contains("[ok] support") && !r.stdout.contains("module"))
        #expect(r.stdout.contains("no VFs: this GPU has no usable SR-IOV") && !r.stdout.contains("sriov_numvfs"))
        // A board that has SR-IOV but no VFs enabled gets NVIDIA's way first.
        let l40 = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--no-firmware", "-s", "c1:00.0"])
        #expect(l40.stdout.contains("sriov-manage -e 0000:c1:00.0"), "\(l40.stdout)")
    }

    /// A pci.ids file the user names must be readable (main ignored it silently); contradictory flags are
    /// refused.
    @Test func namedInputsAndContradictions() throws {
        let ids = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l4"), "--no-firmware", "--pci-ids", "/nonexistent/pci.ids"])
        #expect(ids.status == 66 && ids.stderr.contains("--pci-ids /nonexistent/pci.ids"), "\(ids.stderr)")
        let both = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l4"), "--no-firmware", "--verify-all"])
        #expect(both.status == 64 && both.stderr.contains("give one"), "\(both.stderr)")
    }

    /// Firmware shipped compressed, as distributions do, is named as found, not "missing".
    @Test func compressedFirmwareIsNamed() throws {
        let dir = try ScratchDirectory("verdict")
        _ = try dir.write("fw/nvidia/ad102/gsp/gsp-535.113.01.bin.xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])
        _ = try dir.write("fw/nvidia/ad102/gsp/bootloader-535.113.01.bin.zst", [0x28, 0xb5, 0x2f, 0xfd])
        let r = try ProbeBinary.run(["firmware", "--firmware-root", dir.file("fw"), "--chip", "ad102"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("only gsp-535.113.01.bin.xz is present, compressed"), "\(r.stdout)")
        #expect(r.stdout.contains("only bootloader-535.113.01.bin.zst is present, compressed"))
    }
}
