import Testing
import VGPUHost

/// NVIDIA's `creatable_vgpu_types` file: the header is skipped, good lines kept, every other line
/// returned as malformed (the scan reports them), never a trap.
struct CreatableTypesParsingTests {
    @Test func realLayout() {
        let text = "ID    : vGPU Name\n1153  : NVIDIA L40S-12Q\n1154\t: NVIDIA L40S-16Q \n"
        let parsed = CreatableVGPUType.parse(text)
        #expect(parsed.types.map(\.id) == [1153, 1154])
        #expect(parsed.types.map(\.name) == ["NVIDIA L40S-12Q", "NVIDIA L40S-16Q"])
        #expect(parsed.malformed.isEmpty)
    }

    @Test(arguments: [": NVIDIA L40S-12Q", "1153 :", "1153", "0 : zero", "-4 : negative", "x12 : NVIDIA", "99999999999999999999 : big",
                      "1153 : \u{0}", "\u{FEFF}1153 : NVIDIA", String(repeating: "9", count: 200)])
    func malformedLines(line: String) {
        let parsed = CreatableVGPUType.parse("ID : vGPU Name\n\(line)\n1153 : NVIDIA L40S-12Q\n")
        #expect(parsed.types.map(\.id) == [1153] || line == "1153 : \u{0}")
        #expect(parsed.malformed.count == (line == "1153 : \u{0}" ? 0 : 1), "\(line.debugDescription)")
        #expect(parsed.malformed.allSatisfy { $0.count <= 80 })
    }

    @Test func nameKeepsInnerColons() {
        let types = CreatableVGPUType.parse("7 : NVIDIA A:B").types
        #expect(types.map(\.id) == [7] && types.map(\.name) == ["NVIDIA A:B"])
    }
}
