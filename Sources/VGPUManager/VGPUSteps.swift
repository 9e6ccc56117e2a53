import VGPUCore

/// The steps of creating a vGPU, in order; a failure at any one unwinds the ones before it.
public enum VGPUCreateStep: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Take the lowest free VF.
    case reserveVF = "reserve-vf"
    /// Allocate the vGPU's FB (guest segment + management heap), aligned to the VMMU segment.
    case allocateFramebuffer = "allocate-fb"
    /// Map the management heap through a BAR1 window.
    case mapHeap = "map-heap"
    /// Zero the task logs through BAR1 (the FB may hold an earlier vGPU's).
    case clearLogs = "clear-logs"
    /// Take a channel-id block from the vGPU range.
    case reserveChannels = "reserve-channels"
    /// Send the bootload control to GSP-RM.
    case bootload
    /// Read the plugin task's first log line back through BAR1.
    case confirmBoot = "confirm-boot"

    public var description: String { rawValue }
}

/// The steps of destroying a vGPU, in order (the reverse of creation).
public enum VGPUDestroyStep: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// SHUTDOWN_GSP_VGPU_PLUGIN_TASK.
    case shutdown
    /// VGPU_PLUGIN_CLEANUP.
    case cleanup
    case freeChannels = "free-channels"
    case unmapHeap = "unmap-heap"
    case freeFramebuffer = "free-fb"
    case returnVF = "return-vf"

    public var description: String { rawValue }
}

/// The GSP-RM controls of a vGPU's life.
public enum VGPUControl: String, Sendable, Codable, CaseIterable {
    case bootload, shutdown, cleanup

    /// The NV2080 command.
    public var command: UInt32 {
        switch self {
        case .bootload: VGPUBootloadParameters.command
        case .shutdown: VGPUPluginTaskControl.shutdown
        case .cleanup: VGPUPluginTaskControl.cleanup
        }
    }
}

/// A failure to inject into the next create or destroy (one-shot).
public enum VGPUFault: Sendable, Hashable {
    /// The creation step fails: host steps find their resource refused; `bootload` is refused by
    /// GSP-RM (NV_ERR_INVALID_ARGUMENT); `confirmBoot` reads no log line.
    case create(VGPUCreateStep)
    /// GSP-RM answers the next such control with NV_ERR_INVALID_STATE.
    case refuse(VGPUControl)
    /// GSP-RM never answers the next such control.
    case unanswered(VGPUControl)
}
