import Foundation
import Testing
import VGPUTestSupport

/// The new-generation command plugin, run in a temporary copy of the package; its output must build.
struct NewGenerationPluginTests {
    @Test func scaffoldBuilds() throws {
        let script = RealFirmware.packageRoot.appendingPathComponent("scripts/check-new-generation.sh").path
        let (output, status) = try Oracle.run("bash", [script, "Example", "ex100=0x3f0,ex102=0x3f2"])
        #expect(status == 0, "\(output.suffix(2000))")
        #expect(output.contains("wrote Sources/VGPUExample/ExampleChip.swift"))
        #expect(output.contains("wrote Sources/VGPUExample/ExampleModule.swift"))
        #expect(output.contains("wrote Sources/VGPUExample/firmware-manifests/example.json"))
        #expect(output.contains("wrote Tests/VGPUExampleTests/ExampleConformanceTests.swift"))
        // A generation is its two folders and one line of Package.swift, nothing else.
        #expect(output.contains("== paths changed outside Sources/VGPUExample/ and Tests/VGPUExampleTests/\nPackage.swift\nPackage.swift: 1+0-"))
        #expect(output.contains("new-generation: VGPUExample builds; outside its two folders only Package.swift changed, by one line"))
    }
}
