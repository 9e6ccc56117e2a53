import Foundation
import Testing
import VGPUTestSupport

/// VF info, engines and vGPU types as the probe, plan and types commands show them.
struct VGPUResourceCommandTests {
    func json(_ args: [String]) throws -> (Int32, [String: Any]) {
        let run = try ProbeBinary.run(args)
        return (run.status, (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:])
    }

    func gpus(_ host: String) throws -> [[String: Any]] {
        try json(["--sysfs-root", FixtureHosts.root(host), "--no-firmware", "--json"]).1["gpus"] as? [[String: Any]] ?? []
    }

    @Test func vfInfoOfTheL40HostByteForByte() throws {
        let pf = try #require(try gpus("l40-two-gpus").first)
        let vf = try #require(pf["vfInfo"] as? [String: Any])
        // From the fixture's resource file: VF BAR0 0xb1080000 (32-bit), VF BAR1 0x21000000000 and
        // VF BAR3 0x22000000000 (64-bit); TotalVFs 32, First VF Offset 4 (GSP-FACTS section 6 layout).
        let expected = "20000000" + "04000000" + "000008b100000000" + "0000000010020000" + "0000000020020000" + "00" + "01" + "01" + "0000000000"
        #expect(vf["hex"] as? String == expected)
        let engines = try #require(pf["engines"] as? [String: Any])
        #expect(engines["numbering"] as? String == "r535")
        #expect((engines["engines"] as? [[String: Any]])?.count == 19)
    }

    @Test func unprivilegedHostGetsTheSameVFInfoFromSysfs() throws {
        let privileged = try #require(try gpus("l40-two-gpus").first?["vfInfo"] as? [String: Any])
        let unprivileged = try #require(try gpus("l40-unprivileged").first?["vfInfo"] as? [String: Any])
        // Same board layout at the same addresses: the sysfs path must agree with the config path.
        #expect(unprivileged["hex"] as? String == privileged["hex"] as? String)
    }

    @Test func refusedVFInfo() throws {
        let t4 = try #require(try gpus("t4").first)
        let unsent = try #require(t4["vfInfo"] as? [String: Any])
        #expect(unsent["fields"] == nil && (unsent["unavailable"] as? String)?.contains("hosts vGPUs as mediated devices on the PF") == true, "\(unsent)")
        let rtx = try #require(try gpus("rtx4090").first)
        #expect(rtx["vfInfo"] == nil && rtx["vgpuTypes"] == nil)
    }

    @Test func mixedHostShowsTypesAndTheDriverList() throws {
        let l40s = try #require(try gpus("mixed").first)
        let types = try #require(l40s["vgpuTypes"] as? [[String: Any]])
        #expect(types.count == 30)
        #expect(types.first { $0["name"] as? String == "NVIDIA L40S-12Q" }?["fits"] as? Int == 4)
        let creatable = try #require(l40s["creatableTypes"] as? [String: Any])
        let first = (creatable["types"] as? [[String: Any]])?.first
        #expect(first?["id"] as? Int == 1145 && first?["name"] as? String == "NVIDIA L40S-1B")
        let differences = creatable["differences"] as? [String] ?? []
        #expect(differences.count == 1 && differences[0].contains("C-series"))
    }

    /// Values no source gives are marked as assumed, in the table (`~`) and in JSON, and every
    /// catalogue names the driver release it describes.
    @Test(arguments: ["L40S", "L40", "L4", "L20", "RTX 6000 Ada", "A40", "A10"])
    func assumedValuesAndTheDriverReleaseAreShown(board: String) throws {
        let (status, doc) = try json(["types", "--board", board, "--json"])
        #expect(status == 0)
        #expect(doc["driverRelease"] as? String == "550.54.16")
        let rows = try #require(doc["types"] as? [[String: Any]]).compactMap { $0["type"] as? [String: Any] }
        let assumed = rows.filter { ($0["assumed"] as? [String])?.isEmpty == false }
        // Every C-series row but L40S-48C has an assumed name; L40S-3B assumed heads and limits.
        for row in rows where row["series"] as? String == "C" && row["name"] as? String != "NVIDIA L40S-48C" {
            #expect((row["assumed"] as? [String])?.contains("name") == true, "\(row["name"] ?? "")")
        }
        let text = try ProbeBinary.run(["types", "--board", board])
        #expect(text.stdout.contains("Catalogue describes NVIDIA vGPU driver 550.54.16"))
        #expect(text.stdout.contains("~ assumed") == !assumed.isEmpty)
        if board == "L40S" {
            let b3 = try #require(rows.first { $0["name"] as? String == "NVIDIA L40S-3B" })
            #expect(b3["assumed"] as? [String] == ["heads", "maxResolution", "frameRateLimit", "maxInstances"])
            #expect(text.stdout.contains("~NVIDIA L40S-4C") && !text.stdout.contains("~NVIDIA L40S-48C"))
        }
    }

