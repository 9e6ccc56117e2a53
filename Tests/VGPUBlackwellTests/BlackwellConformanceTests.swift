import Testing
import VGPUBlackwell
import VGPUTestSupport

/// The Blackwell module against the shared conformance suite.
struct BlackwellConformanceTests {
    @Test func conformance() throws {
        expectConformance(try BlackwellModule())
    }
}
