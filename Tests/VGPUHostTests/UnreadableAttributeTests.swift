import Testing
import VGPUHost
import VGPUTestSupport

/// A file the kernel refuses to give: a permission the scanning user lacks, or an I/O error from a
/// device that went away mid-read. Tests run as root (where chmod cannot make a file unreadable), so
/// the refusal comes through the reader seam, over a real fixture tree.
struct UnreadableAttributeTests {
    /// The live reader, refusing `refused` files (by name) with `error`.
    struct RefusingReader: SysfsReader {
        let live = LiveSysfs()
        let refused: Set<String>
        let error: SysfsReadError

        func refuses(_ path: String) -> Bool { refused.contains(String(path.split(separator: "/").last ?? "")) }
        func read(_ path: String, limit: Int) -> Result<[UInt8], SysfsReadError> { refuses(path) ? .failure(error) : live.read(path, limit: limit) }
        func readLink(_ path: String) -> Result<String, SysfsReadError> { refuses(path) ? .failure(error) : live.readLink(path) }
        func list(_ path: String) -> Result<[String], SysfsReadError> { refuses(path) ? .failure(error) : live.list(path) }
        func readRegisters(_ path: String, offsets: [Int]) -> Result<[UInt32], SysfsReadError> {
            refuses(path) ? .failure(error) : live.readRegisters(path, offsets: offsets)
        }
    }

    @Test(arguments: [SysfsReadError.permissionDenied, .failed("Input/output error")],
          ["vendor", "device", "config", "resource", "sriov_totalvfs", "sriov_numvfs", "creatable_vgpu_types"])
    func anUnreadableAttributeIsADiagnosticNamingIt(error: SysfsReadError, file: String) throws {
        let root = FixtureHosts.root("l40s-in-use")
        let reader = RefusingReader(refused: [file], error: error)
        let devices = try #require(SysfsScanner.devicesDirectory(root: root))
        let scan = SysfsScanner(devicesDirectory: devices, reader: reader).scan()
        // Every function is still reported; those with the file carry a diagnostic that names it and why.
        #expect(scan.functions.count == 12)
        let named = scan.functions.flatMap(\.diagnostics).filter { $0.field.hasSuffix(file) }
        #expect(!named.isEmpty, "\(file): \(scan.functions.flatMap(\.diagnostics))")
        // Said once per function, as it is: not also called missing.
        #expect(named.allSatisfy { $0.problem == error.description }, "\(named)")
    }
}
