import VGPUCore

/// Creates and destroys vGPUs on one GPU, with the device core owning each vGPU's life cycle and this
/// manager supplying only the hooks (`VGPUDriver`). It reaches the GPU through a `GSPRMChannel` only:
/// the simulator's, or a device backend's.
///
/// Safe to use from many tasks at once: the core serialises references, and every allocation and
/// GSP-RM call happens under one lock.
public final class VGPUManager: Sendable {
    /// The GPU's facts and policy.
    public let configuration: VGPUManagerConfiguration
    /// The life-cycle core; `open` and the counters come from it.
    public let core: DeviceCore<VGPUDriver>
    private let hardware: VGPUHardware

    /// A manager for the GPU behind `channel`, whose GSP-RM already runs in vGPU mode (booted by the
    /// backend: `SimulatedGSPChannel.boot` for the simulator). Checks the configuration against the
    /// GSP's region of FB (`wpr2Start`: the bottom of what GSP-RM reserved).
    ///
    /// The FB must reach above the vGPU FB: NVIDIA's profile sizes, which the capacity model allocates,
    /// add up to the whole board, so the simulation gives the host's own region (WPR2, GSP heap) room
    /// above it (docs/vgpu-lifecycle.md).
    public init(configuration c: VGPUManagerConfiguration, channel: sending any GSPRMChannel, gspReservedStart: UInt64) throws(VGPUManagerError) {
        guard c.vgpuFramebufferSize <= gspReservedStart else {
            throw .configuration("the vGPU FB (\(c.vgpuFramebufferSize >> 20) MiB) reaches into the GSP's region at \(hex: gspReservedStart)")
        }
        guard c.totalVFs >= 1, c.vfAddress(c.totalVFs) != nil else { throw .configuration("totalVFs \(c.totalVFs) VFs do not fit after PF \(c.pf)") }
        guard [32, 64, 128, 256, 512].contains(c.policy.vmmuSegmentMiB) else { throw .configuration("vmmuSegmentMiB must be 32, 64, 128, 256 or 512") }
        configuration = c
        hardware = VGPUHardware(VGPUHostState(configuration: c, channel: channel))
        core = DeviceCore(driver: VGPUDriver(host: hardware))
    }

    /// Enables `count` VFs (sriov_numvfs); 0 disables them. Changing a non-zero count needs 0 first, and
    /// no vGPU may exist.
    public func enableVFs(_ count: Int) throws(VGPUManagerError) {
        try hardware.state.withLock { (s) throws(VGPUManagerError) in
            guard s.instances.isEmpty, s.quarantine.isEmpty else { throw .enableVFs(requested: count, reason: "vGPUs exist (or are quarantined)") }
            guard count <= s.configuration.totalVFs else { throw .enableVFs(requested: count, reason: "TotalVFs is \(s.configuration.totalVFs)") }
            guard s.channel.setEnabledVFs(count) else { throw .enableVFs(requested: count, reason: "\(s.enabledVFs) are enabled: write 0 first") }
            s.enabledVFs = count
        }
    }

    /// Creates a vGPU of the type named `type` (`12Q` or `NVIDIA L40S-12Q`) on VF `vf` (from 1), or on
    /// the lowest free VF.
    public func create(_ type: String, vmPid: UInt32 = 0, onVF vf: Int? = nil) throws(VGPUManagerError) -> VGPUInstance {
        guard let t = configuration.catalogue.type(named: type) else { throw .unknownType(type, board: configuration.catalogue.board) }
        return try core.create(.init(type: t, vmPid: vmPid, vf: vf)).state
    }

    /// Destroys a vGPU: drops its registration; when no other reference is open, the release hook
    /// tears it down now and its record is returned, else it goes when the last reference closes (nil).
    public func destroy(_ id: DeviceID) throws(VGPUManagerError) -> VGPUTeardown? {
        let released: Bool
        do { released = try core.unregister(id) } catch { throw .lifecycle(error) }
        guard released else { return nil }
        return hardware.state.withLock { $0.teardowns[id] }
    }

    /// A counted reference to a live vGPU (a VM holding it open, say).
    public func open(_ id: DeviceID) throws(VGPUManagerError) -> DeviceReference<VGPUDriver> {
        do { return try core.open(id) } catch { throw .lifecycle(error) }
    }

    /// The teardown record of a released vGPU.
    public func teardown(of id: DeviceID) -> VGPUTeardown? { hardware.state.withLock { $0.teardowns[id] } }

    /// Live vGPUs, by id.
    public var instances: [VGPUInstance] { hardware.state.withLock { $0.instances.values.sorted { $0.id < $1.id } } }

    /// Whether a failure armed by `inject` has not been reached yet (a create refused before the armed
    /// step leaves it armed for the next create or destroy).
    public var hasArmedFault: Bool {
        hardware.state.withLock { s in
            s.armed.values.contains { $0 > 0 } || ((s.channel as? any GSPRMFaultInjection)?.armedFaultCount ?? 0) > 0
        }
    }

    /// Arms a one-shot failure for the next create or destroy. GSP-RM's refusals need a channel that
    /// can fail on request (`GSPRMFaultInjection`, the simulator); on another the call does nothing.
    public func inject(_ fault: VGPUFault) {
        hardware.state.withLock { s in
            let faults = s.channel as? any GSPRMFaultInjection
            switch fault {
            case .create(let step): s.armed[step, default: 0] += 1
            case .refuse(let control): faults?.failNextControl(control.command, status: NVStatus.invalidState)
            case .unanswered(let control): faults?.silenceNextControl(control.command)
            }
        }
    }

    /// Who holds what, now.
    public func allocationMap() -> VGPUAllocationMap { hardware.state.withLock { VGPUAllocationMap($0) } }

    /// How many times the release hook ran per id (for the once-only check in tests).
    var releaseRuns: [DeviceID: Int] { hardware.state.withLock { $0.releaseRuns } }

    /// The map and the live vGPUs with the channel, read under one lock: a consistent view for checks
    /// against GSP-RM's own while other tasks create and destroy. `body` must not call back into the
    /// manager, nor drop a vGPU reference: the lock is not recursive.
    public func inspect<R: Sendable>(_ body: (VGPUAllocationMap, [VGPUInstance], any GSPRMChannel) -> R) -> R {
        hardware.state.withLock { s in body(VGPUAllocationMap(s), s.instances.values.sorted { $0.id < $1.id }, s.channel) }
    }
}
