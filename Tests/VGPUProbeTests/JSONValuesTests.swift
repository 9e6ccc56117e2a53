import Foundation
import Testing
import VGPUTestSupport

/// JSON carries values, not prose: numbers where the text shows formatted numbers, objects where it
/// shows joined strings, and the facts an inventory needs (board, counts, driver version). Each value
/// is compared with the fixture's own files or lspci, not with what the probe prints elsewhere.
struct JSONValuesTests {
    static func probe(_ host: String, _ extra: [String] = []) throws -> [String: Any] {
        let r = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root(host), "--no-firmware", "--json"] + extra)
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
    }

    /// BAR starts are integers equal to the `resource` file's first column; the capability offset and
    /// the VF-info addresses are integers too (main: BAR starts were "0x..." strings, the rest decimal).
    @Test func addressesAndSizesAreIntegers() throws {
        let doc = try Self.probe("l40-two-gpus", ["-s", "41:00.0"])
        let gpu = try #require((doc["gpus"] as? [[String: Any]])?.first)
        let resource = try String(contentsOfFile: FixtureHosts.root("l40-two-gpus") + "/bus/pci/devices/0000:41:00.0/resource", encoding: .utf8)
        let starts = resource.split(separator: "\n").prefix(6).map { UInt64($0.split(separator: " ")[0].dropFirst(2), radix: 16) ?? 0 }
        for bar in try #require(gpu["bars"] as? [[String: Any]]) {
            let index = try #require(bar["index"] as? Int)
            #expect((bar["start"] as? NSNumber)?.uint64Value == starts[index], "BAR \(index)")
        }
        let sriov = try #require(gpu["sriov"] as? [String: Any])
        #expect(sriov["capabilityOffset"] as? Int == 0xbcc)
        let identity = try #require(gpu["identity"] as? [String: Any])
        #expect((identity["boot42"] as? NSNumber)?.uint32Value == 0x192a1000)
    }

    /// The link is two numbers, as lspci reads them from the same tree (`LnkSta: Speed 16GT/s, Width x16`).
    @Test func linkIsNumbers() throws {
        let gpu = try #require((try Self.probe("l40-two-gpus", ["-s", "41:00.0"])["gpus"] as? [[String: Any]])?.first)
        let link = try #require(gpu["link"] as? [String: Any])
        let lspci = try Oracle.run("lspci", ["-A", "linux-sysfs", "-O", "sysfs.path=\(FixtureHosts.root("l40-two-gpus"))/bus/pci", "-vv", "-s", "41:00.0"]).output
        let status = try #require(lspci.split(separator: "\n").first { $0.contains("LnkSta:") }, "\(lspci)")
        #expect(status.contains("Speed \(Int(link["gtPerSecond"] as? Double ?? 0))GT/s"), "\(status)")
        #expect(status.contains("Width x\(link["width"] as? Int ?? 0)"), "\(status)")
    }

    /// Engines are `{name, type}` objects and creatable types `{id, name}`, both as the driver's own
    /// file says (main: "gr0 0x1" and "1145 NVIDIA L40S-1B" strings).
    @Test func enginesAndCreatableTypesAreObjects() throws {
        let gpu = try #require((try Self.probe("mixed")["gpus"] as? [[String: Any]])?.first)
        let engines = try #require((gpu["engines"] as? [String: Any])?["engines"] as? [[String: Any]])
        #expect(engines.first?["name"] as? String == "gr0" && engines.first?["type"] as? Int == 1)
        let types = try #require((gpu["creatableTypes"] as? [String: Any])?["types"] as? [[String: Any]])
        let vf = try #require((gpu["creatableTypes"] as? [String: Any])?["vf"] as? String)
        let file = try String(contentsOfFile: FixtureHosts.root("mixed") + "/bus/pci/devices/\(vf)/nvidia/creatable_vgpu_types", encoding: .utf8)
        let lines = file.split(separator: "\n").dropFirst().map { $0.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(types.map { "\($0["id"] as? Int ?? -1)" } == lines.map { $0[0] })
        #expect(types.map { $0["name"] as? String ?? "" } == lines.map { $0[1] })
    }

    /// The board and its framebuffer, counts of GPUs and ready ones, and the bound driver's version
    /// from `module/nvidia/version` (main: none of them).
    @Test func boardCountsAndDriverVersion() throws {
        let doc = try Self.probe("l40-two-gpus")
        let counts = try #require(doc["counts"] as? [String: Any])
        #expect(counts["gpus"] as? Int == 2 && counts["ready"] as? Int == 1)
        let gpu = try #require((doc["gpus"] as? [[String: Any]])?.first)
        let board = try #require(gpu["board"] as? [String: Any])
        #expect(board["name"] as? String == "L40" && (board["framebuffer"] as? NSNumber)?.uint64Value == 48 << 30)
        let version = try String(contentsOfFile: FixtureHosts.root("l40-two-gpus") + "/module/nvidia/version", encoding: .utf8)
        #expect(gpu["driver"] as? String == "nvidia" && gpu["driverVersion"] as? String == version.trimmingCharacters(in: .newlines))
    }
}
