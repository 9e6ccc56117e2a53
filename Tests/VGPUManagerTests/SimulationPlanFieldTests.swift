import Foundation
import Testing
import VGPUCore
@testable import VGPUManager

/// The plan's field lists, which refuse unknown fields, name exactly what the plan type decodes: a field
/// added to `SimulationPlan` or its `Step` and not to the lists would refuse every plan that uses it.
struct SimulationPlanFieldTests {
    @Test func theFieldListsAreTheCodedFields() throws {
        let step = SimulationPlan.Step(create: "1Q", count: 1, destroy: .all, inject: "map-heap", expect: .ok)
        let plan = SimulationPlan(schema: SimulationPlan.schemaID, board: "L40S", vfs: 1, vmmuSegmentMiB: 256, mixedSizes: true, steps: [step])
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(plan)) as? [String: Any])
        #expect(Set(object.keys) == Set(SimulationPlan.fieldNames))
        let steps = try #require(object["steps"] as? [[String: Any]])
        #expect(Set(steps[0].keys) == Set(SimulationPlan.stepFieldNames))
    }

    /// A key written twice in one object is refused, naming its path; JSONDecoder kept one of the two
    /// without a word (main ran `"count": 3, "count": 1` as three creates). The same key in two objects,
    /// or inside and outside a nested object, is not a repeat; an escaped spelling is the same key.
    @Test(arguments: [
        (#"{"schema":"vgpukit.simulation-plan/1","vfs":4,"vfs":8,"steps":[{"create":"2Q"}]}"#, "vfs"),
        (#"{"schema":"vgpukit.simulation-plan/1","steps":[{"create":"2Q"},{"create":"2Q","count":3,"count":1}]}"#, "steps[1].count"),
        (#"{"schema":"vgpukit.simulation-plan/1","vfs":4,"v\u0066s":8,"steps":[{"create":"2Q"}]}"#, "vfs"),
        (#"{"schema":"vgpukit.simulation-plan/1","steps":[{"create":"2Q","count":1}],"steps":[]}"#, "steps"),
    ])
    func aRepeatedKeyIsRefused(json: String, field: String) {
        #expect(throws: ManifestError(file: "p.json", field: field, problem: "appears twice in one object (JSON does not say which counts; write it once)")) {
            try SimulationPlan.load(Data(json.utf8), name: "p.json")
        }
    }

    /// UTF-16 (which JSONDecoder would take) is refused: JSON between systems is UTF-8, and the walk
    /// that finds repeated keys reads UTF-8.
    @Test func aUTF16PlanIsRefused() {
        let json = #"{"schema":"vgpukit.simulation-plan/1","steps":[{"create":"2Q"}]}"#
        #expect(throws: ManifestError(file: "p.json", field: "$", problem: "is not UTF-8 text (it holds NUL bytes)")) {
            try SimulationPlan.load(json.data(using: .utf16LittleEndian)!, name: "p.json")
        }
    }

    @Test func theSameKeyInDifferentObjectsIsNotARepeat() throws {
        let json = #"{"schema":"vgpukit.simulation-plan/1","steps":[{"create":"2Q","count":2},{"create":"4Q","count":1,"expect":"ok"},{"destroy":"all"}]}"#
        #expect(try SimulationPlan.load(Data(json.utf8), name: "p.json").steps.count == 3)
    }
}