    /// NVIDIA's published C-series types for the A40 and A10 (AI Enterprise 6.x tables): sizes and the
    /// maximum per GPU in equal-size and mixed-size mode.
    @Test(arguments: [("A40", [48: (1, 1), 24: (2, 2), 16: (3, 2), 12: (4, 4), 8: (6, 4), 6: (8, 8), 4: (12, 8)]),
                      ("A10", [24: (1, 1), 12: (2, 2), 8: (3, 2), 6: (4, 4), 4: (6, 4)])])
    func ampereCSeries(board: String, table: [Int: (Int, Int)]) throws {
        let (status, doc) = try json(["types", "--board", board, "--json"])
        #expect(status == 0)
        let rows = try #require(doc["types"] as? [[String: Any]]).compactMap { $0["type"] as? [String: Any] }
        let c = rows.filter { $0["series"] as? String == "C" }
        #expect(c.count == table.count)
        for (gib, (equal, mixed)) in table {
            let row = try #require(c.first { $0["name"] as? String == "NVIDIA \(board)-\(gib)C" })
            #expect(row["framebufferMiB"] as? Int == gib * 1024 && row["heads"] as? Int == 1 && row["maxResolution"] as? String == "3840x2400")
            #expect(row["maxInstances"] as? Int == equal && row["maxInstancesMixedSize"] as? Int == mixed, "\(board)-\(gib)C")
        }
    }

    @Test func typesCommand() throws {
        let (status, doc) = try json(["types", "--board", "L40S", "--json"])
        #expect(status == 0)
        #expect(doc["schema"] as? String == "vgpukit.types/2")
        let rows = try #require(doc["types"] as? [[String: Any]])
        #expect(rows.count == 30)
        let q12 = try #require(rows.first { ($0["type"] as? [String: Any])?["name"] as? String == "NVIDIA L40S-12Q" })
        #expect((q12["capacity"] as? [String: Any])?["fits"] as? Int == 4)
        let place = try json(["types", "--board", "L40S", "--place", "4x12Q,2x3Q", "--json"])
        #expect(place.0 == 1, "not everything fits")
        #expect(((place.1["placement"] as? [String: Any])?["placements"] as? [Any])?.count == 6)
        #expect(try ProbeBinary.run(["types", "--board", "A100"]).status == 64)
        #expect(try ProbeBinary.run(["types", "--board", "L40S", "--place", "3xZZ"]).status == 64)
        #expect(try ProbeBinary.run(["types", "--board", "L40S", "--vmmu-segment", "100"]).status == 64)
        let t4 = try ProbeBinary.run(["types", "-s", "3b:00.0", "--sysfs-root", FixtureHosts.root("t4")])
        #expect(t4.status == 0, "a T4's types count no VFs: \(t4.stderr)")
        #expect(try ProbeBinary.run(["types", "-s", "01:00.0", "--sysfs-root", FixtureHosts.root("rtx4090")]).status == 1)
        let gpu = try json(["types", "-s", "86:00.0", "--sysfs-root", FixtureHosts.root("mixed"), "--json"])
        // Counted on the 4 VFs the host has enabled, not its 32.
        #expect(gpu.0 == 0 && gpu.1["board"] as? String == "L40S" && gpu.1["vfs"] as? Int == 4)
    }

    /// The board names the probe prints (a module's board table) lead to the catalogue too: main
    /// refused "H100 PCIe" and "H200", which the probe showed, with exit 64.
    @Test(arguments: [("H100 PCIe", "H100 PCIe 80GB"), ("H200", "H200 SXM5 141GB"), ("h100-pcie", "H100 PCIe 80GB"), ("2331", "H100 PCIe 80GB")])
    func theProbesBoardNamesFindTheirCatalogue(name: String, catalogue: String) throws {
        let (status, doc) = try json(["types", "--board", name, "--json"])
        #expect(status == 0 && doc["board"] as? String == catalogue, "\(doc)")
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func planWithVGPUCarriesVFInfoIntoTheSimulatedBoot() throws {
        let (status, doc) = try json(["plan", "-s", "41:00.0", "--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--vgpu", "--simulate",
                                      "--json", "--firmware-root", RealFirmware.root])
        #expect(status == 0)
        #expect((doc["vfInfo"] as? [String: Any])?["hex"] as? String != nil)
        #expect((doc["engines"] as? [String: Any])?["bitmap"] != nil)
        #expect((doc["simulation"] as? [String: Any])?["ok"] as? Bool == true)
    }
}
