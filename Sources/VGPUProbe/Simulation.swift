import VGPUCore
import VGPUManager

/// `vgpu-probe simulate`: runs a plan's steps on a simulated host and reports each step and the final
/// allocation map.
public enum Simulation {
    /// The document `simulate --json` prints (schema `vgpukit.simulation/2`).
    public struct Report: Sendable, Equatable, Codable {
        public static let schemaID = "vgpukit.simulation/2"
        public let schema: String
        public let plan: String
        public let host: SimulatedHost.Description
        public let steps: [StepResult]
        /// Who holds what after the last step.
        public let map: VGPUAllocationMap
        /// Live vGPUs after the last step, with their plan numbers.
        public let live: [Numbered]
        /// The device core's counters: init hooks that returned or threw, release hooks called.
        public let created: Int, initFailures: Int, released: Int
        /// True when every step did what it expected.
        public let ok: Bool

        /// What the plan calls each device the session made, for the renderers (a map names devices
        /// by id): `#3 NVIDIA L40S-12Q` for a vGPU it numbered, `the failed create of step 2` for a
        /// create whose unwinding GSP-RM did not confirm, `host's NVIDIA L40S-12Q (VF 1)` for one the
        /// probed host shows.
        public var planNames: [DeviceID: String] {
            var names: [DeviceID: String] = [:]
            // The probed host's vGPUs, made before the first step on their VFs, which no step can free.
            for vgpu in host.existing ?? [] {
                if let made = live.first(where: { $0.instance.vf == vgpu.vf }) { names[made.instance.id] = "host's \(vgpu.type) (VF \(vgpu.vf))" }
            }
            for (i, step) in steps.enumerated() {
                for action in step.actions {
                    if let v = action.created, let n = action.number { names[v.id] = names[v.id] ?? "#\(n) \(v.type)" }
                    if let t = action.teardown, action.number == nil { names[t.id] = "the failed create of step \(i + 1)" }
                }
            }
            return names
        }
    }

    /// A vGPU with its plan number.
    public struct Numbered: Sendable, Equatable, Codable {
        public let number: Int
        public let instance: VGPUInstance
    }

    /// What one plan step did.
    public struct StepResult: Sendable, Equatable, Codable {
        /// `create 4 x 12Q`, `destroy #2, #4`, `inject map-heap`.
        public let step: String
        public let expected: SimulationPlan.Expectation
        public let met: Bool
        /// Each create or destroy in the step.
        public let actions: [Action]
        /// Who held what after the step, when the run was asked to keep each step's map (`--each-step`).
        public let map: VGPUAllocationMap?

        /// `ok`, `refused, as expected`, `FAILED`, `NOT refused`, or `PLAN ERROR` when an action failed
        /// because of the plan itself: what the text and the picture print.
        public var verdict: String {
            if actions.contains(where: { $0.planError == true }) { return "PLAN ERROR" }
            return met ? (expected == .refused ? "refused, as expected" : "ok") : (expected == .refused ? "NOT refused" : "FAILED")
        }
    }

    /// One create or destroy.
    public struct Action: Sendable, Equatable, Codable {
        public let ok: Bool
        /// The vGPU's plan number, when one was made or destroyed.
        public let number: Int?
        public let created: VGPUInstance?
        public let teardown: VGPUTeardown?
        /// Why it failed, or what else happened (a destroy deferred by an open reference).
        public let message: String?
        /// True when it failed because of the plan, not the host: a type the board lacks, a vGPU number
        /// this run did not make. Such a failure is no refusal and meets no expectation.
        public var planError: Bool? = nil
    }

    /// After a create or destroy step: nil when the fault `armed` by the inject before it was reached;
    /// else the fault stays armed, and the step gets a plan error saying so, since what it expected
    /// (a refusal) came from elsewhere, or it never reached the step the fault was armed for.
    private static func unreached(_ armed: String?, manager: VGPUManager, into actions: inout [Action]) -> String? {
        guard let armed, manager.hasArmedFault else { return nil }
        actions.append(Action(ok: false, number: nil, created: nil, teardown: nil,
                              message: "the fault injected by 'inject \(armed)' was not reached by this step: it stays armed for the next create or destroy",
                              planError: true))
        return armed
    }

    /// Sets up the simulated host `request` names and runs `plan` (read from `name`) on it; with
    /// `eachStep`, each step's result keeps the allocation map it left.
    public static func run(_ plan: SimulationPlan, name: String, on request: SimulatedHost.Request,
                           registry: ModuleRegistry, eachStep: Bool = false) throws(SimulatedHost.Failure) -> Report
    {
        let (manager, host) = try SimulatedHost.make(request, registry: registry)
        return try run(plan, name: name, manager: manager, host: host, eachStep: eachStep)
    }

