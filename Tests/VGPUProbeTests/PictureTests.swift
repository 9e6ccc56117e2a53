import Foundation
import Testing
import VGPUCore
import VGPUProbe
import VGPUTestSupport

/// `plan --format svg` and `simulate --format svg` as a user runs them: each picture is well-formed
/// (xmllint), draws (headless Chromium renders it to a page that is not blank and shows the regions'
/// colours), and names every region of the plan the same command prints as JSON.
@Suite(.enabled(if: RealFirmware.shouldRun && PictureTools.shouldRun,
                Comment(rawValue: RealFirmware.skipReason + "; " + PictureTools.skipReason)))
struct PictureTests {
    static let plans = RealFirmware.packageRoot.appendingPathComponent("docs/plans").path

    /// Runs `vgpu-probe args` and returns its standard output, expecting `status`.
    func output(_ args: [String], status: Int32 = 0) throws -> String {
        let run = try ProbeBinary.run(args + ["--firmware-root", RealFirmware.root])
        #expect(run.status == status, "\(args): \(run.stderr)")
        return run.stdout
    }

    /// The picture checked as the issue asks: well-formed, rendered, not blank, `colors` drawn.
    func checkedPicture(_ args: [String], colors: [String], status: Int32 = 0) throws -> SVGPicture {
        let picture = try SVGPicture(try output(args + ["--format", "svg"], status: status))
        #expect(try PictureTools.xmllintProblems(picture.source) == nil)
        let png = try PictureTools.render(picture)
        #expect(png.width == picture.width && png.height == picture.height)
        #expect(png.inkedFraction > 0.05, "the rendered page is (nearly) blank")
        for color in colors { #expect(png.count(of: color) > 500, "\(color) is not drawn") }
        return picture
    }

    /// Each region's name with its size, and right under it its range and alignment, in the picture's text.
    func expectRegions(of plan: BootPlanning.Report, in picture: SVGPicture) {
        let texts = picture.texts
        for region in plan.plan.layout.regions where region.name != .wpr2 {
            let range = "\(hex: region.start)-\(hex: region.end)"
            if region.size == 0 {
                #expect(texts.contains("\(region.name): none reserved (0 B at \(hex: region.start))"), "\(region.name)")
            } else {
                let labelled = texts.indices.dropLast().contains { i in
                    texts[i].hasPrefix("\(region.name) \(Sizes.describe(region.size))") && texts[i + 1].hasPrefix(range)
                }
                #expect(labelled, "\(region.name) \(range) is not labelled")
                if let alignment = WPR2Layout.requiredAlignment(of: region.name) {
                    #expect(texts.contains(range + ", aligned \(Sizes.describe(alignment))"), "\(region.name)'s alignment")
                }
            }
        }
        let wpr2 = plan.plan.layout.wpr2
        let bracket = texts.indices.dropLast(2).contains { i in
            texts[i] == "wpr2" && texts[i + 1] == Sizes.describe(wpr2.size) && texts[i + 2] == "\(hex: wpr2.start)"
        }
        #expect(bracket, "the WPR2 bracket's label")
    }

    static let planArguments: [[String]] = [
        ["--chip", "ad102", "--fb-size", "48G"],
        ["--chip", "ad102", "--fb-size", "48G", "--vgpu", "--simulate"],
        ["--chip", "tu102", "--fb-size", "16G"],
        ["--chip", "gh100", "--fb-size", "80G"],
        // NVIDIA's driver reserves no FRTS on GA100: a region of 0 bytes, labelled, not drawn.
        ["--chip", "ga100", "--fb-size", "40G", "--driver", "nvidia"],
        // The FSP path: FRTS above WPR2, the PMU's reservation above it.
        ["--chip", "gb202", "--fb-size", "96G", "--vgpu"],
    ]

    @Test(arguments: planArguments) func aPlanIsDrawnWithEveryRegionLabelled(_ args: [String]) throws {
        let report = try JSONDecoder().decode(BootPlanning.Report.self, from: Data(try output(["plan"] + args + ["--json"]).utf8))
        let picture = try checkedPicture(["plan"] + args, colors: ["#E69F00", "#56B4E9", "#009E73"])
        expectRegions(of: report, in: picture)
        #expect(picture.texts.first?.hasPrefix("GSP boot plan: \(report.plan.chip.uppercased())") == true)
        // The FB below the GSP's regions dwarfs them: drawn short, across a break mark.
        #expect(picture.source.contains("<polyline"))
        // What the text says besides the layout is in the picture too.
        if let simulation = report.simulation {
            #expect(simulation.ok && picture.texts.contains("simulated boot and unload: ok, \(simulation.log.count) steps"))
        }
        if report.plan.layout.fsp != nil {
            #expect(picture.texts.contains { $0.hasPrefix("unused") && $0.hasSuffix("(end-of-FB reservation)") }, "the FSP's end-of-FB gap")
        }
    }

    @Test func anUnmetRequirementIsInThePicture() throws {
        // nouveau has no code to run the AD10x scrubber that a 48 GiB vGPU plan needs: exit 1, and said.
        let args = ["plan", "--chip", "ad102", "--fb-size", "48G", "--vgpu", "--driver", "nouveau"]
        let report = try JSONDecoder().decode(BootPlanning.Report.self, from: Data(try output(args + ["--json"], status: 1).utf8))
        let picture = try checkedPicture(args, colors: ["#E69F00"], status: 1)
        #expect(!report.warnings.isEmpty)
        let said = picture.texts.filter { $0.hasPrefix("unmet requirement: ") }
        #expect(said.count == report.warnings.count, "\(said)")
    }

    @Test func twoReleasesSideBySide() throws {
        let args = ["plan", "--chip", "ad102", "--fb-size", "48G", "--vgpu", "--compare", "--release", "535.113.01", "--release", "570.144"]
        let comparison = try JSONDecoder().decode(BootPlanComparison.self, from: Data(try output(args + ["--json"]).utf8))
        #expect(comparison.schema == "vgpukit.plan-comparison/1" && comparison.varies == .release)
        #expect(comparison.plans.map { $0.plan.release.description } == ["535.113.01", "570.144"])
        let picture = try checkedPicture(args, colors: ["#E69F00"])
        for plan in comparison.plans { expectRegions(of: plan, in: picture) }
        #expect(comparison.captions.allSatisfy(picture.texts.contains))
        // Two columns, two WPR2 brackets.
        #expect(picture.texts.filter { $0 == "wpr2" }.count == 2)

        let text = try output(args)
        #expect(text.contains("A: release 535.113.01, vGPU") && text.contains("B: release 570.144, vGPU"))
        let heap = try #require(text.split(separator: "\n").first { $0.hasPrefix("heap ") })
        #expect(heap.contains("549 MiB") && heap.contains("581 MiB") && heap.hasSuffix("+32 MiB, moved -56 MiB"))
    }

    @Test func vgpuAgainstBareMetal() throws {
        let args = ["plan", "--chip", "gh100", "--fb-size", "80G", "--compare"]
        let comparison = try JSONDecoder().decode(BootPlanComparison.self, from: Data(try output(args + ["--json"]).utf8))
        #expect(comparison.varies == .mode && comparison.captions.map { $0.components(separatedBy: ",")[0] } == ["bare metal", "vGPU"])
        #expect(comparison.plans[0].plan.heap.vfPartitionCount == 0 && comparison.plans[1].plan.heap.vfPartitionCount == 32)
        let picture = try checkedPicture(args, colors: ["#E69F00", "#BBBBBB"])
        for plan in comparison.plans { expectRegions(of: plan, in: picture) }
        // One scale: both columns' FB below the GSP is cut short, or neither is.
        #expect(picture.source.components(separatedBy: "<polyline").count - 1 == 2)
    }

    @Test func compareRefusesWhatItCannotShow() throws {
        let three = try ProbeBinary.run(["plan", "--chip", "ad102", "--fb-size", "48G", "--compare",
                                         "--release", "535.113.01", "--release", "570.144", "--release", "535.113.01"])
        #expect(three.status == 64 && three.stderr.contains("at most two --release"))
        let same = try ProbeBinary.run(["plan", "--chip", "ad102", "--fb-size", "48G", "--compare", "--release", "570.144", "--release", "570.144"])
        #expect(same.status == 64 && same.stderr.contains("two different --release"))
        let modes = try ProbeBinary.run(["plan", "--chip", "ad102", "--fb-size", "48G", "--compare", "--vgpu"])
        #expect(modes.status == 64 && modes.stderr.contains("drop --vgpu"))
        let simulate = try ProbeBinary.run(["plan", "--chip", "ad102", "--fb-size", "48G", "--compare", "--simulate"])
        #expect(simulate.status == 64 && simulate.stderr.contains("--simulate boots one plan"))
        let two = try ProbeBinary.run(["plan", "--chip", "ad102", "--fb-size", "48G", "--release", "535.113.01", "--release", "570.144"])
        #expect(two.status == 64 && two.stderr.contains("twice with --compare"))
        let formats = try ProbeBinary.run(["plan", "--chip", "ad102", "--fb-size", "48G", "--json", "--format", "svg"])
        #expect(formats.status == 64 && formats.stderr.contains("two formats"))
    }

    @Test func aSessionIsDrawnStepByStep() throws {
        let args = ["simulate", "--plan", Self.plans + "/l40s-fill-and-refill.json", "--each-step"]
        let report = try JSONDecoder().decode(Simulation.Report.self, from: Data(try output(args + ["--json"]).utf8))
        let maps = report.steps.compactMap(\.map)
        #expect(maps.count == 4 && maps.last == report.map)
        // Guest segments, management heaps, channels.
        let picture = try checkedPicture(args, colors: ["#56B4E9", "#E69F00", "#CC79A7"])
        #expect(picture.texts.filter { $0.hasPrefix("after step ") }.count == 4)
        #expect(picture.texts.contains("4 of 4 steps as expected; \(report.live.count) vGPU(s) live"))
        for map in maps {
            for block in map.framebuffer {
                #expect(picture.texts.contains { $0.hasPrefix(block.range.description) }, "\(block.range)")
            }
            for block in map.channels {
                #expect(picture.texts.contains { $0.hasSuffix(" \(block.range.start)-\(block.range.end - 1)") })
            }
        }
        // Each step's map is printed under the step in text too.
        let text = try output(args)
        #expect(text.components(separatedBy: "  allocation map after the step\n").count - 1 == 4)
        // Without --each-step, one picture: the end of the session.
        let last = try SVGPicture(try output(["simulate", "--plan", Self.plans + "/l40s-fill-and-refill.json", "--format", "svg"]))
        #expect(last.texts.filter { $0.hasPrefix("after ") } == ["after the last step"])
        // The guest segments are drawn: more of their blue than all 32 VF squares (26 x 26 px) could hold.
        #expect(try PictureTools.render(last).count(of: "#56B4E9") > 32 * 26 * 26)
    }

    @Test func quarantinedSpaceIsHatchedAndNamed() throws {
        let plan = try ScratchDirectory("picture-quarantine")
        // A name XML must escape: the plan's name is in the picture's subtitle.
        let file = plan.path + "/<quarantine & co>.json"
        try Data("""
            {"schema": "vgpukit.simulation-plan/1", "board": "L40S", "mixedSizes": true,
             "steps": [{"create": "2Q", "count": 3}, {"inject": "unanswered:shutdown"}, {"destroy": [2], "expect": "refused"}]}
            """.utf8).write(to: URL(fileURLWithPath: file))
        let picture = try checkedPicture(["simulate", "--plan", file], colors: ["#D55E00"])
        #expect(picture.source.contains("url(#hatch-quarantined)"))
        // Named as the plan numbers it, not by its device id (main: "quarantined (device 2)").
        #expect(picture.texts.contains { $0.hasPrefix("quarantined (#2 NVIDIA L40S-2Q) 2 GiB") }, "\(picture.texts)")
        #expect(picture.texts.contains { $0.hasSuffix("plan \(file)") })
    }
}
