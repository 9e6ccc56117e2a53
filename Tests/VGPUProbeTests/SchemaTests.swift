import Foundation
import Testing
import VGPUCore
import VGPUProbe
import VGPUTestSupport

/// Every document kind validates against its schema in schemas/ with a real validator (Python's
/// `jsonschema`), over every fixture host, chip and board; and the validator does fail a document that
/// breaks its schema. (scripts/test.sh also validates every document the rest of the suite prints.)
@Suite(.enabled(if: SchemaValidator.python != nil, "no python3 with the jsonschema module (scripts/setup.sh installs python3-jsonschema)"))
struct SchemaTests {
    static let validator = SchemaValidator.script

    /// The command lines whose documents are validated: each kind, with and without firmware, with
    /// placements, simulations and failures.
    static var commandLines: [[String]] {
        let hosts = FixtureHosts.all
        let fw = ["--firmware-root", RealFirmware.root]
        var lines = hosts.flatMap { [["--sysfs-root", FixtureHosts.root($0), "--json"] + fw, ["--sysfs-root", FixtureHosts.root($0), "--json", "--no-firmware"]] }
        lines += [["firmware", "--json"] + fw, ["firmware", "--json", "--no-digest"] + fw, ["firmware", "--json", "--release", "535.261.03"] + fw,
                  ["firmware", "--json", "--release", "570.144"] + fw, ["plan", "--json", "--chip", "ad102", "--fb-size", "48G", "--vgpu", "--release", "570.144"] + fw,
                  ["types", "--json", "-s", "3b:00.0", "--sysfs-root", FixtureHosts.root("t4")],
                  ["firmware", "--json", "--elf", RealFirmware.path("nvidia/ad102/gsp/gsp-535.113.01.bin")]]
        for chip in ["ad102", "ad104", "ga100", "ga102"] {
            lines += [["plan", "--json", "--chip", chip, "--fb-size", "24G"] + fw, ["plan", "--json", "--chip", chip, "--fb-size", "48G", "--vgpu", "--simulate"] + fw,
                      ["plan", "--json", "--chip", chip, "--fb-size", "48G", "--vgpu", "--driver", "nouveau", "--simulate"] + fw]
        }
        // The FSP path: its layout terms, the chain of trust and a boot through the simulated FSP.
        for chip in ["gh100", "gb100", "gb202"] {
            lines += [["plan", "--json", "--chip", chip, "--fb-size", "80G"] + fw, ["plan", "--json", "--chip", chip, "--fb-size", "96G", "--vgpu", "--simulate"] + fw]
        }
        lines += [["plan", "--json", "-s", "41:00.0", "--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--vgpu"] + fw]
        for board in ["H100 PCIe 80GB", "B200", "RTX PRO 6000 Blackwell Server Edition"] { lines += [["types", "--json", "--board", board]] }
        for board in ["L40", "L40S", "L4", "A40", "RTX 6000 Ada"] { lines += [["types", "--json", "--board", board], ["types", "--json", "--board", board, "--place", "2x12Q,4x3Q"]] }
        lines += [["types", "--json", "-s", "86:00.0", "--sysfs-root", FixtureHosts.root("mixed")],
                  ["types", "--json", "-s", "41:00.0", "--sysfs-root", FixtureHosts.root("l40s-in-use"), "--place", "3x12Q"]]
        let plans = RealFirmware.packageRoot.appendingPathComponent("docs/plans").path
        for plan in ["l40s-fill-and-refill.json", "failures-and-unwinding.json"] {
            lines += [["simulate", "--json", "--plan", plans + "/" + plan, "--board", "L40S"] + fw,
                      ["simulate", "--json", "--each-step", "--plan", plans + "/" + plan, "--board", "L40S"] + fw]
        }
        // Comparisons: two releases, and bare metal against vGPU on the FSP path.
        lines += [["plan", "--json", "--compare", "--chip", "ad102", "--fb-size", "48G", "--vgpu", "--release", "535.113.01", "--release", "570.144"] + fw,
                  ["plan", "--json", "--compare", "--chip", "gb202", "--fb-size", "96G"] + fw]
        // Failures: the error document.
        lines += [["--json", "--sysfs-root", "/nonexistent"], ["plan", "--json", "--chip", "zz", "--fb-size", "1G"], ["firmwre", "--json"]]
        return lines
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func everyDocumentKindValidates() throws {
        let dir = try ScratchDirectory("schemas")
        var kinds = Set<String>()
        for (n, line) in Self.commandLines.enumerated() {
            let r = try ProbeBinary.run(line)
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(line): \(r.stderr)")
            kinds.insert(doc["schema"] as? String ?? "none")
            _ = try dir.write("doc-\(n).json", Array(r.stdout.utf8))
        }
        #expect(kinds == ["vgpukit.probe/2", "vgpukit.firmware/1", "vgpukit.elf/1", "vgpukit.plan/2", "vgpukit.types/2", "vgpukit.simulation/2", "vgpukit.error/1",
                          "vgpukit.plan-comparison/1"])
        let result = try Oracle.run(try #require(SchemaValidator.python), [Self.validator, dir.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\(Self.commandLines.count) document(s), 0 error(s)"), "\(result.output)")
    }

