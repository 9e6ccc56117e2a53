import Testing
import VGPUConformance
import VGPUCore

/// Runs the conformance suite on `module` against the real firmware and records one issue per failed
/// check, naming the check and the module: the one line each module's test target needs.
public func expectConformance(_ module: any ArchitectureModule, sourceLocation: SourceLocation = #_sourceLocation) {
    for failure in Conformance.failures(of: module, firmwareRoot: RealFirmware.root, requireFirmware: RealFirmware.isCI) {
        Issue.record(Comment(rawValue: failure.description), sourceLocation: sourceLocation)
    }
}
