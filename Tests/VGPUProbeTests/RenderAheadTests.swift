import Foundation
import Testing
import VGPUCore
import VGPUProbe
import VGPUTestSupport

/// `HostProbe.run(_:rendering:)`: a report rendered ahead of the firmware verdicts is used only when
/// the verdicts agree with the guess, so the output is always the rendering of the final report.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct RenderAheadTests {
    /// The files AD102 boots with, as the module's manifest names them.
    /// The image the fixture's nvidia 535.261.03 loads, and the linux-firmware files its vGPU boot plan reads.
    static let driverImage = "nvidia/535.261.03/gsp_ga10x.bin"
    static let ad102Files = [driverImage] + ["gsp", "bootloader", "booter_load", "booter_unload"].map { "nvidia/ad102/gsp/\($0)-535.113.01.bin" }

    func probe(firmwareRoot: String, renderAhead: HostProbe.RenderAhead) throws -> (report: HostReport, rendering: Data, renderedAhead: Bool) {
        var options = HostProbe.Options()
        options.sysfsRoot = FixtureHosts.root("l40-two-gpus")  // two L40s: AD102
        options.firmwareRoot = firmwareRoot
        options.digestCache = nil
        options.renderAhead = renderAhead
        let (report, rendering, ahead) = try HostProbe(registry: try BuiltInModules.registry()).run(options) { report in
            (try? JSONOutput.encode(report)) ?? Data()
        }
        return (report, rendering, ahead)
    }

    @Test func firmwareThatVerifiesUsesTheRenderingMadeAhead() throws {
        let run = try probe(firmwareRoot: RealFirmware.root, renderAhead: .always)
        #expect(run.report.gpus.count == 2)
        #expect(run.report.gpus.allSatisfy { $0.firmware?.ok == true })
        #expect(run.renderedAhead)
        #expect(run.rendering == (try JSONOutput.encode(run.report)))
    }

    @Test func firmwareThatFailsIsRenderedAgainFromTheVerdicts() throws {
        // The real files, but one byte of the GSP image the driver loads flipped: same size, so only the
        // digest can tell.
        let dir = try ScratchDirectory()
        for relative in Self.ad102Files {
            var bytes = try RealFirmware.bytes(relative)
            if relative == Self.driverImage { bytes[bytes.count / 2] ^= 0x01 }
            _ = try dir.write(relative, bytes)
        }
        let run = try probe(firmwareRoot: dir.path, renderAhead: .always)
        #expect(!run.renderedAhead)
        #expect(run.report.gpus.count == 2)
        for gpu in run.report.gpus {
            #expect(gpu.firmware?.ok == false)
            #expect(gpu.firmware?.findings.contains { $0.contains("gsp_ga10x.bin: sha256 ") && $0.contains("manifest expects") } == true, "\(gpu.firmware?.findings ?? [])")
            #expect(gpu.readiness.checks.first { $0.name == .firmware }?.ok == false)
        }
        #expect(run.rendering == (try JSONOutput.encode(run.report)))
    }

    @Test(arguments: [HostProbe.RenderAhead.whileHashing, .never])
    func everyPolicyRendersTheFinalReport(policy: HostProbe.RenderAhead) throws {
        let run = try probe(firmwareRoot: RealFirmware.root, renderAhead: policy)
        if policy == .never { #expect(!run.renderedAhead) }
        #expect(run.rendering == (try JSONOutput.encode(run.report)))
        var plain = HostProbe.Options()
        plain.sysfsRoot = FixtureHosts.root("l40-two-gpus")
        plain.firmwareRoot = RealFirmware.root
        plain.digestCache = nil
        #expect(run.report == (try HostProbe(registry: try BuiltInModules.registry()).run(plain)))
    }
}
