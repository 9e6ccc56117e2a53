import VGPUCore

/// The simulator's `GSPRMChannel`: a `SimulatedGPU` booted in vGPU mode and the boot runner that
/// speaks GSP-RM's queues to it.
public final class SimulatedGSPChannel: GSPRMFaultInjection {
    /// The GPU, for checks against GSP-RM's own view (plugin tasks, BAR1 windows).
    public let gpu: SimulatedGPU
    private let runner: GSPBootRunner

    private init(gpu: SimulatedGPU, runner: GSPBootRunner) { (self.gpu, self.runner) = (gpu, runner) }

    /// Why a simulated GPU did not boot.
    public struct BootFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A simulated GPU of `chipID` with `host`'s SR-IOV and vGPU resources, booted in vGPU mode by `plan`
    /// (through its FSP with `fmcImage` on Hopper and Blackwell).
    public static func boot(chipID: ChipID, host: SimulatedGPU.VGPUHost, plan: GSPBootPlan, heapParameters: GSPHeapParameters,
                            systemInfo: [UInt8] = [], fmcImage: [UInt8] = []) throws(BootFailure) -> SimulatedGSPChannel
    {
        let boot42 = UInt32(chipID.rawValue) << 20 | 0xa1000
        let gpu = SimulatedGPU(boot0: boot42 & 0x1ff0_0000 | 0xa1, boot42: boot42, firmware: .init(plan: plan, heap: heapParameters, fmcImage: fmcImage))
        gpu.configureVGPU(host)
        let runner = GSPBootRunner(hardware: gpu)
        do { try runner.boot(plan, systemInfo: systemInfo, fmcImage: fmcImage) } catch {
            throw BootFailure(description: error.description + (gpu.lastRejection.map { " (\($0))" } ?? ""))
        }
        return SimulatedGSPChannel(gpu: gpu, runner: runner)
    }

    public func control(_ call: GSPRMControl) throws(GSPBootError) -> GSPRMControl { try runner.control(call) }
    public func mapBAR1(offset: UInt64, fb: UInt64, size: UInt64) -> Bool { gpu.mapBAR1(offset: offset, fb: fb, size: size) }
    @discardableResult public func unmapBAR1(offset: UInt64) -> Bool { gpu.unmapBAR1(offset: offset) }
    public func writeBAR1(_ offset: UInt64, _ bytes: [UInt8]) -> Bool { gpu.writeBAR1(offset, bytes) }
    public func readBAR1(_ offset: UInt64, _ count: Int) -> [UInt8]? { gpu.readBAR1(offset, count) }
    public func setEnabledVFs(_ count: Int) -> Bool { gpu.setEnabledVFs(count) }
    public func failNextControl(_ command: UInt32, status: UInt32) { gpu.failNextControl(command, status: status) }
    public func silenceNextControl(_ command: UInt32) { gpu.silenceNextControl(command) }
    public var armedFaultCount: Int { gpu.armedFaultCount }
}
