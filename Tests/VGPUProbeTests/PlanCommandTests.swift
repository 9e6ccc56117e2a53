import Foundation
import Testing
import VGPUTestSupport

/// `vgpu-probe plan` as a user runs it, on the real firmware.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct PlanCommandTests {
    func plan(_ args: [String]) throws -> (status: Int32, doc: [String: Any]?, stderr: String) {
        let run = try ProbeBinary.run(["plan", "--firmware-root", RealFirmware.root] + args)
        let doc = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return (run.status, doc, run.stderr)
    }

    func layout(_ doc: [String: Any]?, _ region: String) -> [String: Any]? {
        ((doc?["plan"] as? [String: Any])?["layout"] as? [String: Any])?[region] as? [String: Any]
    }

    @Test func bareMetalNumbersFromTheRealFirmware() throws {
        let r = try plan(["--chip", "ad102", "--fb-size", "48G", "--json"])
        #expect(r.status == 0)
        #expect(r.doc?["schema"] as? String == "vgpukit.plan/2")
        let p = r.doc?["plan"] as? [String: Any]
        #expect((p?["heap"] as? [String: Any])?["size"] as? UInt64 == 129 << 20)
        #expect(layout(r.doc, "wpr2")?["start"] as? UInt64 == 0xbf5700000)
        #expect((r.doc?["plan"] as? [String: Any]).flatMap { ($0["meta"] as? [String: Any])?["gspFwRsvdStart"] as? UInt64 } == 0xbf5600000)
        #expect(layout(r.doc, "wpr2")?["size"] as? UInt64 == 168 << 20)
        #expect(layout(r.doc, "gspImage")?["size"] as? UInt64 == 0x2448000, "the .fwimage size of the real file")
        #expect(layout(r.doc, "bootloader")?["size"] as? UInt64 == 0x8000, "the real bootloader's data_size")
        let hex = (r.doc?["metaHex"] as? [String])?.joined()
        #expect(hex?.count == 512)
        #expect(hex?.hasPrefix("b3601a3721ae3adc01") == true)
        #expect((r.doc?["warnings"] as? [Any])?.isEmpty == true)
    }

    @Test func vgpuNumbersAndTheScrubberByDriver() throws {
        // NVIDIA's driver carries the AD10x scrubber: the plan runs it and the simulated boot succeeds.
        let r = try plan(["--chip", "AD102", "--fb-size", "0xc00000000", "--vgpu", "--json", "--simulate"])
        #expect(r.status == 0)
        let p = r.doc?["plan"] as? [String: Any]
        #expect((p?["heap"] as? [String: Any])?["size"] as? UInt64 == 549 << 20)
        #expect((p?["heap"] as? [String: Any])?["vfPartitionCount"] as? Int == 32)
        #expect((p?["heap"] as? [String: Any])?["requiresScrubber"] as? Bool == true)
        #expect(layout(r.doc, "wpr2")?["start"] as? UInt64 == 0xbdb300000)
        #expect((p?["meta"] as? [String: Any])?["gspFwRsvdStart"] as? UInt64 == 0xbdb200000)
        #expect((r.doc?["warnings"] as? [Any])?.isEmpty == true)
        #expect((r.doc?["simulation"] as? [String: Any])?["ok"] as? Bool == true)
        // nouveau has no code that runs the scrubber: the plan fails, says why on stderr, and the simulated
        // boot fails as the hardware would.
        let n = try plan(["--chip", "AD102", "--fb-size", "0xc00000000", "--vgpu", "--json", "--simulate", "--driver", "nouveau"])
        #expect(n.status == 1 && n.stderr.contains("scrubber"))
        #expect((n.doc?["simulation"] as? [String: Any])?["ok"] as? Bool == false)
    }

    /// Both linux-firmware releases plan on every chip of every module from the real files, bare metal
    /// and vGPU; the 570 plan uses the 570 files and the 570 meta.
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func everyChipPlansAtBothReleases() throws {
        let chips = ["tu102", "tu104", "tu106", "tu116", "tu117", "ga100", "ga102", "ga103", "ga104", "ga106", "ga107",
                     "ad102", "ad103", "ad104", "ad106", "ad107"]
        for chip in chips {
            for release in ["535.113.01", "570.144"] {
                for vgpu in [false, true] {
                    let r = try plan(["--chip", chip, "--fb-size", "16G", "--release", release, "--json"] + (vgpu ? ["--vgpu"] : []))
                    #expect(r.status == 0, "\(chip) \(release) vgpu \(vgpu): \(r.stderr)")
                    let p = r.doc?["plan"] as? [String: Any]
                    #expect(p?["release"] as? String == release && p?["metaVariant"] as? String == (release == "570.144" ? "r570" : "r535"), "\(chip) \(release)")
                    let files = r.doc?["firmwareFiles"] as? [String] ?? []
                    // Resolved paths: the image is the release's (TU10x's 570 bootloader is a link to 535's).
                    #expect(files.first?.hasSuffix("/gsp-\(release).bin") == true, "\(chip) \(release): \(files)")
                }
            }
        }
    }

    @Test func planForAProbedGPUUsesTheBoardSize() throws {
        let r = try plan(["-s", "41:00.0", "--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--json"])
        #expect(r.status == 0)
        #expect(r.doc?["board"] as? String == "L40")
        #expect(r.doc?["address"] as? String == "0000:41:00.0")
        #expect(layout(r.doc, "wpr2")?["start"] as? UInt64 == 0xbf5700000)
    }

    /// A vGPU-mode plan for a GPU that cannot host vGPUs (an RTX 4090: no SR-IOV capability) is the layout
    /// the driver would use, printed and refused: exit 1, the reason in warnings and as GSP_VF_INFO's
    /// absence (main planned it with VF partition count 32 and exit 0). Bare metal plans as before, and a
    /// GPU with usable VFs still plans in vGPU mode.
    @Test func aVGPUPlanForAGPUWithoutVFsIsRefused() throws {
        let rtx = ["-s", "01:00.0", "--sysfs-root", FixtureHosts.root("rtx4090"), "--json"]
        let vgpu = try plan(rtx + ["--vgpu"])
        #expect(vgpu.status == 1)
        let warning = "vGPU mode on 0000:01:00.0: no SR-IOV capability: this GPU cannot host vGPUs"
        #expect(vgpu.doc?["warnings"] as? [String] == [warning])
        #expect(vgpu.stderr.contains(warning), "\(vgpu.stderr)")
        #expect((vgpu.doc?["vfInfo"] as? [String: Any])?["unavailable"] as? String == "not sent: no SR-IOV capability: this GPU cannot host vGPUs")
        let bare = try plan(rtx)
        #expect(bare.status == 0 && bare.doc?["warnings"] as? [String] == [])
        let l40 = try plan(["-s", "41:00.0", "--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--vgpu", "--json"])
        #expect(l40.status == 0 && l40.doc?["warnings"] as? [String] == [], "\(l40.stderr)")
    }

    /// A framebuffer too small for the layout names the smallest that holds the plan, and that size
    /// plans while 128 KiB less does not (main named 41280 KiB for AD102, without the heap, "1 MiB" for
    /// 1 MiB, and for GH100 more than it takes).
    @Test(arguments: [("ad102", "10M"), ("ad102", "1M"), ("gh100", "199M")])
    func aTooSmallFramebufferNamesOneThatWorks(chip: String, fb: String) throws {
        let small = try plan(["--chip", chip, "--fb-size", fb])
        let named = try #require(small.stderr.firstMatch(of: /the smallest that holds this plan is (\d+) KiB/)?.1, "\(small.stderr)")
        let kib = try #require(UInt64(named))
        #expect(small.status == 64)
        #expect(try plan(["--chip", chip, "--fb-size", "\(kib)K"]).status == 0)
        #expect(try plan(["--chip", chip, "--fb-size", "\(kib - 128)K"]).status == 64)
    }

    /// A plan's note (GA10x in vGPU mode: NVIDIA's open driver stops where the scrubber would run) is in
    /// every form of the plan: main printed it in the text and JSON of one plan, but not in the
    /// comparison's text nor in any picture.
    @Test func notesAreInEveryForm() throws {
        let note = "GA102 has no scrubber ucode: NVIDIA's open driver stops at this point"
        let one = try ProbeBinary.run(["plan", "--firmware-root", RealFirmware.root, "--chip", "ga102", "--fb-size", "48G", "--vgpu"])
        #expect(one.stdout.contains("note: the 590 MiB") && one.stdout.contains(note))
        let compared = try ProbeBinary.run(["plan", "--firmware-root", RealFirmware.root, "--chip", "ga102", "--fb-size", "48G", "--compare"])
        #expect(compared.stdout.contains("note (B): the 590 MiB") && compared.stdout.contains(note), "\(compared.stdout)")
        for extra in [["--vgpu"], ["--compare"]] {
            let svg = try ProbeBinary.run(["plan", "--firmware-root", RealFirmware.root, "--chip", "ga102", "--fb-size", "48G", "--format", "svg"] + extra)
            // Wrapped to the picture's width.
            #expect(svg.stdout.contains("note: the 590 MiB") && svg.stdout.contains("open driver stops at this point"), "\(extra)")
        }
    }

    @Test func refusals() throws {
        #expect(try plan(["--chip", "ad102"]).status == 64)                                   // no --fb-size
        #expect(try plan(["--chip", "ad102", "--fb-size", "48X"]).status == 64)
        #expect(try plan(["--chip", "ad102", "--fb-size", "48G", "--heap", "600M"]).status == 64)  // --heap without --vgpu
        let range = try plan(["--chip", "ad102", "--fb-size", "48G", "--vgpu", "--heap", "2G"])
        #expect(range.status == 64 && range.stderr.contains("549 MiB...1 GiB"))
        // NVIDIA's override is in MB: main reported 614401 KiB and laid out 600 MiB.
        let partial = try plan(["--chip", "ad102", "--fb-size", "48G", "--vgpu", "--heap", "614401K"])
        #expect(partial.status == 64 && partial.stderr.contains("629146624 bytes is not a whole number of MiB"), "\(partial.stderr)")
        let small = try plan(["--chip", "ad107", "--fb-size", "64M"])
        #expect(small.status == 64 && small.stderr.contains("too small"))
        // A release spelled without its zero padding plans, and says the manifest's spelling (main: "535.113.1").
        let unpadded = try plan(["--chip", "ad102", "--fb-size", "48G", "--release", "535.113.1", "--json"])
        #expect(unpadded.status == 0 && (unpadded.doc?["plan"] as? [String: Any])?["release"] as? String == "535.113.01")
        // A release the chip's module has no rules for names the ones it has (main named none).
        let hopper = try plan(["--chip", "gh100", "--fb-size", "80G", "--release", "535.113.01"])
        #expect(hopper.status == 64 && hopper.stderr.contains("no GSP heap parameters for GH100 at 535.113.01; supported: 570.144"), "\(hopper.stderr)")
        let driverLayout = try plan(["--chip", "ad102", "--fb-size", "48G", "--release", "535.261.03"])
        #expect(driverLayout.status == 64 && driverLayout.stderr.contains("no bootloader"))
        #expect(try plan(["-s", "3b:00.0", "--sysfs-root", FixtureHosts.root("no-nvidia")]).status == 1)  // no GPU there
    }

    /// With -s, the plan follows the driver the GPU is bound to: nouveau's rules and the release nouveau
    /// loads (570.144 when present), whose vGPU plan fails for want of the scrubber that nouveau has no
    /// code to run, though 570.144 ships its file; NVIDIA's rules when asked, which run it.
    @Test func planFollowsTheBoundDriver() throws {
        let dir = try ScratchDirectory("bound-driver")
        let root = try FixtureHosts.copy("l40-two-gpus", in: dir)
        try FileManager.default.createDirectory(atPath: root + "/bus/pci/drivers/nouveau", withIntermediateDirectories: true)
        let link = root + "/devices/pci0000:40/0000:40:01.1/0000:41:00.0/driver"
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../../../../bus/pci/drivers/nouveau")
        let bound = try plan(["-s", "41:00.0", "--sysfs-root", root, "--vgpu", "--json"])
        #expect(bound.status == 1, "\(bound.stderr)")
        #expect(bound.stderr.contains("nouveau has no code that runs it (linux-firmware ships it as nvidia/ad102/gsp/scrubber-570.144.bin"), "\(bound.stderr)")
        #expect((bound.doc?["plan"] as? [String: Any])?["release"] as? String == "570.144")
        #expect((bound.doc?["plan"] as? [String: Any])?["driver"] as? String == "nouveau")
        let old = try plan(["-s", "41:00.0", "--sysfs-root", root, "--vgpu", "--json", "--release", "535.113.01"])
        #expect(old.status == 1 && old.stderr.contains("release 535.113.01 ships no scrubber file for AD102"), "\(old.stderr)")
        let asked = try plan(["-s", "41:00.0", "--sysfs-root", root, "--vgpu", "--json", "--driver", "nvidia"])
        #expect(asked.status == 0 && (asked.doc?["plan"] as? [String: Any])?["driver"] as? String == "nvidia")
        let heap = ((asked.doc?["plan"] as? [String: Any])?["heap"] as? [String: Any])?["scrubber"] as? String
        #expect(heap == "built into NVIDIA's driver; linux-firmware ships it as nvidia/ad102/gsp/scrubber-570.144.bin", "\(heap ?? "")")
    }

    /// GA100 by NVIDIA's rules has no FRTS and no FWSEC-FRTS step; by nouveau's, 1 MiB and the step.
    @Test func ga100FRTSByDriver() throws {
        let nvidia = try plan(["--chip", "ga100", "--fb-size", "80G", "--json"])
        let nouveau = try plan(["--chip", "ga100", "--fb-size", "80G", "--json", "--driver", "nouveau"])
        #expect(nvidia.status == 0 && nouveau.status == 0)
        #expect(layout(nvidia.doc, "frts")?["size"] as? UInt64 == 0 && layout(nouveau.doc, "frts")?["size"] as? UInt64 == 1 << 20)
        func phases(_ doc: [String: Any]?) -> [String] { ((doc?["plan"] as? [String: Any])?["steps"] as? [[String: Any]])?.compactMap { $0["phase"] as? String } ?? [] }
        #expect(!phases(nvidia.doc).contains("frts") && phases(nouveau.doc).contains("frts"))
        let meta = { (doc: [String: Any]?) in ((doc?["plan"] as? [String: Any])?["meta"] as? [String: Any])?["gspFwRsvdStart"] as? UInt64 }
        #expect(meta(nvidia.doc).map { $0 - (1 << 20) } == meta(nouveau.doc))
        let nova = try plan(["--chip", "ga100", "--fb-size", "80G", "--json", "--driver", "nova-core"])
        #expect(layout(nova.doc, "frts")?["size"] as? UInt64 == 1 << 20 && meta(nova.doc) == meta(nouveau.doc))
    }
}
