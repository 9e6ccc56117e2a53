#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VGPUCore


/// A scripted vGPU session for `vgpu-probe simulate --plan FILE` (format in docs/vgpu-lifecycle.md):
///
/// ```json
/// { "schema": "vgpukit.simulation-plan/1", "board": "L40S", "mixedSizes": true,
///   "steps": [ {"create": "12Q", "count": 4}, {"destroy": [2, 4]}, {"create": "3Q", "count": 8} ] }
/// ```
///
/// vGPUs are numbered #1, #2, ... in the order the plan created them (failed creates take no number).
public struct SimulationPlan: Sendable, Equatable, Codable {
    public static let schemaID = "vgpukit.simulation-plan/1"
    /// Largest plan file read.
    public static let maximumEncodedSize = 1 << 20
    /// Most steps, and most vGPUs one create step asks for.
    public static let maximumSteps = 1000, maximumCount = 64
    /// Most VFs a simulation enables (a real board has at most a few dozen).
    public static let maximumVFs = 256

    public var schema: String
    /// Board name or PCI device id; omitted when the GPU is chosen with -s.
    public var board: String?
    /// VFs to enable (default: all, TotalVFs).
    public var vfs: Int?
    /// VMMU segment in MiB (default 256).
    public var vmmuSegmentMiB: Int?
    /// NVIDIA's mixed-size mode (default: equal-size).
    public var mixedSizes: Bool?
    public var steps: [Step]

    /// One step: exactly one of `create`, `destroy`, `inject`.
    public struct Step: Sendable, Equatable, Codable {
        /// A type (`12Q`, `NVIDIA L40S-12Q`), `count` times (default 1).
        public var create: String?
        public var count: Int?
        /// vGPU numbers (#n), or `"all"`.
        public var destroy: DestroyTarget?
        /// A one-shot failure for the next create or destroy: a create step name (`map-heap`, ...) or
        /// `refuse:<control>` / `unanswered:<control>` with control bootload, shutdown or cleanup.
        public var inject: String?
        /// What the step should do: `ok` (the default) or `refused` (every create or destroy in it fails;
        /// a destroy fails when GSP-RM does not confirm it and the vGPU's resources are quarantined).
        public var expect: Expectation?
    }

    /// `[2, 4]` or `"all"`.
    public enum DestroyTarget: Sendable, Equatable, Codable {
        case numbers([Int])
        case all

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) {
                guard s == "all" else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "must be a list of vGPU numbers or \"all\"") }
                self = .all
            } else {
                self = .numbers(try c.decode([Int].self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .numbers(let n): try c.encode(n)
            case .all: try c.encode("all")
            }
        }
    }

    /// A step's expected outcome.
    public enum Expectation: String, Sendable, Codable {
        case ok, refused
    }

    /// Decodes and checks a plan; errors name the file and the field.
    public static func load(_ data: Data, name: String) throws(ManifestError) -> SimulationPlan {
        let plan = try ManifestError.decodeJSON(SimulationPlan.self, from: data, name: name, limit: maximumEncodedSize)
        // Decoding drops fields it does not know: a typo ("mixedsizes", "Count") would change the session
        // in silence. The plan decoded, so its shape is right and only the names are left to check.
        let keys = try ManifestError.decodeJSON(FieldNames.self, from: data, name: name, limit: maximumEncodedSize)
        if let unknown = keys.top.first(where: { !fieldNames.contains($0) }) {
            throw ManifestError(file: name, field: unknown, problem: "is not a plan field (\(fieldNames.joined(separator: ", ")))")
        }
        for (i, step) in keys.steps.enumerated() {
            if let unknown = step.first(where: { !stepFieldNames.contains($0) }) {
                throw ManifestError(file: name, field: "steps[\(i)].\(unknown)", problem: "is not a step field (\(stepFieldNames.joined(separator: ", ")))")
            }
        }
        try plan.validate(name: name)
        return plan
    }

    /// The fields of a plan and of a step, as the format (docs/vgpu-lifecycle.md) names them.
    static let fieldNames = ["schema", "board", "vfs", "vmmuSegmentMiB", "mixedSizes", "steps"]
    static let stepFieldNames = ["create", "count", "destroy", "inject", "expect"]

    /// The field names a plan file uses, at the top and in each step.
    private struct FieldNames: Decodable {
        let top: [String], steps: [[String]]

        struct Name: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let object = try decoder.container(keyedBy: Name.self)
            top = object.allKeys.map(\.stringValue)
            var steps: [[String]] = []
            var list = try object.nestedUnkeyedContainer(forKey: Name(stringValue: "steps"))
            while !list.isAtEnd { steps.append(try list.nestedContainer(keyedBy: Name.self).allKeys.map(\.stringValue)) }
            self.steps = steps
        }
    }

    /// The rules JSON decoding cannot express.
    public func validate(name: String) throws(ManifestError) {
        func fail(_ field: String, _ problem: String) -> ManifestError { ManifestError(file: name, field: field, problem: problem) }
        guard schema == Self.schemaID else { throw fail("schema", "is '\(schema)'; this build reads \(Self.schemaID)") }
        if let vfs { guard (1...Self.maximumVFs).contains(vfs) else { throw fail("vfs", "\(vfs) is outside 1...\(Self.maximumVFs)") } }
        if let s = vmmuSegmentMiB { guard [32, 64, 128, 256, 512].contains(s) else { throw fail("vmmuSegmentMiB", "\(s) must be 32, 64, 128, 256 or 512") } }
        guard !steps.isEmpty else { throw fail("steps", "is empty") }
        guard steps.count <= Self.maximumSteps else { throw fail("steps", "\(steps.count) steps; at most \(Self.maximumSteps)") }
        for (i, step) in steps.enumerated() {
            let p = "steps[\(i)]"
            let kinds = [step.create != nil, step.destroy != nil, step.inject != nil].filter { $0 }.count
            guard kinds == 1 else { throw fail(p, "needs exactly one of create, destroy, inject") }
            if let count = step.count {
                guard step.create != nil else { throw fail("\(p).count", "applies to create only") }
                guard (1...Self.maximumCount).contains(count) else { throw fail("\(p).count", "\(count) is outside 1...\(Self.maximumCount)") }
            }
            if case .numbers(let n)? = step.destroy {
                guard !n.isEmpty else { throw fail("\(p).destroy", "is empty") }
                if let bad = n.first(where: { $0 < 1 }) {
                    throw fail("\(p).destroy", "vGPU number \(bad) is not positive (vGPUs are #1, #2, ... in creation order)")
                }
            }
            if let fault = step.inject {
                guard Self.fault(fault) != nil else {
                    throw fail("\(p).inject", "'\(fault)' is not a create step (\(VGPUCreateStep.allCases.map(\.rawValue).joined(separator: ", "))) or refuse:/unanswered: with bootload, shutdown or cleanup")
                }
            }
            if step.expect == .refused, step.inject != nil { throw fail("\(p).expect", "'refused' applies to create and destroy steps") }
        }
    }

    /// The fault an `inject` value names.
    public static func fault(_ text: String) -> VGPUFault? {
        if let step = VGPUCreateStep(rawValue: text) { return .create(step) }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let control = VGPUControl(rawValue: parts[1]) else { return nil }
        switch parts[0] {
        case "refuse": return .refuse(control)
        case "unanswered": return .unanswered(control)
        default: return nil
        }
    }
}
