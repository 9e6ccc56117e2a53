import Foundation
import PackagePlugin

/// Embeds an architecture module's data files into the module at build time.
///
/// - The firmware manifest's one home is `firmware-manifests/<architecture>.json` at the top of the
///   package (module `VGPUAda` embeds `ada.json`) -> `EmbeddedFirmwareManifest.files`.
/// - vGPU type catalogues live in the module's own `vgpu-types/` folder (excluded from its sources)
///   -> `EmbeddedVGPUTypes.files`.
///
/// Embedding keeps `vgpu-probe` a single self-contained binary (it can be copied to a GPU host).
@main
struct EmbedFirmwareManifest: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "embed-manifest").url
        let architecture = target.name.hasPrefix("VGPU") ? String(target.name.dropFirst(4)).lowercased() : target.name.lowercased()
        let manifest = context.package.directoryURL.appending(path: "firmware-manifests").appending(path: "\(architecture).json")
        let manifestOutput = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFirmwareManifest.swift")
        var commands: [Command] = [
            .buildCommand(
                displayName: "Embedding firmware-manifests/\(architecture).json into \(target.name)",
                executable: tool,
                arguments: [manifestOutput.path(percentEncoded: false), "EmbeddedFirmwareManifest", "firmware-manifests",
                            manifest.path(percentEncoded: false)],
                inputFiles: [manifest],
                outputFiles: [manifestOutput]
            ),
        ]
        let typesDirectory = target.directoryURL.appending(path: "vgpu-types")
        let typeFiles = ((try? FileManager.default.contentsOfDirectory(atPath: typesDirectory.path(percentEncoded: false))) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted().map { typesDirectory.appending(path: $0) }
        let typesOutput = context.pluginWorkDirectoryURL.appending(path: "EmbeddedVGPUTypes.swift")
        commands.append(
            .buildCommand(
                displayName: "Embedding \(typeFiles.count) vGPU type catalogue(s) into \(target.name)",
                executable: tool,
                arguments: [typesOutput.path(percentEncoded: false), "EmbeddedVGPUTypes", "Sources/\(target.name)/vgpu-types"]
                    + typeFiles.map { $0.path(percentEncoded: false) },
                inputFiles: typeFiles,
                outputFiles: [typesOutput]
            ))
        return commands
    }
}
