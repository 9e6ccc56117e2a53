import Foundation
import PackagePlugin

/// Embeds the commit the package was built from into the target (`BuildInfo.commit`), for `--version`.
///
/// The tool reads the git metadata files (HEAD, the branch's ref, packed-refs) rather than running git,
/// so a build needs no git binary; the files are the command's inputs, so a new commit rebuilds it. A
/// package without `.git` (a source tarball) says "unknown".
@main
struct EmbedBuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "embed-build-info").url
        let git = context.package.directoryURL.appending(path: ".git")
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo.swift")
        var inputs = [git.appending(path: "HEAD"), git.appending(path: "packed-refs")]
        if let head = try? String(contentsOf: git.appending(path: "HEAD"), encoding: .utf8), head.hasPrefix("ref: ") {
            inputs.append(git.appending(path: head.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return [
            .buildCommand(
                displayName: "Embedding the commit into \(target.name)",
                executable: tool,
                arguments: [output.path(percentEncoded: false), git.path(percentEncoded: false)],
                inputFiles: inputs.filter { FileManager.default.fileExists(atPath: $0.path(percentEncoded: false)) },
                outputFiles: [output]
            ),
        ]
    }
}
