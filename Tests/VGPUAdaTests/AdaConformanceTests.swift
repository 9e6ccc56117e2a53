import Testing
import VGPUAda
import VGPUConformance
import VGPUTestSupport

/// The Ada module against the shared conformance suite (docs/adding-a-generation.md).
struct AdaConformanceTests {
    @Test func conformance() throws {
        #expect(Conformance.failures(of: try AdaModule(), firmwareRoot: RealFirmware.root, requireFirmware: RealFirmware.isCI).map(\.description) == [])
    }
}
