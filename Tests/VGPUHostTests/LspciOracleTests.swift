import Testing
import VGPUCore
import VGPUHost
import VGPUTestSupport

/// Our decoding of each fixture host against pciutils' lspci reading the same tree.
struct LspciOracleTests {
    @Test("scan agrees with lspci -vvv -nn: functions, ids, class, capability offsets, SR-IOV", arguments: FixtureHosts.all)
    func agreesWithLspci(host: String) throws {
        let root = FixtureHosts.root(host)
        let theirs = try LspciDevice.scan(host: root)
        let devices = try #require(SysfsScanner.devicesDirectory(root: root))
        let scan = SysfsScanner(devicesDirectory: devices).scan()
        #expect(scan.warnings.isEmpty)
        #expect(scan.functions.map(\.address.description) == theirs.map(\.address))
        var sriovSeen = 0
        for (ours, lspci) in zip(scan.functions, theirs) {
            let where_ = "\(host) \(lspci.address)"
            #expect(ours.vendor == lspci.vendor, "\(where_)")
            #expect(ours.device == lspci.device, "\(where_)")
            #expect(ours.classCode.map { UInt16($0 >> 8) } == lspci.classCode, "\(where_)")
            #expect(ours.revision == (lspci.revision ?? 0), "\(where_)")  // lspci omits "(rev 00)"
            // A suspended device's config is not read (lspci reads it, waking the device): its SR-IOV
            // values come from the sriov_* files, which must still say what lspci decodes.
            if ours.configReadWouldWake != nil {
                #expect(ours.config == nil, "\(where_)")
                if let s = lspci.sriov {
                    sriovSeen += 1
                    #expect(ours.sriov?.totalVFs == s.total && ours.sriov?.numVFs == s.number && ours.sriov?.vfDevice == s.deviceID, "\(where_)")
                    #expect(ours.sriov?.offset == s.offset && ours.sriov?.stride == s.stride, "\(where_)")
                }
                continue
            }
            let config = try #require(ours.config, "\(where_)")
            let offsets = config.capabilities.map { ($0.offset, false) } + config.extendedCapabilities.map { ($0.offset, true) }
            #expect(offsets.map(\.0) == lspci.capabilities.map(\.offset), "\(where_)")
            #expect(offsets.map(\.1) == lspci.capabilities.map(\.extended), "\(where_)")
            if let s = lspci.sriov {
                sriovSeen += 1
                let cap = try #require(config.sriov, "\(where_)")
                #expect(Int(cap.initialVFs) == s.initial)
                #expect(Int(cap.totalVFs) == s.total)
                #expect(Int(cap.numVFs) == s.number)
                #expect(Int(cap.firstVFOffset) == s.offset)
                #expect(Int(cap.vfStride) == s.stride)
                #expect(cap.vfDeviceID == s.deviceID)
                // The kernel's sriov_* files say the same as the capability.
                #expect(ours.sriov?.totalVFs == s.total)
                #expect(ours.sriov?.numVFs == s.number)
                #expect(ours.sriov?.vfDevice == s.deviceID)
            } else {
                #expect(config.sriov == nil, "\(where_)")
            }
        }
        if ["l40-two-gpus", "l4", "t4", "mixed", "l40-suspended", "a40"].contains(host) { #expect(sriovSeen > 0) }
    }

    @Test func vfsAreGroupedUnderTheirPF() throws {
        let root = FixtureHosts.root("l40-two-gpus")
        let scan = SysfsScanner(devicesDirectory: try #require(SysfsScanner.devicesDirectory(root: root))).scan()
        let pf = try #require(scan.functions.first { $0.address.description == "0000:41:00.0" })
        #expect(pf.virtualFunctions.count == 32)
        // VF n is at routing id PF + First VF Offset + n * stride.
        #expect(pf.virtualFunctions.map(\.index) == Array(0..<32))
        for link in pf.virtualFunctions {
            #expect(Int(link.address.routingID) == Int(pf.address.routingID) + 4 + link.index)
            let f = try #require(scan.functions.first { $0.address == link.address })
            #expect(f.physicalFunction == pf.address)
            #expect(f.isVirtualFunction)
        }
        #expect(pf.config?.sriov?.vfBARs.map(\.is64Bit) == [false, true, true, false])
    }
}
