import Foundation
import Testing
import VGPUCore

/// Manifest validation: every refusal names the manifest and the JSON path of the field.
struct ManifestTests {
    static let valid = """
        {"schemaVersion": 1, "architecture": "ada", "releases": [{"version": "535.113.01", "layout": "linux-firmware",
         "source": {"package": "firmware-nvidia-graphics", "version": "1", "suite": "bookworm-backports", "component": "non-free-firmware"},
         "chips": [{"chip": "ad102", "files": [
           {"role": "gsp", "path": "nvidia/ad102/gsp/gsp-535.113.01.bin", "size": 10,
            "sha256": "e30231ec0d317021770e16c81ae2c0553f728d0344248827582f78132c9447d4",
            "fwversion": "535.113.01", "signatureSection": ".fwsignature_ad10x"},
           {"role": "bootloader", "path": "nvidia/ad102/gsp/bootloader-535.113.01.bin", "size": 11,
            "sha256": "044d3a21eff73eb12f22840e5f145d685727f40165b3f2d265cf664753e9ff9c"}]}]}]}
        """

    func load(_ text: String) throws(ManifestError) -> FirmwareManifest {
        try FirmwareManifest.load(Data(text.utf8), name: "test.json")
    }

    func error(_ text: String) -> ManifestError? {
        do { _ = try load(text); return nil } catch { return error }
    }

    @Test func validManifestLoads() throws {
        let m = try load(Self.valid)
        #expect(m.releases[0].chips[0].files.map(\.role) == [.gsp, .bootloader])
        #expect(m.release(FirmwareRelease("535.113.01")!) != nil)
        #expect(m.release(FirmwareRelease("570.144")!) == nil)
    }

    @Test("the bundled manifests validate")
    func bundledManifests() throws {
        // Each generation's, in Sources/VGPU<Gen>/firmware-manifests/.
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).flatMap { module in
            let dir = sources.appendingPathComponent(module).appendingPathComponent("firmware-manifests")
            return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.map { dir.appendingPathComponent($0) }
        }
        #expect(files.count >= 2)
        for url in files {
            let f = url.lastPathComponent
            let m = try FirmwareManifest.load(try Data(contentsOf: url), name: f)
            #expect(m.architecture + ".json" == f)
        }
    }

    @Test("each bad field is named by its JSON path", arguments: [
        ("\"sha256\": \"e30231ec", "\"sha256\": \"E30231ec", "releases[0].chips[0].files[0].sha256"),
        ("\"sha256\": \"e30231ec", "\"sha256\": \"g30231ec", "releases[0].chips[0].files[0].sha256"),
        ("\"sha256\": \"e30231ec", "\"sha256\": \"\u{0660}30231ec", "releases[0].chips[0].files[0].sha256"),
        ("\"sha256\": \"e30231ec", "\"sha256\": \"e30231e", "releases[0].chips[0].files[0].sha256"),
        ("\"path\": \"nvidia/ad102/gsp/gsp", "\"path\": \"../../etc/gsp", "releases[0].chips[0].files[0].path"),
        ("\"path\": \"nvidia/ad102/gsp/boot", "\"path\": \"/lib/firmware/boot", "releases[0].chips[0].files[1].path"),
        ("\"path\": \"nvidia/ad102/gsp/boot", "\"path\": \"nvidia//boot", "releases[0].chips[0].files[1].path"),
        ("\"schemaVersion\": 1", "\"schemaVersion\": 2", "schemaVersion"),
        ("\"architecture\": \"ada\"", "\"architecture\": \"Ada\"", "architecture"),
        ("\"size\": 11", "\"size\": 0", "releases[0].chips[0].files[1].size"),
        ("\"role\": \"bootloader\"", "\"role\": \"gsp\"", "releases[0].chips[0].files[1].role"),
        ("\"role\": \"bootloader\"", "\"role\": \"firmware\"", "releases[0].chips[0].files[1].role"),
        (", \"signatureSection\": \".fwsignature_ad10x\"", "", "releases[0].chips[0].files[0].signatureSection"),
        ("\"fwversion\": \"535.113.01\",", "", "releases[0].chips[0].files[0].fwversion"),
        ("\"version\": \"535.113.01\"", "\"version\": \"latest\"", "releases[0].version"),
        ("\"layout\": \"linux-firmware\"", "\"layout\": 3", "releases[0].layout"),
        ("\"component\": \"non-free-firmware\"", "\"componentx\": \"non-free-firmware\"", "releases[0].source.component"),
    ])
    func badField(original: String, replacement: String, field: String) throws {
        #expect(Self.valid.contains(original), "fixture edit must apply")
        let e = try #require(error(Self.valid.replacingOccurrences(of: original, with: replacement)))
        #expect(e.field == field)
        #expect(e.file == "test.json")
        #expect(e.description.hasPrefix("test.json: \(field): "))
    }

    @Test func duplicateChipAndRelease() throws {
        let chip = #"{"chip": "ad102", "files": [{"role": "gsp", "path": "a", "size": 1, "sha256": "\#(String(repeating: "0", count: 64))", "fwversion": "1", "signatureSection": ".fwsignature_x"}]}"#
        let twoChips = Self.valid.replacingOccurrences(of: "\"chips\": [", with: "\"chips\": [\(chip), ")
        #expect(error(twoChips)?.field == "releases[0].chips[1].chip")
    }

    @Test func notJSONEmptyAndOversized() {
        #expect(error("")?.field == "$")
        #expect(error("{\"schemaVersion\": ")?.field == "$")
        #expect(error("[]")?.field == "$")
        let huge = Data(repeating: 0x20, count: FirmwareManifest.maximumEncodedSize + 1)
        #expect(throws: ManifestError.self) { try FirmwareManifest.load(huge, name: "huge.json") }
    }

    @Test func pathRule() {
        #expect(ManifestPath.problem(with: "nvidia/ad102/gsp/gsp-535.113.01.bin") == nil)
        for bad in ["", "/abs", "a/../b", "..", "a/./b", "a//b", "a/"] { #expect(ManifestPath.problem(with: bad) != nil, "\(bad)") }
    }
}
