import Synchronization
import VGPUCore

/// The vGPU driver's two hooks for the device core: create a vGPU on the simulated GPU (init) and tear
/// it down (release). It never frees a vGPU on its own; the core calls release when the last reference goes.
public struct VGPUDriver: DeviceDriver {
    /// What to create.
    public struct Request: Sendable {
        public let type: VGPUType
        /// The VM's process id for the bootload control (0: none).
        public let vmPid: UInt32
        /// The VF to create it on (from 1), as when a tool names the VF; nil takes the lowest free one.
        public var vf: Int? = nil
    }

    let host: VGPUHardware

    public func initialize(_ device: DeviceID, _ request: Request) throws(VGPUManagerError) -> VGPUInstance {
        try host.state.withLock { (s) throws(VGPUManagerError) -> VGPUInstance in try s.create(device, request.type, vmPid: request.vmPid, vf: request.vf) }
    }

    public func release(_ device: DeviceID, _ state: VGPUInstance) {
        host.state.withLock { $0.release(device) }
    }
}

/// The lock around the host state: every allocation, BAR1 mapping and GSP-RM call goes through it, as a
/// driver serialises its RPC channel to GSP-RM.
final class VGPUHardware: Sendable {
    let state: Mutex<VGPUHostState>

    init(_ state: consuming sending VGPUHostState) { self.state = Mutex(state) }
}