    /// A BAR start as a string (probe/1's encoding), a missing count, an unknown check name and an
    /// unknown schema version are each refused: the schemas constrain what they describe.
    @Test func theValidatorRefusesBrokenDocuments() throws {
        let dir = try ScratchDirectory("schemas-broken")
        let good = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("l40-two-gpus"), "--no-firmware", "--json"]).stdout
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(good.utf8)) as? [String: Any])
        func variant(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> String {
            var copy = doc
            change(&copy)
            return try dir.write(name + ".json", Array(try JSONSerialization.data(withJSONObject: copy)))
        }
        func firstGPU(_ d: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
            var gpus = d["gpus"] as! [[String: Any]]
            change(&gpus[0])
            d["gpus"] = gpus
        }
        let python = try #require(SchemaValidator.python)
        #expect(try Oracle.run(python, [Self.validator, try variant("good") { _ in }]).status == 0)
        let broken = [
            try variant("bar-start-string") { d in firstGPU(&d) { g in var bars = g["bars"] as! [[String: Any]]; bars[0]["start"] = "0xb0000000"; g["bars"] = bars } },
            try variant("no-counts") { d in d["counts"] = nil },
            try variant("unknown-check") { d in firstGPU(&d) { g in var r = g["readiness"] as! [String: Any]; var c = r["checks"] as! [[String: Any]]; c[0]["name"] = "module"; r["checks"] = c; g["readiness"] = r } },
            try variant("old-schema") { d in d["schema"] = "vgpukit.probe/1" },
        ]
        for file in broken {
            let r = try Oracle.run(python, [Self.validator, file])
            #expect(r.status != 0, "\(file) validated: \(r.output)")
        }
    }
}

/// scripts/validate_json.py and a Python to run it.
enum SchemaValidator {
    /// A Python that has `jsonschema`.
    static let python: String? = ["python3", "/usr/bin/python3"].first { (try? Oracle.run($0, ["-c", "import jsonschema"]).status) == 0 }
    static let script = RealFirmware.packageRoot.appendingPathComponent("scripts/validate_json.py").path
}

/// The names outputs use for checks, identity sources, vGPU interfaces, boot phases and FB regions are
/// typed lists (`HostReport.Check.Name`, `HostReport.Identity.Source`, `VGPUInterfaceReport.Kind`,
/// `GSPBootStep.Phase`, `FBRegion.Name`); each
/// schema's enum must be that list, so a case added in code
/// cannot go unlisted (and the validator then refuses any other name).
struct SchemaNameListTests {
    /// The schema at `schemas/<file>`.
    static func schema(_ file: String) throws -> [String: Any] {
        let url = RealFirmware.packageRoot.appendingPathComponent("schemas/" + file)
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// The object at `path` (property names) below `node`.
    static func object(_ node: [String: Any], _ path: String...) -> [String: Any]? {
        path.reduce(node as [String: Any]?) { $0?[$1] as? [String: Any] }
    }

    @Test func theProbeSchemaListsEveryCheckNameIdentitySourceAndInterface() throws {
        let gpu = try #require(Self.object(try Self.schema("probe.schema.json"), "$defs", "gpu", "properties"))
        let checks = Self.object(gpu, "readiness", "properties", "checks", "items")
        let checkNames = HostReport.Check.Name.allCases.map(\.rawValue)
        #expect(Self.object(checks ?? [:], "properties", "name")?["enum"] as? [String] == checkNames)
        #expect(Self.object(gpu, "readiness", "properties", "notChecked", "items")?["enum"] as? [String] == checkNames)
        #expect(Self.object(gpu, "identity", "properties", "source")?["enum"] as? [String] == HostReport.Identity.Source.allCases.map(\.rawValue))
        #expect(Self.object(gpu, "vgpuInterface", "properties", "kind")?["enum"] as? [String] == VGPUInterfaceReport.Kind.allCases.map(\.rawValue))
    }

    /// docs/fleet.md lists the `check` label's values for writing alert rules: every check name (main's
    /// list lacked driver-branch, vf-driver and pf-types).
    @Test func theFleetGuideListsEveryCheckName() throws {
        let guide = try String(contentsOf: RealFirmware.packageRoot.appendingPathComponent("docs/fleet.md"), encoding: .utf8)
        let start = try #require(guide.range(of: "Checks (`check` label):"))
        let paragraph = String(guide[start.lowerBound...]).components(separatedBy: "\n\n").first ?? ""
        for name in HostReport.Check.Name.allCases {
            #expect(paragraph.contains("`\(name.rawValue)`"), "docs/fleet.md does not list \(name.rawValue)")
        }
    }

    @Test func thePlanSchemaListsEveryBootPhaseAndRegionName() throws {
        let plan = try #require(Self.object(try Self.schema("plan.schema.json"), "properties", "plan", "properties"))
        for steps in ["steps", "unloadSteps"] {
            let phase = Self.object(plan, steps, "items", "properties", "phase")
            #expect(phase?["enum"] as? [String] == GSPBootStep.Phase.allCases.map(\.rawValue), "\(steps)")
        }
        let layout = try #require(Self.object(plan, "layout", "properties"))
        var regions = layout.compactMap { Self.object($0.value as? [String: Any] ?? [:], "properties", "name")?["enum"] as? [String] }
        regions += [Self.object(layout, "fsp", "properties", "pmuReservation", "properties", "name")?["enum"] as? [String] ?? []]
        // Every region a plan lists; the meta is drawn and checked, not listed.
        #expect(Set(regions.joined()) == Set(FBRegion.Name.allCases.filter { $0 != .meta }.map(\.rawValue)))
    }
}
