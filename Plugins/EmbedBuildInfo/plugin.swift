import Foundation
import PackagePlugin

/// Embeds the package's version (the top-level VERSION file) and the commit it was built from into the
/// target (`BuildInfo.version`, `BuildInfo.commit`), for `--version` of every executable.
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
        let version = context.package.directoryURL.appending(path: "VERSION")
        var inputs = [version, git.appending(path: "HEAD"), git.appending(path: "packed-refs")]
        if let head = try? String(contentsOf: git.appending(path: "HEAD"), encoding: .utf8), head.hasPrefix("ref: ") {
            inputs.append(git.appending(path: head.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return [
            .buildCommand(
                displayName: "Embedding the version and commit into \(target.name)",
                executable: tool,
                arguments: [output.path(percentEncoded: false), version.path(percentEncoded: false), git.path(percentEncoded: false)],
                inputFiles: inputs.filter { FileManager.default.fileExists(atPath: $0.path(percentEncoded: false)) },
                outputFiles: [output]
            ),
        ]
    }
}
