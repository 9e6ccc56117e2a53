import Foundation
import Testing
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
}
