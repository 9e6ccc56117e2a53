import Foundation
import Testing
import VGPUCore
import VGPUHost
@testable import VGPUProbe
import VGPUTestSupport

/// pci.ids that cannot be read (no hwdata in a container, a refused file) is said, once, and the names
/// taken from the board tables say so, instead of claiming pci.ids lacks the device (main's text).
/// `--pci-ids FILE` given on the command line must be readable (exit 66, ProbeCommandTests); the
/// default path is optional, so this drives the probe in-process with a default it cannot read.
struct PCIIDsUnreadTests {
    @Test func anUnreadablePCIIDsIsSaidNotTakenForAnAnswer() throws {
        var options = HostProbe.Options()
        options.sysfsRoot = FixtureHosts.root("l40-two-gpus")
        options.verifyFirmware = false
        options.digestCache = nil
        options.pciIDsPath = "/nonexistent/pci.ids"
        let report = try HostProbe(registry: try BuiltInModules.registry()).run(options)
        #expect(report.pciIDsUnread == "/nonexistent/pci.ids: not present")
        #expect(report.gpus.first?.name == "L40" && report.gpus.first?.nameSource == .module("ada"))
        let text = HostReportText.render(report)
        #expect(text.contains("warning: pci.ids cannot be read (/nonexistent/pci.ids: not present): names come from the modules' board tables"), "\(text)")
        #expect(text.contains("(name from the ada module's board table: pci.ids was not read)") && !text.contains("does not list"), "\(text)")

        // Read, it names the L40 itself and nothing is said of it.
        options.pciIDsPath = PCIIDDatabase.defaultPath
        let named = try HostProbe(registry: try BuiltInModules.registry()).run(options)
        #expect(named.pciIDsUnread == nil && named.gpus.first?.nameSource == .pciIDs)
    }
}
