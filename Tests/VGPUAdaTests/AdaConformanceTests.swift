import Testing
import VGPUAda
import VGPUTestSupport

/// The Ada module against the shared conformance suite (docs/adding-a-generation.md).
struct AdaConformanceTests {
    @Test func conformance() throws {
        expectConformance(try AdaModule())
    }
}
