import Testing
import VGPUHopper
import VGPUTestSupport

/// The Hopper module against the shared conformance suite.
struct HopperConformanceTests {
    @Test func conformance() throws {
        expectConformance(try HopperModule())
    }
}
