import Foundation
import Testing
import VGPUTestSupport

/// The new-generation command plugin, run in a temporary copy of the package; its output must build.
struct NewGenerationPluginTests {
    @Test func scaffoldBuilds() throws {
        let script = RealFirmware.packageRoot.appendingPathComponent("scripts/check-new-generation.sh").path
        let (output, status) = try Oracle.run("bash", [script, "Blackwell", "gb202=0x1b2,gb203=0x1b3"])
        #expect(status == 0, "\(output.suffix(2000))")
        #expect(output.contains("wrote Sources/VGPUBlackwell/BlackwellModule.swift"))
        #expect(output.contains("wrote Sources/VGPUBlackwell/firmware-manifests/blackwell.json"))
        #expect(output.contains("wrote Tests/VGPUBlackwellTests/BlackwellConformanceTests.swift"))
        // A generation is its two folders and one line of Package.swift, nothing else.
        #expect(output.contains("== paths changed outside Sources/VGPUBlackwell/ and Tests/VGPUBlackwellTests/\nPackage.swift\nPackage.swift: 1+0-"))
        #expect(output.contains("new-generation: VGPUBlackwell builds; outside its two folders only Package.swift changed, by one line"))
    }
}
