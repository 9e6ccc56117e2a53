import Foundation
import PackagePlugin

/// Embeds an architecture module's firmware manifest into the module at build time.
///
/// The manifest's one home is `firmware-manifests/<architecture>.json` at the top of the package;
/// module `VGPUAda` embeds `ada.json`. Embedding keeps `vgpu-probe` a single self-contained binary
/// (it can be copied to a GPU host) without a second copy of the manifest in the source tree.
@main
struct EmbedFirmwareManifest: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let architecture = target.name.hasPrefix("VGPU") ? String(target.name.dropFirst(4)).lowercased() : target.name.lowercased()
        let manifest = context.package.directoryURL
            .appending(path: "firmware-manifests")
            .appending(path: "\(architecture).json")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFirmwareManifest.swift")
        return [
            .buildCommand(
                displayName: "Embedding firmware-manifests/\(architecture).json into \(target.name)",
                executable: try context.tool(named: "embed-manifest").url,
                arguments: [manifest.path(percentEncoded: false), output.path(percentEncoded: false), "firmware-manifests/\(architecture).json"],
                inputFiles: [manifest],
                outputFiles: [output]
            ),
        ]
    }
}
