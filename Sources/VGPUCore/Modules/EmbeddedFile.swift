/// A JSON data file compiled into a module by the EmbedFirmwareManifest plugin.
///
/// The plugin's tool also reads the file's top-level scalar fields at build time (`board`,
/// `pciDeviceID`, `chip`, ...), so a module can index its catalogues without decoding them: decoding
/// 80 KB of catalogues on every start cost a probe more time than scanning eight GPUs.
public struct EmbeddedFile: Sendable {
    /// The file as messages show it (`Sources/VGPUAda/vgpu-types/l40s.json`).
    public let name: String
    /// The file's top-level string and number fields, as text; empty when the file was not a JSON object.
    public let fields: [String: String]
    /// The file's exact text.
    public let json: String

    /// A file from its parts (the generated code calls this).
    public init(name: String, fields: [String: String], json: String) {
        self.name = name
        self.fields = fields
        self.json = json
    }
}
