import VGPUCore

extension HostProbe {
    /// The `driver-branch` check: NVIDIA's driver, bound to the GPU or loaded beside it without taking
    /// it, is a release that knows the chip. A release older than the chip refuses the device in its
    /// probe ("not supported by this NVIDIA driver release" in the kernel log) and leaves it without a
    /// driver, which is all sysfs shows. Skipped where sysfs shows no version, failed where the version
    /// file cannot be read; nil where the question
    /// does not arise: another driver owns the GPU, no nvidia module is loaded, or the module does not
    /// know when its chip arrived.
    static func driverBranchCheck(_ gpu: ProbedGPU) -> HostReport.Check? {
        guard let owner = gpu.owner, let first = owner.module.firstDriverRelease(for: owner.chip) else { return nil }
        let bound = gpu.function.driver, text: String
        switch bound {
        case "nvidia":
            switch gpu.driverVersion {
            case .shown(let shown): text = shown
            case .absent:
                return .init(name: .driverBranch, ok: false, detail: "not checked: NVIDIA's driver version is not shown (no module/nvidia/version under the sysfs root)",
                             skipped: true)
            case .unreadable(let why):
                return .init(name: .driverBranch, ok: false, detail: "NVIDIA's driver version cannot be read: \(why)")
            }
        case nil:
            switch gpu.nvidiaModuleVersion {
            case .shown(let loaded): text = loaded
            case .absent: return nil
            case .unreadable(let why):
                return .init(name: .driverBranch, ok: false, detail: "the nvidia module is loaded but its version cannot be read: \(why)")
            }
        default:
            return nil
        }
        guard let version = FirmwareRelease(text) else {
            return .init(name: .driverBranch, ok: false, detail: "not checked: NVIDIA's driver version '\(text)' is not a release number", skipped: true)
        }
        let chip = owner.chip.name
        guard DriverSupport.predates(version, first: first) else {
            let since = first == DriverSupport.firstPublishedRelease ? "\(first) or earlier" : "\(first)"
            return .init(name: .driverBranch, ok: true, detail: "NVIDIA driver \(version) knows \(chip) (NVIDIA's driver has since \(since))")
        }
        let unbound = bound == nil ? ", which is why nvidia is loaded but \(gpu.address) has no driver" : ""
        return .init(name: .driverBranch, ok: false,
                     detail: "NVIDIA driver \(version) predates \(chip): NVIDIA's driver knows it from \(first) on\(unbound); "
                         + "install branch \(first.major) or later (for vGPU, a vGPU host driver release whose supported boards list this one)")
    }
}