    /// Runs `plan` (read from `name`) on `manager`, after enabling the plan's VFs.
    public static func run(_ plan: SimulationPlan, name: String, manager: VGPUManager,
                           host: SimulatedHost.Description, eachStep: Bool = false) throws(SimulatedHost.Failure) -> Report
    {
        // The plan's own count is held to 1...256; so is a default taken from the GPU, whose TotalVFs
        // comes from sysfs (a real board has at most a few dozen), since every step's map lists each VF.
        if let vfs = plan.vfs, vfs > host.totalVFs {
            throw .plan("\(name): vfs: \(vfs) is more than the \(host.totalVFs) VFs of the GPU")
        }
        // A probed host's vGPUs sit on the VFs it has enabled: another count would end them.
        if let vfs = plan.vfs, let enabled = host.enabledVFs, let existing = host.existing, vfs != enabled {
            throw .plan("\(name): vfs: \(vfs), but the GPU has \(enabled) VFs enabled with \(existing.count) vGPU(s) on them; "
                        + "sriov_numvfs changes only through 0, which ends them")
        }
        let vfs = plan.vfs ?? host.enabledVFs ?? host.totalVFs
        if plan.vfs == nil, vfs > SimulationPlan.maximumVFs {
            throw .plan("\(name): vfs: the GPU reports \(vfs) VFs, more than the \(SimulationPlan.maximumVFs) a simulation enables; give vfs")
        }
        do { try manager.enableVFs(vfs) } catch { throw .setup("\(name): vfs: \(error)") }
        // NVIDIA's equal-size mode cannot hold a host whose vGPUs differ in size: say what to change.
        let sizes = Set((host.existing ?? []).compactMap { manager.configuration.catalogue.type(named: $0.type)?.framebufferMiB })
        if sizes.count > 1, host.policy.equalSizeOnly {
            throw .plan("\(name): mixedSizes: the host's vGPUs differ in size (\(sizes.sorted().map { "\($0) MiB" }.joined(separator: ", "))), "
                        + "which equal-size mode cannot hold: give the plan \"mixedSizes\": true")
        }
        for vgpu in host.existing ?? [] {
            do { _ = try manager.create(vgpu.type, onVF: vgpu.vf) } catch {
                throw .setup("\(name): the host's \(vgpu.type) on VF \(vgpu.vf) (\(vgpu.address)) cannot be made first: \(error)")
            }
        }
        var numbers: [Int: DeviceID] = [:]
        var next = 1
        var results: [StepResult] = []
        var armed: String?
        for step in plan.steps {
            var actions: [Action] = []
            let title: String
            let expected = step.expect ?? .ok
            if let type = step.create {
                let count = step.count ?? 1
                title = "create \(count) x \(type)"
                for _ in 0..<count {
                    do {
                        let instance = try manager.create(type)
                        numbers[next] = instance.id
                        actions.append(Action(ok: true, number: next, created: instance, teardown: nil, message: nil))
                        next += 1
                    } catch {
                        var teardown: VGPUTeardown?
                        if case .stepQuarantined(_, _, let record) = error { teardown = record }
                        var action = Action(ok: false, number: nil, created: nil, teardown: teardown, message: error.description)
                        if case .unknownType = error { action.planError = true }
                        actions.append(action)
                    }
                }
                armed = Self.unreached(armed, manager: manager, into: &actions)
            } else if let target = step.destroy {
                let chosen: [Int]
                switch target {
                case .numbers(let n): chosen = n
                case .all: chosen = numbers.keys.sorted()
                }
                title = target == .all ? "destroy all" : "destroy " + chosen.map { "#\($0)" }.joined(separator: ", ")
                for n in chosen {
                    guard let id = numbers[n] else {
                        actions.append(Action(ok: false, number: n, created: nil, teardown: nil,
                                              message: "no live vGPU #\(n): the plan names a vGPU this run did not make or already destroyed", planError: true))
                        continue
                    }
                    do {
                        let record = try manager.destroy(id)
                        numbers[n] = nil
                        let message: String? = switch record?.quarantined {
                        case nil: "deferred: a reference is open"
                        case true?: "GSP-RM did not confirm the teardown: resources quarantined"
                        case false?: nil
                        }
                        actions.append(Action(ok: record?.quarantined != true, number: n, created: nil, teardown: record, message: message))
                    } catch {
                        actions.append(Action(ok: false, number: n, created: nil, teardown: nil, message: error.description))
                    }
                }
                armed = Self.unreached(armed, manager: manager, into: &actions)
            } else if let fault = step.inject, let f = SimulationPlan.fault(fault) {
                title = "inject \(fault)"
                manager.inject(f)
                armed = fault
            } else {
                title = "nothing"
            }
            let met = switch expected {
            case .ok: actions.allSatisfy(\.ok)
            // A failure caused by the plan itself (`planError`) is no refusal by the host.
            case .refused: !actions.isEmpty && actions.allSatisfy { !$0.ok && $0.planError != true }
            }
            results.append(StepResult(step: title, expected: expected, met: met, actions: actions, map: eachStep ? manager.allocationMap() : nil))
        }
        // A fault armed by an inject that no create or destroy reached tested nothing.
        if let armed {
            results.append(StepResult(step: "end of plan", expected: .ok, met: false,
                                      actions: [Action(ok: false, number: nil, created: nil, teardown: nil,
                                                       message: "the fault injected by 'inject \(armed)' was never reached by a create or destroy",
                                                       planError: true)],
                                      map: eachStep ? manager.allocationMap() : nil))
        }
        let byID = Dictionary(uniqueKeysWithValues: numbers.map { ($1, $0) })
        let live = manager.instances.map { Numbered(number: byID[$0.id] ?? 0, instance: $0) }
        let counters = manager.core.counters
        return Report(schema: Report.schemaID, plan: name, host: host, steps: results, map: manager.allocationMap(), live: live,
                      created: counters.created, initFailures: counters.initFailures, released: counters.released,
                      ok: results.allSatisfy(\.met))
    }
}
