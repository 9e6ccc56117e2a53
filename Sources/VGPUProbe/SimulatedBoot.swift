import VGPUCore
import VGPUSimulator

/// Runs a boot plan, then its unload, on a simulated GPU of the plan's chip: `plan --simulate`.
public enum SimulatedBoot {
    /// What happened.
    public struct Outcome: Sendable, Codable, Equatable {
        /// True when boot and unload both succeeded.
        public let ok: Bool
        /// Each step the runner completed, in order.
        public let log: [String]
        /// The error that stopped it, if any.
        public let error: String?
        /// Why the simulated GSP refused the meta, when it did.
        public let rejection: String?
        /// Why nothing was simulated (the simulated GPU has no FSP yet), in place of a verdict.
        public var notRun: String?
    }

    /// Boots and unloads `plan` on a simulated GPU whose firmware accepts `parameters`.
    public static func run(_ plan: GSPBootPlan, chipID: ChipID, parameters: GSPHeapParameters, systemInfo: [UInt8] = []) -> Outcome {
        // The simulated GPU boots through the booter on SEC2 only; an FSP plan would fail there for a
        // reason that is the simulator's, not the plan's.
        if plan.layout.fsp != nil {
            var outcome = Outcome(ok: false, log: [], error: nil, rejection: nil)
            outcome.notRun = "the simulated GPU has no FSP yet: the FSP path (chain of trust, GSP-FMC) is planned but not simulated"
            return outcome
        }
        let boot42 = UInt32(chipID.rawValue) << 20 | 0xa1000
        let sim = SimulatedGPU(boot0: boot42 & 0x1ff0_0000 | 0xa1, boot42: boot42,
                               firmware: .init(release: plan.release, heap: parameters))
        let runner = GSPBootRunner(hardware: sim)
        var failure: String?
        do {
            try runner.boot(plan, systemInfo: systemInfo)
        } catch {
            failure = "boot: \(error)"
        }
        do {
            try runner.unload()
        } catch {
            failure = (failure.map { $0 + "; " } ?? "") + "unload: \(error)"
        }
        return Outcome(ok: failure == nil, log: runner.log, error: failure, rejection: sim.lastRejection)
    }
}
