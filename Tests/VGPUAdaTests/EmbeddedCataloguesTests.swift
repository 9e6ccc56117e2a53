import Foundation
import Testing
import VGPUAda
import VGPUCore
import VGPUTestSupport

/// The catalogues a module embeds: indexed when the module loads, each decoded on first use, and the
/// index checked with errors that name the file and field.
struct EmbeddedCataloguesTests {
    static let identity = AdaModule.identity

    /// An embedded file as the plugin's tool writes it, from the package's own copy.
    static func file(_ relative: String, fields: [String: String]? = nil, json: String? = nil) throws -> EmbeddedFile {
        let text = try json ?? String(contentsOf: RealFirmware.packageRoot.appendingPathComponent(relative), encoding: .utf8)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        let read = object.compactMapValues { $0 as? String }
        return EmbeddedFile(name: relative, fields: fields ?? read, json: text)
    }

    static func manifest() throws -> [EmbeddedFile] { [try file("Sources/VGPUAda/firmware-manifests/ada.json")] }

    @Test func aLookupDecodesOnlyTheCatalogueAskedFor() throws {
        let ada = try AdaModule()
        #expect(ada.embeddedCatalogues.decodedCount == 0)
        #expect(Set(ada.vgpuBoards) == ["L40", "L40S", "L20", "L4", "RTX 6000 Ada"])
        #expect(ada.embeddedCatalogues.decodedCount == 0)
        let l40s = try #require(ada.catalogue(deviceID: 0x26b9, subsystem: nil))
        #expect(l40s.board == "L40S")
        #expect(ada.embeddedCatalogues.decodedCount == 1)
        #expect(ada.catalogue(board: "l40s") == l40s)  // decoded once, kept
        #expect(ada.embeddedCatalogues.decodedCount == 1)
        #expect(ada.catalogue(deviceID: 0x1234, subsystem: nil) == nil)
        #expect(ada.vgpuTypeCatalogues.count == 5)
        #expect(ada.embeddedCatalogues.decodedCount == 5)
    }

    /// The lazy catalogue is the one the file decodes to directly.
    @Test func lazyAndDirectDecodingAgree() throws {
        let ada = try AdaModule()
        for name in ["l4", "l20", "l40", "l40s", "rtx-6000-ada"] {
            let relative = "Sources/VGPUAda/vgpu-types/\(name).json"
            let direct = try VGPUTypeCatalogue.load(Data(try Self.file(relative).json.utf8), name: relative)
            #expect(ada.catalogue(board: direct.board) == direct)
        }
    }

    @Test func theIndexIsChecked() throws {
        let good = try Self.file("Sources/VGPUAda/vgpu-types/l40s.json")
        func load(_ types: [EmbeddedFile]) -> ManifestError? {
            do {
                _ = try ModuleData.load(Self.identity, manifestFiles: try Self.manifest(), typeFiles: types)
                return nil
            } catch let error as ManifestError {
                return error
            } catch {
                Issue.record("unexpected \(error)")
                return nil
            }
        }
        #expect(load([good]) == nil)

        // Another module's chip.
        var fields = good.fields
        fields["chip"] = "GA102"
        let foreign = load([EmbeddedFile(name: good.name, fields: fields, json: good.json)])
        #expect(foreign?.field == "chip")
        #expect(foreign?.description.contains("l40s.json") == true)

        // Two catalogues for one device id.
        #expect(load([good, good])?.field == "pciDeviceID")

        // No index (the tool found no JSON object): the file is decoded, and the decoder names the field.
        let broken = EmbeddedFile(name: "vgpu-types/broken.json", fields: [:], json: #"{"schemaVersion": 1, "board": 7}"#)
        let error = load([broken])
        #expect(error?.file == "vgpu-types/broken.json")
        #expect(error?.field == "board")

        // Not JSON at all.
        #expect(load([EmbeddedFile(name: "vgpu-types/x.json", fields: [:], json: "not json")])?.file == "vgpu-types/x.json")

        // A bad device id in the index.
        fields = good.fields
        fields["pciDeviceID"] = "26b9z"
        #expect(load([EmbeddedFile(name: good.name, fields: fields, json: #"{"board": "L40S"}"#)]) != nil)
    }
}
