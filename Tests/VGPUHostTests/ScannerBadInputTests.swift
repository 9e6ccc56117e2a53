import Foundation
import Testing
import VGPUCore
@testable import VGPUHost
import VGPUTestSupport

/// A sysfs tree with one broken function per defect: each defect becomes a field diagnostic and the
/// other functions are still reported.
struct ScannerBadInputTests {
    let dir: ScratchDirectory

    init() throws { dir = try ScratchDirectory("sysfs") }

    /// Writes a plausible function; `edit` may then break files.
    func function(_ bdf: String, config: [UInt8]? = nil, files: [String: String] = [:]) throws {
        var all = ["vendor": "0x10de\n", "device": "0x26b5\n", "class": "0x030200\n", "subsystem_vendor": "0x10de\n",
                   "subsystem_device": "0x169d\n", "revision": "0xa1\n",
                   "resource": String(repeating: "0x0000000000000000 0x0000000000000000 0x0000000000000000\n", count: 13)]
        for (k, v) in files { all[k] = v }
        for (name, text) in all { try dir.write("bus/pci/devices/\(bdf)/\(name)", Array(text.utf8)) }
        try dir.write("bus/pci/devices/\(bdf)/config", config ?? ConfigSpaceTests.base())
    }

    func scan() throws -> SysfsScanner.Result {
        SysfsScanner(devicesDirectory: try #require(SysfsScanner.devicesDirectory(root: dir.path))).scan()
    }

    func diagnostics(_ r: SysfsScanner.Result, _ bdf: String) -> [String] {
        r.functions.first { $0.address.description == bdf }?.diagnostics.map(\.description) ?? ["<function missing>"]
    }

    @Test func defectsAreFieldDiagnosticsAndOthersSurvive() throws {
        try function("0000:01:00.0")                                                  // good
        try function("0000:02:00.0", files: ["vendor": "0xzz10\n"])                   // non-hex id
        try function("0000:03:00.0", files: ["device": ""])                           // empty file
        try function("0000:04:00.0", config: [])                                      // config of 0 bytes
        try function("0000:05:00.0", config: [UInt8](repeating: 0xff, count: 4096))  // all ones
        try function("0000:06:00.0", files: ["resource": "0x1 0x2\nnot a line\n"])    // malformed resource
        try function("0000:07:00.0", files: ["sriov_totalvfs": "0\n", "sriov_numvfs": "x\n"])
        try function("0000:08:00.0")
        try dir.link("bus/pci/devices/0000:08:00.0/virtfn0", to: "../0000:08:00.4")   // dangling link
        try dir.link("bus/pci/devices/0000:08:00.0/physfn", to: "../nothing-here")
        try dir.write("bus/pci/devices/not-a-device/vendor", Array("0x10de".utf8))
        let r = try scan()
        #expect(r.functions.count == 8)
        #expect(r.warnings.contains { $0.contains("not-a-device") })
        #expect(diagnostics(r, "0000:01:00.0").isEmpty)
        #expect(diagnostics(r, "0000:02:00.0").contains { $0.hasPrefix("vendor: '0xzz10' is not") })
        #expect(diagnostics(r, "0000:03:00.0").contains("device: empty file"))
        #expect(diagnostics(r, "0000:04:00.0").contains { $0.hasPrefix("config: 0 bytes") })
        #expect(diagnostics(r, "0000:05:00.0").contains { $0.contains("all ones") })
        #expect(diagnostics(r, "0000:06:00.0").filter { $0.hasPrefix("resource: line") }.count == 2)
        let f7 = try #require(r.functions.first { $0.address.description == "0000:07:00.0" })
        #expect(f7.sriov?.totalVFs == 0)
        #expect(f7.diagnostics.contains { $0.field == "sriov_numvfs" })
        let f8 = try #require(r.functions.first { $0.address.description == "0000:08:00.0" })
        #expect(f8.virtualFunctions.map(\.address.description) == ["0000:08:00.4"])  // link read; target checked by the probe
        #expect(f8.diagnostics.contains { $0.field == "physfn" })
        // The good function decoded fully despite its neighbours.
        #expect(r.functions[0].vendor == 0x10de && r.functions[0].config != nil)
    }

    @Test func missingDevicesDirectory() {
        #expect(SysfsScanner.devicesDirectory(root: dir.path + "/nope") == nil)
    }

    /// A `bus/pci/devices` that leads out of the root is refused, and lspci's `devices/` is not read in
    /// its place (main fell back to it in silence); absent, `devices/` is the lspci layout it should be.
    @Test func aRefusedDevicesDirectoryIsNotReplacedByAnother() throws {
        let root = dir.file("escape")
        try FileManager.default.createDirectory(atPath: root + "/bus/pci", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/devices", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/bus/pci/devices", withDestinationPath: "/sys/bus/pci/devices")
        #expect(SysfsScanner.devicesDirectory(root: root, reader: LiveSysfs(confinedTo: root)) == nil)
        try FileManager.default.removeItem(atPath: root + "/bus/pci/devices")
        #expect(SysfsScanner.devicesDirectory(root: root, reader: LiveSysfs(confinedTo: root)) == root + "/devices")
    }

    @Test func bar0IsNotReadWhenSuspendedAndNeverWithoutAFile() throws {
        try function("0000:01:00.0")
        let path = dir.file("bus/pci/devices/0000:01:00.0")
        #expect(BAR0Identity.read(directory: path, runtimeStatus: "suspended", reader: LiveSysfs()) == .suspended)
        if case .unavailable = BAR0Identity.read(directory: path, runtimeStatus: "active", reader: LiveSysfs()) {} else {
            Issue.record("expected unavailable without resource0")
        }
        var regs = [UInt8](repeating: 0, count: 4096)
        put(&regs, 0, UInt32(0x1920_00a1))
        put(&regs, 0xa00, UInt32(0x192a_1000))
        try dir.write("bus/pci/devices/0000:01:00.0/resource0", regs)
        #expect(BAR0Identity.read(directory: path, runtimeStatus: "active", reader: LiveSysfs())
                == .registers(IdentityRegisters(boot0: 0x1920_00a1, boot42: 0x192a_1000)))
        // Powered: runtime PM off, or no status file at all. Not known to be powered: a transition, an
        // error, or a status file that exists but cannot be read (main read BAR0 then).
        for awake in [("active", nil), ("unsupported", "D0"), (nil, nil)] as [(String?, String?)] {
            #expect(BAR0Identity.read(directory: path, runtimeStatus: awake.0, powerState: awake.1, reader: LiveSysfs())
                    == .registers(IdentityRegisters(boot0: 0x1920_00a1, boot42: 0x192a_1000)), "\(awake)")
        }
        // `unsupported` is printed whenever runtime PM is disabled, whatever the state: D0 must be shown.
        #expect(BAR0Identity.read(directory: path, runtimeStatus: "unsupported", powerState: "D3cold", reader: LiveSysfs())
                == .unavailable("runtime PM is disabled ('unsupported') and power_state is 'D3cold': BAR0 is read only from a device known to be in D0"))
        #expect(BAR0Identity.read(directory: path, runtimeStatus: "unsupported", reader: LiveSysfs())
                == .unavailable("runtime PM is disabled ('unsupported') and power_state is not shown: BAR0 is read only from a device known to be in D0"))
        for unknown in ["suspending", "resuming", "error"] {
            #expect(BAR0Identity.read(directory: path, runtimeStatus: unknown, reader: LiveSysfs())
                    == .unavailable("runtime status is '\(unknown)': BAR0 is read only from an active device"))
        }
        #expect(BAR0Identity.read(directory: path, runtimeStatus: nil, runtimeStatusProblem: "not a regular file (FIFO)", reader: LiveSysfs())
                == .unavailable("power/runtime_status cannot be read (not a regular file (FIFO)): BAR0 is read only from a device known to be awake"))
        try dir.write("bus/pci/devices/0000:01:00.0/resource0", [1, 2, 3])  // shorter than the registers
        if case .unavailable = BAR0Identity.read(directory: path, runtimeStatus: "active", reader: LiveSysfs()) {} else {
            Issue.record("a short resource0 must not be mapped past its end")
        }
    }
}

