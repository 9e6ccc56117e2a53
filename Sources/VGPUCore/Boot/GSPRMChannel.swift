/// What a vGPU manager asks of one GPU once GSP-RM runs in vGPU mode: RM controls, BAR1 windows onto
/// its FB, and the PF's VF count.
///
/// The manager talks to nothing else, so a device backend (vfio or nvkm on real hardware) is a second
/// implementation beside the simulator's (VGPUSimulator's `SimulatedGSPChannel`), with no change to the
/// manager. Calls come one at a time: the manager holds its lock around each.
public protocol GSPRMChannel: AnyObject {
    /// Sends an RM control to GSP-RM and returns its answer (the control with GSP-RM's result params).
    func control(_ call: GSPRMControl) throws(GSPBootError) -> GSPRMControl
    /// Maps `size` bytes of FB at `fb` through BAR1 at `offset`; false when the window is refused.
    func mapBAR1(offset: UInt64, fb: UInt64, size: UInt64) -> Bool
    /// Removes the BAR1 window at `offset`; false when there was none.
    @discardableResult func unmapBAR1(offset: UInt64) -> Bool
    /// Writes through a BAR1 window; false outside every window.
    func writeBAR1(_ offset: UInt64, _ bytes: [UInt8]) -> Bool
    /// Reads through a BAR1 window; nil outside every window.
    func readBAR1(_ offset: UInt64, _ count: Int) -> [UInt8]?
    /// Sets the PF's enabled VF count (sriov_numvfs); false when the device refuses it.
    func setEnabledVFs(_ count: Int) -> Bool
}

/// A channel that can be told to fail its next answers, for the failure paths (the simulator).
public protocol GSPRMFaultInjection: GSPRMChannel {
    /// GSP-RM answers the next `command` with `status`.
    func failNextControl(_ command: UInt32, status: UInt32)
    /// GSP-RM never answers the next `command`.
    func silenceNextControl(_ command: UInt32)
    /// How many of those faults are armed and not yet reached.
    var armedFaultCount: Int { get }
}
