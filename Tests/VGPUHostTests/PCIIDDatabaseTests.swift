import Foundation
import Testing
import VGPUHost

/// The pci.ids reader: which names it keeps, and that malformed lines cost nothing but themselves.
struct PCIIDDatabaseTests {
    /// A slice of pci.ids in the file's real layout: comments, vendors, devices, subsystems, classes.
    static let sample = """
        # List of PCI ID's
        #
        10de  NVIDIA Corporation
        \t2684  AD102 [GeForce RTX 4090]
        \t\t10de 167c  AD102 [GeForce RTX 4090 Founders Edition]
        \t26b5  AD102GL [L40]
        \t26b9  AD102GL [L40S]
        10df  Emulex Corporation
        \t1ae5  LP6000 Fibre Channel Host Adapter
        1af4  Red Hat, Inc.
        \t1041  Virtio network device
        C 03  Display controller
        \t00  VGA compatible controller
        """

    @Test func keepsOnlyTheVendorsAskedFor() {
        let db = PCIIDDatabase(text: Self.sample, vendorsOfInterest: [0x10de])
        #expect(db.vendors == [0x10de: "NVIDIA Corporation"])
        #expect(db.devices == [0x10de_2684: "AD102 [GeForce RTX 4090]", 0x10de_26b5: "AD102GL [L40]",
                               0x10de_26b9: "AD102GL [L40S]"])
        #expect(db.name(vendor: 0x10df, device: 0x1ae5) == nil)
    }

    @Test func keepsOnlyTheDevicesAskedFor() {
        let db = PCIIDDatabase(bytes: Array(Self.sample.utf8), vendorsOfInterest: [0x10de, 0x1af4],
                               devicesOfInterest: [0x10de_26b9, 0x1af4_1041, 0x10de_ffff])
        #expect(db.devices == [0x10de_26b9: "AD102GL [L40S]", 0x1af4_1041: "Virtio network device"])
        #expect(db.vendors == [0x10de: "NVIDIA Corporation", 0x1af4: "Red Hat, Inc."])
    }

    /// A class line ends the vendor section: its entries are not devices of the last vendor.
    @Test func classLinesEndTheVendorSection() {
        let text = "1af4  Red Hat, Inc.\nC 03  Display controller\n\t1041  not a device\n"
        #expect(PCIIDDatabase(text: text, vendorsOfInterest: [0x1af4]).devices.isEmpty)
    }

    /// Truncated lines, bad hex, a missing final newline, CR line ends: skipped or kept, never a trap.
    @Test func malformedLinesAreSkipped() {
        for text in ["10de", "10de ", "\t2684", "zzzz  Bad\n\t2684  x", "10de  NVIDIA\n\t26", "10de  NVIDIA\n\tgggg  bad",
                     "10de  NVIDIA\n\t2684  AD102", "10de  NVIDIA\r\n\t2684  AD102\r\n", "", "\n\n\t\t\n#"] {
            let db = PCIIDDatabase(text: text, vendorsOfInterest: [0x10de])
            #expect(db.devices.count <= 1, "\(text.debugDescription)")
        }
        #expect(PCIIDDatabase(text: "10de  NVIDIA\n\t2684  AD102", vendorsOfInterest: [0x10de]).name(vendor: 0x10de, device: 0x2684) == "AD102")
    }

    /// On Debian's file, asking for one device gives the name the whole-vendor parse gives.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: PCIIDDatabase.defaultPath), "pci.ids is not installed"))
    func realFileAgreesWithAndWithoutADeviceFilter() throws {
        let all = try #require(PCIIDDatabase.load(vendors: [0x10de]))
        let one = try #require(PCIIDDatabase.load(vendors: [0x10de], devices: [0x10de_26b5]))
        #expect(all.devices.count > 1000)
        #expect(one.devices.count == 1)
        #expect(one.name(vendor: 0x10de, device: 0x26b5) == all.name(vendor: 0x10de, device: 0x26b5))
        #expect(one.name(vendor: 0x10de, device: 0x26b5) == "AD102GL [L40]")
    }
}
