import Foundation
import PackagePlugin

/// Embeds a generation's data files into its module at build time; both live in the module's folder,
/// so a generation is one folder (docs/adding-a-generation.md):
///
/// - `Sources/VGPU<Gen>/firmware-manifests/*.json` -> `EmbeddedFirmwareManifest.files` (its firmware
///   manifest; the format is firmware-manifests/schema.json at the top of the package);
/// - `Sources/VGPU<Gen>/vgpu-types/*.json` -> `EmbeddedVGPUTypes.files` (vGPU type catalogues).
///
/// Both folders are excluded from the target's sources (Package.swift). Embedding keeps `vgpu-probe` a
/// single self-contained binary (it can be copied to a GPU host).
@main
struct EmbedFirmwareManifest: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "embed-manifest").url
        return [
            embed(folder: "firmware-manifests", as: "EmbeddedFirmwareManifest", what: "firmware manifest(s)", tool: tool, context: context, target: target),
            embed(folder: "vgpu-types", as: "EmbeddedVGPUTypes", what: "vGPU type catalogue(s)", tool: tool, context: context, target: target),
        ]
    }

    /// The command that turns `folder`'s JSON files into the Swift enum `name`.
    private func embed(folder: String, as name: String, what: String, tool: URL, context: PluginContext, target: Target) -> Command {
        let directory = target.directoryURL.appending(path: folder)
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path(percentEncoded: false))) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted().map { directory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: name + ".swift")
        return .buildCommand(
            displayName: "Embedding \(files.count) \(what) into \(target.name)",
            executable: tool,
            arguments: [output.path(percentEncoded: false), name, "Sources/\(target.name)/\(folder)"] + files.map { $0.path(percentEncoded: false) },
            inputFiles: files,
            outputFiles: [output]
        )
    }
}
