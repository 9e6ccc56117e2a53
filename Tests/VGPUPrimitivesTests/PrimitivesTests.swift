import Testing
import VGPUPrimitives

/// The one hex formatter: lower case, `0x` only where asked, padding that never cuts.
struct HexTests {
    @Test func hexIsLowerCaseWithPrefix() {
        #expect("\(hex: 0xbf5800000 as UInt64)" == "0xbf5800000")
        #expect("\(hex: 0 as UInt8)" == "0x0")
        #expect("\(hex: UInt64.max)" == "0xffffffffffffffff")
        #expect("\(hex: 0xABCD as UInt16)" == "0xabcd")
    }

    @Test func bytesAreTwoDigitsEach() {
        #expect("\(hexBytes: [0x00, 0x0f, 0xa5, 0xff] as [UInt8])" == "000fa5ff")
        #expect("\(hexBytes: [] as [UInt8])" == "")
        // Every byte value, against the padded per-value formatter.
        let all = (0...255).map { UInt8($0) }
        #expect("\(hexBytes: all)" == all.map { "\(hexDigits: $0, width: 2)" }.joined())
    }

    @Test func digitsArePaddedNeverCut() {
        #expect("\(hexDigits: 0x7 as UInt8, width: 2)" == "07")
        #expect("\(hexDigits: 0x26b9 as UInt16, width: 4)" == "26b9")
        #expect("\(hexDigits: 0x1_2345 as UInt32, width: 4)" == "12345")
        #expect("\(hexDigits: 0 as UInt32, width: 8)" == "00000000")
    }
}

/// `LittleEndian` against the machine's own little-endian representation (`withUnsafeBytes` of
/// `littleEndian`), an oracle that shares no code with it.
struct LittleEndianTests {
    /// The value's bytes as the CPU stores a little-endian u64.
    func bytes(of value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    @Test(arguments: [UInt64(0), 1, 0x0102_0304_0506_0708, 0xdead_beef, UInt64.max, 0x8000_0000_0000_0001])
    func putWritesTheLowBytesInOrder(value: UInt64) {
        for width in 1...8 {
            var b = [UInt8](repeating: 0xaa, count: 12)
            LittleEndian.put(&b, 3, value, width)
            #expect(Array(b[3..<3 + width]) == Array(bytes(of: value).prefix(width)), "width \(width)")
            #expect(b[0..<3].allSatisfy { $0 == 0xaa } && b[(3 + width)...].allSatisfy { $0 == 0xaa }, "width \(width) wrote outside its field")
        }
    }

    @Test(arguments: [UInt64(0), 0x0102_0304_0506_0708, UInt64.max, 0x00ff_00ff_00ff_00ff])
    func getReadsWhatTheCPUStored(value: UInt64) {
        let stored = [0x55] + bytes(of: value) + [0x55]
        #expect(LittleEndian.get(stored, 1, 8) == value)
        #expect(LittleEndian.get(stored, 1, 4) == value & 0xffff_ffff)
        #expect(LittleEndian.get(stored, 1, 2) == value & 0xffff)
    }
}

/// The one error shape: `file: field: problem`, equal only when all three are.
struct FileFieldErrorTests {
    /// A typed problem, as `FirmwareProblem` is one.
    enum Problem: Equatable, Sendable, CustomStringConvertible {
        case short(Int)
        var description: String { if case .short(let n) = self { "needs \(n) more bytes" } else { "" } }
    }

    @Test func descriptionNamesFileFieldAndProblem() {
        let sentence = FileFieldError(file: "firmware-manifests/ada.json", field: "releases[0].version", problem: "'5.x' is not a release")
        #expect(sentence.description == "firmware-manifests/ada.json: releases[0].version: '5.x' is not a release")
        let typed = FileFieldError(file: "/lib/firmware/nvidia/ad102/gsp/booter_load-535.113.01.bin", field: "bin_hdr.data_offset", problem: Problem.short(4))
        #expect(typed.description == "/lib/firmware/nvidia/ad102/gsp/booter_load-535.113.01.bin: bin_hdr.data_offset: needs 4 more bytes")
    }

    @Test func equalOnlyWhenFileFieldAndProblemAre() {
        let e = FileFieldError(file: "a", field: "f", problem: Problem.short(1))
        #expect(e == FileFieldError(file: "a", field: "f", problem: .short(1)))
        #expect(e != FileFieldError(file: "b", field: "f", problem: .short(1)))
        #expect(e != FileFieldError(file: "a", field: "g", problem: .short(1)))
        #expect(e != FileFieldError(file: "a", field: "f", problem: .short(2)))
    }
}
