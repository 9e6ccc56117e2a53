/// The exit statuses of `vgpu-probe`, documented in docs/cli.md.
///
/// Scripts can tell "ran and found problems" from "was called wrongly" from "broke".
public enum ExitStatus: Int32, Sendable {
    /// Ran; everything checked is fine.
    case ok = 0
    /// Ran; found problems (missing or wrong firmware, a host not ready for vGPU, bad device data).
    case findings = 1
    /// Bad command line (sysexits EX_USAGE, also what swift-argument-parser uses).
    case usage = 64
    /// Input the tool cannot start from: a firmware or sysfs root that does not exist (EX_NOINPUT).
    case noInput = 66
    /// An internal error: a defect in vgpu-probe (EX_SOFTWARE).
    case internalError = 70
    /// The output could not be written whole: a full file system, a closed or broken standard output
    /// (EX_IOERR). What was written is incomplete and must not be trusted.
    case outputError = 74
}
