import Foundation
import Testing
import VGPUAda
import VGPUCore
import VGPUHost

/// The Ada module's device-id blocks against every NVIDIA entry of Debian's pci.ids naming an AD10x die.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: PCIIDDatabase.defaultPath) || ProcessInfo.processInfo.environment["CI"] == "true",
                "pci.ids (Debian package pci.ids) is not installed"))
struct PCIIDsTests {
    @Test func adaTableAgreesWithPCIIDs() throws {
        let db = try #require(PCIIDDatabase.load(vendors: [0x10de]))
        let registry = try ModuleRegistry(modules: [try AdaModule()])
        var checked = 0
        for (key, name) in db.devices where key >> 16 == 0x10de {
            let device = UInt16(key & 0xffff)
            let die = name.prefix(5)  // "AD102" from "AD102GL [L40]"
            let selected = registry.select(pciDeviceID: device)
            if die.hasPrefix("AD10"), !name.contains("Audio") {
                #expect(selected?.chip.name == String(die), "\(String(device, radix: 16)) \(name)")
                checked += 1
            } else if name.contains("Audio") {
                #expect(selected == nil, "audio function \(String(device, radix: 16)) \(name) must not map to a GPU die")
            } else if let selected, name.range(of: #"^(NV|G|T|GA|GH|AD|GB|GK|GM|GP|GV|TU)[0-9]{2,3}"#, options: .regularExpression) != nil {
                // An id inside an Ada block whose name gives a die must give that die. (Some entries are
                // named by laptop codename, e.g. "GN21-X11 [GeForce RTX 4090 Laptop GPU]": no die to check.)
                #expect(name.hasPrefix(selected.chip.name), "\(String(device, radix: 16)) \(name) lies in \(selected.chip.name)'s block")
            }
        }
        #expect(checked >= 20)
    }
}
