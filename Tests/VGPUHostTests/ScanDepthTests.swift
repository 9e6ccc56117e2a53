import Synchronization
import Testing
import VGPUCore
import VGPUHost
import VGPUTestSupport

/// `SysfsScanner.Depth.devicesOf`: what a probe does not report is not read, and what it reports is
/// what a full scan reads.
struct ScanDepthTests {
    /// The real file system, with a record of every file read and link followed.
    final class RecordingReader: SysfsReader {
        let live = LiveSysfs()
        let touched = Mutex<[String]>([])

        func read(_ path: String, limit: Int) -> Result<[UInt8], SysfsReadError> {
            touched.withLock { $0.append(path) }
            return live.read(path, limit: limit)
        }
        func readLink(_ path: String) -> Result<String, SysfsReadError> {
            touched.withLock { $0.append(path) }
            return live.readLink(path)
        }
        func list(_ path: String) -> Result<[String], SysfsReadError> { live.list(path) }
        func readRegisters(_ path: String, offsets: [Int]) -> Result<[UInt32], SysfsReadError> {
            live.readRegisters(path, offsets: offsets)
        }

        /// The entries of one function's directory that were read, by name.
        func touched(in function: PCIAddress) -> Set<String> {
            let marker = "/\(function)/"
            return Set(touched.withLock { $0 }.compactMap { path in
                path.range(of: marker).map { String(path[$0.upperBound...]) }
            })
        }
    }

    static let nvidia: UInt16 = 0x10de

    @Test("NVIDIA PFs as in a full scan; VFs by ids, links and types; other vendors by vendor id alone",
          arguments: ["mixed", "l40-two-gpus", "a40"])
    func readsWhatAProbeReports(host: String) throws {
        let devices = try #require(SysfsScanner.devicesDirectory(root: FixtureHosts.root(host)))
        let full = SysfsScanner(devicesDirectory: devices).scan()
        let reader = RecordingReader()
        let probe = SysfsScanner(devicesDirectory: devices, reader: reader, depth: .devicesOf(vendor: Self.nvidia)).scan()
        #expect(probe.warnings == full.warnings)
        #expect(probe.functions.map(\.address) == full.functions.map(\.address))
        var kinds = (pf: 0, vf: 0, other: 0)
        for (ours, all) in zip(probe.functions, full.functions) {
            let touched = reader.touched(in: ours.address)
            #expect(ours.vendor == all.vendor)
            if all.vendor != Self.nvidia {
                kinds.other += 1
                var counted = PCIFunction(address: all.address)
                counted.vendor = all.vendor
                #expect(ours == counted, "\(ours.address) is counted, not described")
                #expect(touched == ["vendor"], "\(ours.address)")
            } else if all.isVirtualFunction {
                kinds.vf += 1
                #expect(ours.device == all.device)
                #expect(ours.physicalFunction == all.physicalFunction)
                #expect(ours.driver == all.driver)
                #expect(ours.iommuGroup == all.iommuGroup)
                #expect(ours.creatableVGPUTypes == all.creatableVGPUTypes)
                #expect(ours.config == nil && ours.resources.isEmpty && ours.classCode == nil)
                #expect(touched.isDisjoint(with: ["config", "resource", "class", "sriov_totalvfs", "numa_node"]), "\(ours.address): \(touched)")
            } else {
                kinds.pf += 1
                #expect(ours == all, "\(ours.address) is read in full")
            }
        }
        #expect(kinds.pf > 0 && kinds.vf > 0, "\(host): \(kinds)")
        #expect(kinds.other > 0, "\(host): \(kinds)")
    }

    @Test func everythingReadsEveryFunctionsConfig() throws {
        let devices = try #require(SysfsScanner.devicesDirectory(root: FixtureHosts.root("mixed")))
        let reader = RecordingReader()
        let scan = SysfsScanner(devicesDirectory: devices, reader: reader).scan()
        for f in scan.functions {
            #expect(reader.touched(in: f.address).isSuperset(of: ["vendor", "device", "class", "config", "resource"]), "\(f.address)")
        }
    }

    /// A sysfs read of `config` resumes the device's parent, and in D3cold the device itself (Linux
    /// `pci_config_pm_runtime_get`): a suspended GPU's config stays unread, at every depth, and says
    /// why. main read it, so a probe woke the suspended GPU of l40-suspended's host.
    @Test(arguments: [SysfsScanner.Depth.everything, .devicesOf(vendor: nvidia)])
    func aSuspendedDevicesConfigIsNotRead(depth: SysfsScanner.Depth) throws {
        let devices = try #require(SysfsScanner.devicesDirectory(root: FixtureHosts.root("l40-suspended")))
        let reader = RecordingReader()
        let scan = SysfsScanner(devicesDirectory: devices, reader: reader, depth: depth).scan()
        let gpu = try #require(scan.functions.first { $0.address.description == "0000:41:00.0" })
        #expect(gpu.runtimeStatus == "suspended")
        #expect(!reader.touched(in: gpu.address).contains("config"))
        #expect(gpu.problem(reading: "config") == "not read: the device is runtime-suspended, and a read would wake it; using sriov_* files")
        #expect(gpu.sriov?.totalVFs == 32, "SR-IOV still comes from the sriov_* files")
    }

    /// The config-header fallback (a function whose `vendor` cannot be read) keeps a suspended
    /// device's config unread too; an awake one's header still names its vendor.
    @Test(arguments: [("suspended", false), ("active", true)])
    func theHeaderFallbackDoesNotWakeASuspendedDevice(status: String, read: Bool) throws {
        let dir = try ScratchDirectory("suspended-header")
        for (file, text) in [("vendor", ""), ("power/runtime_status", status + "\n")] {
            _ = try dir.write("bus/pci/devices/0000:01:00.0/\(file)", Array(text.utf8))
        }
        _ = try dir.write("bus/pci/devices/0000:01:00.0/config", ConfigSpaceTests.base(size: 64))
        let reader = RecordingReader()
        let scan = SysfsScanner(devicesDirectory: dir.path + "/bus/pci/devices", reader: reader, depth: .devicesOf(vendor: Self.nvidia)).scan()
        let address = try #require(PCIAddress("0000:01:00.0"))
        #expect(reader.touched(in: address).contains("config") == read)
        #expect(scan.functions.first?.vendor == (read ? Self.nvidia : nil))
    }
}
