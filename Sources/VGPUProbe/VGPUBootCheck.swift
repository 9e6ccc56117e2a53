import VGPUCore
import VGPUFirmware

/// The probe's `vgpu-boot` readiness check: could the GPU's driver boot the GSP in vGPU mode with the
/// firmware on disk?
///
/// It makes the plan `vgpu-probe plan -s SLOT --vgpu` makes (the bound driver's rules, the board's
/// framebuffer, the release `DriverFirmware.planRelease` names), so the probe and the plan cannot
/// disagree: a requirement the plan finds unmet (nouveau on AD10x at 535.113.01, which ships no scrubber
/// file) fails this check.
enum VGPUBootCheck {
    /// The check's name in the report.
    static let name = HostReport.Check.Name.vgpuBoot

    /// The check where no driver's firmware is known, so no boot can be judged: nothing on the host boots
    /// the GSP (no driver bound, vfio-pci), or the tool cannot tell what the driver loads (the firmware
    /// check says why). A plan of NVIDIA's boot would be about a driver the GPU does not have.
    static func unjudged(_ choice: DriverFirmware?) -> HostReport.Check {
        let why = switch choice?.loader {
        case .none?: "nothing on the host boots this GPU's GSP"
        case let loader?: choice?.notShown != nil ? "the firmware \(loader) loads is not shown" : "the firmware \(loader) loads is not known"
        case nil: "no driver's firmware is known"
        }
        return .init(name: name, ok: false, detail: "not checked: \(why) (see firmware)", skipped: true)
    }

    /// The check where NVIDIA's driver loads a branch of which this build knows no linux-firmware
    /// release: the plan would take another branch's heap rules and bootloader sizes, and state them as
    /// this driver's (main said "nvidia can boot ... 535.113.01, 549 MiB heap" beside driver 580).
    static func unplannable(_ choice: DriverFirmware, module: any ArchitectureModule) -> HostReport.Check? {
        guard case .nvidia = choice.loader, let loaded = choice.selection?.release, choice.planRelease(in: module).major != loaded.major else { return nil }
        let known = module.linuxFirmwareReleases.map(\.description)
        return .init(name: name, ok: false,
                     detail: "not checked: this build knows no linux-firmware release of NVIDIA's \(loaded.major) branch to plan \(loaded)'s boot from (it knows \(known.joined(separator: ", ")))",
                     skipped: true)
    }

    /// The check for `chip` of `module` on `board` (its PCI ids), bound to `kernelDriver`;
    /// `verifier` reads the firmware (parsing is enough: the `firmware` check judges the digests).
    static func judge(module: any ArchitectureModule, chip: Chip, board boardID: PCIBoardID?, kernelDriver: String?, release: FirmwareRelease,
                      verifier: FirmwareVerifier) -> HostReport.Check
    {
        let driver = GSPDriver.booting(kernelDriver: kernelDriver)
        if let why = driver.vgpuNotEnabled(on: chip.architecture) {
            return .init(name: name, ok: false, detail: "\(driver) hosts no vGPU on \(chip.name): \(why)")
        }
        guard let id = boardID?.deviceID, let board = (module as? any BoardCatalog)?.board(deviceID: id) else {
            return .init(name: name, ok: false, detail: "not checked: this build does not know the board's framebuffer size "
                + "('vgpu-probe plan --chip \(chip.name.lowercased()) --fb-size SIZE --vgpu' plans it)", skipped: true)
        }
        do {
            let (plan, _, _) = try BootPlanning.bootPlan(module: module, chip: chip, board: boardID, release: release, framebuffer: board.framebuffer,
                                                         mode: .vgpu(override: nil), driver: driver, vga: nil, verifier: verifier)
            if let unmet = plan.unmetRequirements.first {
                return .init(name: name, ok: false, detail: "\(driver) cannot boot the GSP in vGPU mode: \(unmet)")
            }
            return .init(name: name, ok: true, detail: "\(driver) can boot the GSP in vGPU mode: \(plan.release), "
                + "\(Sizes.describe(plan.heap.size)) heap for \(plan.heap.vfPartitionCount) VF partitions"
                + (plan.heap.requiresScrubber ? ", scrubber run first" : ""))
        } catch .firmware(let findings) where driver == .nvidia {
            // NVIDIA's driver carries its own bootloader and booters: the linux-firmware files the plan
            // takes their sizes from are not what it loads, so their absence says nothing of the boot.
            return .init(name: name, ok: false,
                         detail: "not checked: NVIDIA's driver carries its own bootloader; the plan takes its sizes from linux-firmware \(release), "
                            + "which this root lacks or does not verify: " + (findings.first ?? "no file"),
                         skipped: true)
        } catch .firmware {
            return .init(name: name, ok: false, detail: "cannot be judged: the firmware does not verify (see firmware)")
        } catch {
            return .init(name: name, ok: false, detail: "no vGPU-mode boot plan: \(error)")
        }
    }
}
