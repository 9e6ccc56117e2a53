import VGPUCore

/// Two boot plans for one GPU that differ in one thing: the firmware release, or bare metal against
/// vGPU mode (`plan --compare`).
public struct BootPlanComparison: Sendable, Codable, Equatable {
    /// The schema of `plan --compare --json`.
    public static let schemaID = "vgpukit.plan-comparison/1"
    public let schema: String
    /// What differs between the two plans.
    public let varies: Variable
    /// What sets each plan apart, in the order of `plans`: `release 535.113.01`, `bare metal`.
    public let captions: [String]
    /// The two plans.
    public let plans: [BootPlanning.Report]

    /// What a comparison varies.
    public enum Variable: String, Sendable, Codable {
        case release, mode
    }

    /// Plans `request` twice: at each of `releases` when two are given (in `request`'s mode), else bare
    /// metal and in vGPU mode (at `releases.first`, or the default release).
    public static func make(_ request: BootPlanning.Request, releases: [FirmwareRelease],
                            registry: ModuleRegistry) throws(BootPlanning.Failure) -> BootPlanComparison {
        var requests = [request, request]
        let varies: Variable
        if releases.count == 2 {
            varies = .release
            (requests[0].release, requests[1].release) = (releases[0], releases[1])
        } else {
            varies = .mode
            requests[0].release = releases.first
            requests[1].release = releases.first
            (requests[0].vgpu, requests[0].heapOverride, requests[1].vgpu) = (false, nil, true)
        }
        let plans = [try BootPlanning.plan(requests[0], registry: registry), try BootPlanning.plan(requests[1], registry: registry)]
        let captions = plans.map { report in
            let mode = if case .vgpu = report.plan.mode { "vGPU" } else { "bare metal" }
            return varies == .release ? "release \(report.plan.release), \(mode)" : "\(mode), release \(report.plan.release)"
        }
        return BootPlanComparison(schema: schemaID, varies: varies, captions: captions, plans: plans)
    }

    /// The unmet requirements of either plan, each after its caption.
    public var warnings: [String] {
        zip(captions, plans).flatMap { caption, plan in plan.warnings.map { "\(caption): \($0)" } }
    }
}

/// Renders a comparison for people: the regions of both plans side by side, and what changed.
public enum BootPlanComparisonText {
    public static func render(_ c: BootPlanComparison) -> String {
        let (a, b) = (c.plans[0].plan, c.plans[1].plan)
        var out = "GSP boot plans compared: \(a.chip) (\(c.plans[0].module) support), FB \(Sizes.describe(a.layout.framebufferSize))\n"
        out += "  A: \(c.captions[0])\n  B: \(c.captions[1])\n\n"
        out += "\(pad("", 16)) \(pad("A", 34)) \(pad("B", 34)) change\n"
        func row(_ name: String, _ x: String, _ y: String, _ change: String) {
            out += "\(pad(name, 16)) \(pad(x, 34)) \(pad(y, 34)) \(change)\n"
        }
        func delta(_ x: UInt64, _ y: UInt64) -> String {
            x == y ? "same" : (y > x ? "+" : "-") + Sizes.describe(y > x ? y - x : x - y)
        }
        row("VF partitions", "\(a.heap.vfPartitionCount)", "\(b.heap.vfPartitionCount)", a.heap.vfPartitionCount == b.heap.vfPartitionCount ? "same" : "changed")
        // The regions top down, each by name; a region only one plan has shows a dash for the other.
        let names = (a.layout.regions.reversed().map(\.name) + b.layout.regions.reversed().map(\.name)).reduce(into: [FBRegion.Name]()) { names, name in
            if !names.contains(name) { names.append(name) }
        }
        for name in names {
            let (x, y) = (a.layout.regions.first { $0.name == name }, b.layout.regions.first { $0.name == name })
            func cell(_ r: FBRegion?) -> String { r.map { "\(hex: $0.start) \(Sizes.describe($0.size))" } ?? "-" }
            let change = switch (x, y) {
            case let (x?, y?):
                x == y ? "same" : x.size == y.size ? "moved \(delta(x.start, y.start))"
                    : x.start == y.start ? delta(x.size, y.size) : "\(delta(x.size, y.size)), moved \(delta(x.start, y.start))"
            default: "only in " + (x == nil ? "B" : "A")
            }
            row(name.rawValue, cell(x), cell(y), change)
        }
        // What each plan's own report says besides its layout (warnings go to standard error).
        for (caption, report) in zip(["A", "B"], c.plans) {
            for note in report.plan.notes { out += "note (\(caption)): \(note)\n" }
        }
        return out
    }
}
