import Foundation
import Testing
import VGPUTestSupport

/// The `generations` fixture host: Ada, Hopper and Blackwell PFs probed in one run, each with its own
/// firmware verified; Blackwell's VF BARs read from the capability (checked against lspci); a consumer
/// board with a single VF; boards named by the modules where the host's pci.ids does not know them.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct GenerationsHostTests {
    static let host = FixtureHosts.root("generations")

    func gpus(pciIDs: String = "/usr/share/misc/pci.ids") throws -> [String: [String: Any]] {
        let r = try ProbeBinary.run(["--sysfs-root", Self.host, "--firmware-root", RealFirmware.root, "--pci-ids", pciIDs, "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
        let list = try #require(doc["gpus"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.compactMap { g in (g["address"] as? String).map { ($0, g) } })
    }

    func check(_ gpu: [String: Any]?, _ name: String) -> [String: Any]? {
        ((gpu?["readiness"] as? [String: Any])?["checks"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    @Test func everyGenerationsFirmwareVerifiesInOneRun() throws {
        let gpus = try gpus()
        let expected = [("0000:41:00.0", "AD102", "ada", 5), ("0000:61:00.0", "GH100", "hopper", 3), ("0000:81:00.0", "GH100", "hopper", 3),
                        ("0000:a1:00.0", "GB202", "blackwell", 3), ("0000:c1:00.0", "GB202", "blackwell", 3)]
        for (address, chip, module, files) in expected {
            let gpu = try #require(gpus[address], "\(address)")
            #expect(gpu["chip"] as? String == chip && gpu["module"] as? String == module, "\(address)")
            let firmware = try #require(gpu["firmware"] as? [String: Any], "\(address)")
            #expect(firmware["ok"] as? Bool == true && firmware["loader"] as? String == "nova-core" && firmware["release"] as? String == "570.144", "\(address) \(firmware)")
            #expect(firmware["files"] as? Int == files, "\(address)")
            if module != "ada" {
                #expect((firmware["paths"] as? [String])?.contains("nvidia/\(chip.lowercased())/gsp/fmc-570.144.bin") == true, "\(address) \(firmware)")
            }
        }
    }

    /// Blackwell's VFs decode three 64-bit BARs at 0/2/4: GSP_VF_INFO takes them from the capability,
    /// as lspci reads them.
    @Test func blackwellVFBARsComeFromTheCapability() throws {
        let vf = try #require((try gpus()["0000:a1:00.0"]?["vfInfo"] as? [String: Any])?["fields"] as? [String: Any])
        let (text, status) = try Oracle.run("lspci", ["-A", "linux-sysfs", "-O", "sysfs.path=\(Self.host)/bus/pci", "-vvv", "-s", "a1:00.0"])
        try #require(status == 0)
        let iov = try #require(text.components(separatedBy: "Single Root I/O Virtualization").last)
        let regions = iov.split(separator: "\n").filter { $0.contains("Region ") }.prefix(3).map { line -> (Int, UInt64, Bool) in
            let index = Int(line.split(separator: "Region ")[1].prefix(1)) ?? -1
            let address = UInt64(line.split(separator: "Memory at ")[1].prefix(16), radix: 16) ?? 0
            return (index, address, line.contains("64-bit"))
        }
        #expect(regions.map(\.0) == [0, 2, 4], "\(regions)")
        #expect([vf["firstVFBar0Address"], vf["firstVFBar1Address"], vf["firstVFBar2Address"]].compactMap { ($0 as? NSNumber)?.uint64Value } == regions.map(\.1))
        #expect([vf["bar0Is64Bit"], vf["bar1Is64Bit"], vf["bar2Is64Bit"]].compactMap { $0 as? Bool } == regions.map(\.2))
        #expect(vf["totalVFs"] as? Int == 48)
    }

    @Test func aConsumerBoardWithOneVFIsNotAVGPUHost() throws {
        let sriov = check(try gpus()["0000:c1:00.0"], "sriov")
        #expect(sriov?["ok"] as? Bool == false)
        #expect((sriov?["detail"] as? String)?.hasPrefix("SR-IOV capability allows a single VF: this board is not a vGPU host") == true, "\(sriov ?? [:])")
    }

    /// nova-core hosts vGPU on GB20x only; on Hopper the report says who does.
    @Test func upstreamVGPUIsBlackwellOnly() throws {
        let gpus = try gpus()
        let hopper = check(gpus["0000:61:00.0"], "vgpu-boot")
        #expect(hopper?["ok"] as? Bool == false)
        #expect((hopper?["detail"] as? String)?.contains("on Hopper NVIDIA's vGPU host driver does (the H100, H200 and H20 vGPU types)") == true)
        let blackwell = check(gpus["0000:a1:00.0"], "vgpu-boot")
        #expect(blackwell?["ok"] as? Bool == true)
        #expect(blackwell?["detail"] as? String == "nova-core can boot the GSP in vGPU mode: 570.144, 581 MiB heap for 32 VF partitions")
    }

    /// `plan -s --vgpu` makes the plan `vgpu-boot` makes, so it refuses what the check fails: the H100
    /// bound to nova-core gets the layout nova-core would use, with the reason as a warning and exit 1
    /// (main printed the plan with no warning and exited 0); the RTX PRO 6000, which nova-core hosts, plans.
    @Test func aVGPUPlanForADriverWithoutVGPUIsRefusedAsTheCheckIs() throws {
        let hopper = try ProbeBinary.run(["plan", "--sysfs-root", Self.host, "--firmware-root", RealFirmware.root, "-s", "61:00.0", "--vgpu"])
        #expect(hopper.status == 1 && hopper.stdout.contains("warning: nova-core enables vGPU on Blackwell GB20x only"), "\(hopper.stdout)")
        let json = try ProbeBinary.run(["plan", "--sysfs-root", Self.host, "--firmware-root", RealFirmware.root, "-s", "61:00.0", "--vgpu", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let reason = try #require((check(try gpus()["0000:61:00.0"], "vgpu-boot")?["detail"] as? String)?.split(separator: ": ", maxSplits: 1).last)
        #expect((doc["warnings"] as? [String])?.first == String(reason), "\(doc["warnings"] ?? "none")")
        let blackwell = try ProbeBinary.run(["plan", "--sysfs-root", Self.host, "--firmware-root", RealFirmware.root, "-s", "a1:00.0", "--vgpu"])
        #expect(blackwell.status == 0 && !blackwell.stdout.contains("warning:"), "\(blackwell.stdout)")
        // A bare-metal plan is not a vGPU question.
        #expect(try ProbeBinary.run(["plan", "--sysfs-root", Self.host, "--firmware-root", RealFirmware.root, "-s", "61:00.0"]).status == 0)
    }

    /// `simulate -s` always runs NVIDIA's vGPU host driver; on a GPU bound to another driver it says so.
    @Test func aSimulationSaysWhoseDriverItRuns() throws {
        let r = try ProbeBinary.run(["simulate", "--sysfs-root", Self.host, "--firmware-root", RealFirmware.root, "-s", "41:00.0",
                                     "--plan", RealFirmware.packageRoot.appendingPathComponent("docs/plans/l40s-fill-and-refill.json").path])
        #expect(r.stdout.contains("note: the GPU is bound to nova_core, which hosts no vGPU on AD102: this simulates NVIDIA's vGPU host driver (nvidia)"),
                "\(r.stdout)")
    }

    /// Debian bookworm's pci.ids (2023) lacks the H200 and the RTX PRO 6000; the modules' board tables name them.
    @Test(.enabled(if: FleetTools.shouldRun, Comment(rawValue: FleetTools.skipReason)))
    func boardsAreNamedWhereThePCIIDsAreOld() throws {
        let old = try gpus()
        #expect(old["0000:81:00.0"]?["name"] as? String == "H200" && old["0000:81:00.0"]?["nameSource"] as? String == "module hopper")
        #expect(old["0000:a1:00.0"]?["name"] as? String == "RTX PRO 6000 Blackwell Server Edition"
                && old["0000:a1:00.0"]?["nameSource"] as? String == "module blackwell")
        let current = try gpus(pciIDs: FleetTools.pciIDs)
        #expect(current["0000:81:00.0"]?["nameSource"] as? String == "pci.ids" && current["0000:a1:00.0"]?["nameSource"] as? String == "pci.ids")
        #expect((current["0000:a1:00.0"]?["name"] as? String)?.contains("RTX PRO 6000 Blackwell Server Edition") == true)
    }
}
