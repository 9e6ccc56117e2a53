import VGPUCore

/// Reads `NV_PMC_BOOT_0` / `NV_PMC_BOOT_42` from a GPU's BAR0 (`resource0`), read-only, when it is
/// safe: never on a runtime-suspended device (an MMIO read would not wake it and reads all ones; waking
/// it is not ours to do), never through a write.
public enum BAR0Identity {
    /// What reading BAR0 gave.
    public enum Outcome: Sendable, Equatable {
        /// The registers, read.
        case registers(IdentityRegisters)
        /// Not read: the device is runtime-suspended.
        case suspended
        /// Not read: this user may not map BAR0 (needs root).
        case permissionDenied
        /// Not read: the file is absent or unusable; the text says why.
        case unavailable(String)
    }

    /// Reads the identity registers of the function at `directory`, given its `runtime_status` (nil
    /// when the kernel shows none: no runtime PM, the device stays powered) and `power_state`.
    ///
    /// BAR0 is read from a device known to be awake: `active`; or `unsupported` (runtime PM disabled,
    /// which the kernel prints whatever the device's state) with `power_state` D0. Never while
    /// `suspended`, `suspending`, `resuming` or `error`.
    ///
    /// - Parameter runtimeStatusProblem: why `power/runtime_status` exists but could not be read. Then
    ///   the device's state is unknown and BAR0 is left alone: main read it, and touched a suspended GPU
    ///   whose status file a link or FIFO hid.
    public static func read(directory: String, runtimeStatus: String?, runtimeStatusProblem: String? = nil, powerState: String? = nil,
                            reader: any SysfsReader) -> Outcome {
        if let problem = runtimeStatusProblem {
            return .unavailable("power/runtime_status cannot be read (\(problem)): BAR0 is read only from a device known to be awake")
        }
        if runtimeStatus == "suspended" { return .suspended }
        switch runtimeStatus {
        case nil, "active"?: break
        case "unsupported"? where powerState == "D0": break
        case "unsupported"?:
            return .unavailable("runtime PM is disabled ('unsupported') and power_state is \(powerState.map { "'\($0)'" } ?? "not shown"): BAR0 is read only from a device known to be in D0")
        case let status?:
            return .unavailable("runtime status is '\(status)': BAR0 is read only from an active device")
        }
        switch reader.readRegisters("\(directory)/resource0", offsets: [IdentityRegisters.boot0Offset, IdentityRegisters.boot42Offset]) {
        case .success(let values) where values.count == 2:
            return .registers(IdentityRegisters(boot0: values[0], boot42: values[1]))
        case .success:
            return .unavailable("short register read")
        case .failure(.permissionDenied):
            return .permissionDenied
        case .failure(.notFound):
            return .unavailable("no resource0")
        case .failure(let e):
            return .unavailable("\(e)")
        }
    }
}
