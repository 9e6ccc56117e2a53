import VGPUCore

/// Why the vGPU manager refused or failed. A failed create has undone everything it did.
public enum VGPUManagerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The GSP could not be booted in vGPU mode.
    case boot(String)
    /// The configuration cannot work (named field and why).
    case configuration(String)
    /// sriov_numvfs refused the count.
    case enableVFs(requested: Int, reason: String)
    /// The board has no such type.
    case unknownType(String, board: String)
    /// The type lacks what a bootload needs.
    case unsupportedType(String, reason: String)
    /// The type's per-GPU maximum or the size mode forbids another one.
    case admission(String)
    /// A creation step failed; the steps before it were unwound.
    case step(VGPUCreateStep, String)
    /// A creation step failed after the bootload, and GSP-RM did not confirm the unwinding teardown:
    /// the vGPU's VF, FB and channels are quarantined (`VGPUQuarantine`), not freed.
    case stepQuarantined(VGPUCreateStep, String, VGPUTeardown)
    /// Life-cycle misuse (a stale or twice-destroyed id).
    case lifecycle(LifecycleError)

    public var description: String {
        switch self {
        case .boot(let why): "GSP vGPU boot failed: \(why)"
        case .configuration(let why): "configuration: \(why)"
        case .enableVFs(let n, let why): "cannot enable \(n) VF(s): \(why)"
        case .unknownType(let t, let board): "\(board) has no vGPU type '\(t)'"
        case .unsupportedType(let t, let why): "\(t) cannot be created: \(why)"
        case .admission(let why): why
        case .step(let step, let why): "\(step): \(why) (earlier steps unwound)"
        case .stepQuarantined(let step, let why, let teardown):
            "\(step): \(why); unwinding, GSP-RM did not confirm "
                + teardown.steps.filter { [.shutdown, .cleanup].contains($0.step) && !$0.ok }.map(\.step.rawValue).joined(separator: " and ")
                + ", so the VF, FB and channels are quarantined"
        case .lifecycle(let e): e.description
        }
    }
}
