import Testing
import VGPUTuring
import VGPUTestSupport

/// The Turing module against the shared conformance suite.
struct TuringConformanceTests {
    @Test func conformance() throws {
        expectConformance(try TuringModule())
    }
}