/// Values read from sysfs never trap in arithmetic, and impossible SR-IOV pictures are named.
struct HostileValueTests {
    @Test func aResourceOverTheWholeAddressSpaceHasNoSizeAndDoesNotTrap() {
        #expect(Resource(index: 0, start: 0, end: .max, flags: 0x40200).size == 0)
        #expect(Resource(index: 0, start: 1, end: .max, flags: 0x40200).size == .max)
        #expect(Resource(index: 0, start: 0x1000, end: 0x1fff, flags: 0x40200).size == 0x1000)
    }

    @Test func impossibleSRIOVFilesAreNamed() throws {
        var f = PCIFunction(address: try #require(PCIAddress("0000:41:00.0")))
        f.sriov = SRIOVFiles(totalVFs: -5, numVFs: 0, offset: 4, stride: 1, vfDevice: 0x26b5)
        #expect(f.sriovProblems == ["TotalVFs -5 is outside 0...65535"])
        f.sriov = SRIOVFiles(totalVFs: 4, numVFs: 1000, offset: 4, stride: 1, vfDevice: 0x26b5)
        #expect(f.sriovProblems.first?.contains("NumVFs 1000") == true)
        f.sriov = SRIOVFiles(totalVFs: 32, numVFs: 0, offset: 4, stride: 0, vfDevice: 0x26b5)
        #expect(f.sriovProblems.first?.contains("VF Stride 0") == true)
        f.sriov = SRIOVFiles(totalVFs: 32, numVFs: 32, offset: 4, stride: 1, vfDevice: 0x26b5)
        #expect(f.sriovProblems == ["32 VFs are enabled but the kernel lists 0 virtfn links"])
        f.sriov = SRIOVFiles(totalVFs: 65535, numVFs: 0, offset: 65535, stride: 65535, vfDevice: 0x26b5)
        #expect(f.sriovProblems.first?.contains("past the segment's last") == true)
        f.sriov = SRIOVFiles(totalVFs: 32, numVFs: 0, offset: 4, stride: 1, vfDevice: 0x26b5)
        #expect(f.sriovProblems.isEmpty)
    }
}
