import Foundation
import Testing
import VGPUCore
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUManager
@testable import VGPUProbe
import VGPUTestSupport

/// `JSONOutput.encode` writes what Foundation's JSONEncoder writes with the same options, byte for
/// byte: on every document the tool prints, built from the fixture hosts and the real firmware, and on
/// values built to reach every corner of the format (escapes, empty containers, key order, numbers).
struct JSONOutputTests {
    /// Both encodings of `value`, which must be equal.
    func expectSameAsJSONEncoder(_ value: some Encodable, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = try JSONOutput.encode(value)
        let foundation = try JSONOutput.encodeWithFoundation(value)
        #expect(ours == foundation, "\(what): first difference at byte \(zip(ours, foundation).prefix { $0 == $1 }.count)",
                sourceLocation: sourceLocation)
    }

    // MARK: Every document the tool writes

    @Test(arguments: FixtureHosts.all)
    func probeReportOnEachFixtureHost(host: String) throws {
        var options = HostProbe.Options()
        options.sysfsRoot = FixtureHosts.root(host)
        options.firmwareRoot = RealFirmware.root
        options.digestCache = nil
        options.verifyFirmware = RealFirmware.shouldRun
        let report = try HostProbe(registry: try BuiltInModules.registry()).run(options)
        #expect(!report.gpus.isEmpty || host == "no-nvidia")
        try expectSameAsJSONEncoder(report, "probe \(host)")
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func firmwareInventoryAndImages() throws {
        let registry = try BuiltInModules.registry()
        let verifier = FirmwareVerifier(root: FirmwareRoot(path: RealFirmware.root), verifiesDigests: true, cache: nil, verifyAll: true)
        let inventory = try FirmwareInventory.make(registry: registry, chip: nil, release: nil, verifier: verifier)
        #expect(inventory.chips.count == registry.allChips.count)
        try expectSameAsJSONEncoder(inventory, "firmware inventory")
        for chip in ["ad102", "ga102", "tu102"] {
            let image = try GSPFirmwareImage(path: RealFirmware.path("nvidia/\(chip)/gsp/gsp-535.113.01.bin"))
            try expectSameAsJSONEncoder(image, "firmware --elf \(chip)")
        }
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)),
          arguments: ["ad102", "ad107", "ga100", "ga102"])
    func bootPlans(chip: String) throws {
        let registry = try BuiltInModules.registry()
        for vgpu in [false, true] {
            var request = BootPlanning.Request()
            request.chip = chip
            request.framebufferSize = 48 << 30
            request.vgpu = vgpu
            request.firmwareRoot = RealFirmware.root
            request.simulate = true
            try expectSameAsJSONEncoder(try BootPlanning.plan(request, registry: registry), "plan \(chip) vgpu \(vgpu)")
        }
    }

    @Test func typeReportsForEveryBoard() throws {
        let registry = try BuiltInModules.registry()
        let boards = registry.modules.compactMap { $0 as? any VGPUTypeProviding }.flatMap(\.vgpuBoards)
        #expect(boards.count >= 5)
        for board in boards {
            let report = try TypesReport.make(registry: registry, board: board, slot: nil, sysfsRoot: "/nonexistent",
                                              policy: VGPUResourcePolicy(), place: nil)
            try expectSameAsJSONEncoder(report, "types --board \(board)")
        }
        let placed = try TypesReport.make(registry: registry, board: "L40S", slot: nil, sysfsRoot: "/nonexistent",
                                          policy: VGPUResourcePolicy(), place: "4x12Q,2x6Q,9x1Q")
        try expectSameAsJSONEncoder(placed, "types --place")
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func simulationsOfTheBundledPlans() throws {
        let registry = try BuiltInModules.registry()
        let plans = RealFirmware.packageRoot.appendingPathComponent("docs/plans")
        for (file, slot) in [("l40s-fill-and-refill.json", nil), ("failures-and-unwinding.json", "41:00.0")] as [(String, String?)] {
            let plan = try SimulationPlan.load(try Data(contentsOf: plans.appendingPathComponent(file)), name: file)
            var request = SimulatedHost.Request()
            request.board = slot == nil ? plan.board : nil
            request.slot = slot.flatMap(SlotSelector.init)
            request.sysfsRoot = FixtureHosts.root("l40-two-gpus")
            request.firmwareRoot = RealFirmware.root
            let report = try Simulation.run(plan, name: file, on: request, registry: registry)
            try expectSameAsJSONEncoder(report, "simulate \(file)")
        }
    }

    // MARK: The corners of the format

    /// A value with one of everything: nested objects and arrays, empty ones, optionals, a
    /// dictionary whose keys sort differently by bytes than by any locale, and numbers at their limits.
    struct Everything: Encodable {
        var text = "plain"
        var escapes = "quote \" backslash \\ slash / tab \t newline \n return \r backspace \u{8} feed \u{c} nul \u{0} unit \u{1f} del \u{7f}"
        var unicode = "é ü 中文 🚀 \u{2028}"
        var empty = ""
        var yes = true
        var no = false
        var missing: Int?
        var present: Int? = 0
        var ints: [Int] = [0, -1, 1, Int.max, Int.min]
        var int8 = Int8.min, int16 = Int16.min, int32 = Int32.min, int64 = Int64.min
        var uint = UInt.max, uint8 = UInt8.max, uint16 = UInt16.max, uint32 = UInt32.max, uint64 = UInt64.max
        var doubles: [Double] = [0, -0.0, 1, 1.5, 0.1, -2.25e-7, 1e20, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 123_456_789]
        var floats: [Float] = [0.1, 3, -1e-3, .greatestFiniteMagnitude]
        var strings = ["b", "a", ""]
        var emptyArray: [Int] = []
        var emptyObject: [String: Int] = [:]
        var nestedEmpty: [[String: [Int]]] = [[:], ["k": []]]
        var keys: [String: Int] = ["b": 1, "B": 2, "a": 3, "_": 4, "é": 5, "aa": 6, "Z": 7, "10": 8, "9": 9, "": 10]
        var intKeys: [Int: String] = [3: "three", 10: "ten", -1: "minus one"]
        var matrix: [[Int]] = [[1, 2], [], [3]]
        var optionals: [Int?] = [1, nil, 3]
        var child = Child()
        var children = [Child(), Child(name: "second", tags: ["x"])]

        struct Child: Encodable {
            var name = "first"
            var tags: [String] = []
            var zeta = 1
            var alpha = 2
        }
    }

    @Test func everyKindOfValue() throws {
        try expectSameAsJSONEncoder(Everything(), "everything")
    }

    @Test func topLevelFragments() throws {
        try expectSameAsJSONEncoder("a string", "string")
        try expectSameAsJSONEncoder(42, "int")
        try expectSameAsJSONEncoder(true, "bool")
        try expectSameAsJSONEncoder(Int?.none, "nil")
        try expectSameAsJSONEncoder([Int](), "empty array")
        try expectSameAsJSONEncoder([String: String](), "empty object")
    }

    /// Hand-written `encode(to:)` shapes the synthesized ones never make: a key encoded twice, nested
    /// containers, a super encoder, a value that encodes nothing, a wrapper around a single value.
    struct Unusual: Encodable {
        enum Key: String, CodingKey { case twice, nested, list, `super`, nothing, wrapped, parent }
        struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }
        struct Wrapper: Encodable {
            var inner = Everything.Child()
            func encode(to encoder: any Encoder) throws {
                var single = encoder.singleValueContainer()
                try single.encode(inner)
            }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(1, forKey: .twice)
            try c.encode("second", forKey: .twice)
            var nested = c.nestedContainer(keyedBy: Key.self, forKey: .nested)
            try nested.encode([1, 2], forKey: .list)
            try nested.encodeNil(forKey: .nothing)
            var list = c.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            var inner = list.nestedContainer(keyedBy: Key.self)
            try inner.encode(true, forKey: .wrapped)
            var innerList = list.nestedUnkeyedContainer()
            try innerList.encode("x")
            try list.encodeNil()
            try Everything.Child(name: "via super").encode(to: c.superEncoder())
            try Everything.Child(name: "via parent").encode(to: c.superEncoder(forKey: .parent))
            _ = c.superEncoder(forKey: .twice)  // asked for, never used: an empty object replaces "second"
            try c.encode(Nothing(), forKey: .nothing)
            try c.encode(Wrapper(), forKey: .wrapped)
        }
    }

    @Test func handWrittenContainerShapes() throws {
        try expectSameAsJSONEncoder(Unusual(), "unusual")
    }

    /// A super encoder's value is read from the tree when written, so the tree holds that encoder; it
    /// must not hold the tree in turn, or every document with a super encoder would leak.
    @Test func superEncodersAreReleasedWithTheDocument() throws {
        final class Seen {
            weak var encoder: JSONTreeEncoder?
            var captured = false
        }
        struct KeepsSuper: Encodable {
            let seen: Seen
            enum Key: CodingKey { case a }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Key.self)
                let sub = c.superEncoder()
                if let tree = sub as? JSONTreeEncoder { (seen.encoder, seen.captured) = (tree, true) }
                try "inner".encode(to: sub)
            }
        }
        let seen = Seen()
        _ = try JSONOutput.encode(KeepsSuper(seen: seen))
        #expect(seen.captured && seen.encoder == nil)
        try expectSameAsJSONEncoder(KeepsSuper(seen: Seen()), "super")
    }

    // MARK: Errors

    @Test func nonFiniteNumbersThrowWithTheirPath() throws {
        struct Bad: Encodable { var values = [1.0, .infinity] }
        let error = try #require(throws: EncodingError.self) { try JSONOutput.encode(Bad()) }
        guard case .invalidValue(_, let context) = error else { Issue.record("\(error)"); return }
        #expect(context.codingPath.map(\.stringValue) == ["values", "Index 1"])
        #expect(throws: EncodingError.self) { try JSONOutput.encodeWithFoundation(Bad()) }
        #expect(throws: EncodingError.self) { try JSONOutput.encode(Float.nan) }
    }

    /// A value nested past the limit throws, as JSONEncoder does, rather than exhausting the stack.
    @Test func nestingPastTheLimitThrows() throws {
        indirect enum Nest: Encodable {
            case leaf
            case node(Nest)
            func encode(to encoder: any Encoder) throws {
                var c = encoder.unkeyedContainer()
                if case .node(let inner) = self { try c.encode(inner) }
            }
        }
        var deep = Nest.leaf
        for _ in 0..<600 { deep = .node(deep) }
        #expect(throws: EncodingError.self) { try JSONOutput.encode(deep) }
        #expect(throws: EncodingError.self) { try JSONOutput.encodeWithFoundation(deep) }
        var shallow = Nest.leaf
        for _ in 0..<100 { shallow = .node(shallow) }
        try expectSameAsJSONEncoder(shallow, "100 levels")
    }
}
