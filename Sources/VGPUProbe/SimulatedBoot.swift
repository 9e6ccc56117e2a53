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
    }

    /// Boots and unloads `plan` on a simulated GPU whose firmware accepts `parameters`.
    ///
    /// On the FSP path (Hopper, Blackwell) the simulated GPU's FSP trusts the FMC whose parts the plan's
    /// chain of trust carries, and `fmcImage` is the image the runner places for it to hash.
    public static func run(_ plan: GSPBootPlan, chipID: ChipID, parameters: GSPHeapParameters, fmcImage: [UInt8] = [],
                           systemInfo: [UInt8] = []) -> Outcome {
        let boot42 = UInt32(chipID.rawValue) << 20 | 0xa1000
        let sim = SimulatedGPU(boot0: boot42 & 0x1ff0_0000 | 0xa1, boot42: boot42, firmware: .init(plan: plan, heap: parameters, fmcImage: fmcImage))
        let runner = GSPBootRunner(hardware: sim)
        var failure: String?
        do {
            try runner.boot(plan, systemInfo: systemInfo, fmcImage: fmcImage)
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
