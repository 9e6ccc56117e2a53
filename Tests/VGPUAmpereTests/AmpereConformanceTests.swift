import Testing
import VGPUAmpere
import VGPUTestSupport

/// The Ampere module against the shared conformance suite.
struct AmpereConformanceTests {
    @Test func conformance() throws {
        expectConformance(try AmpereModule())
    }
}
