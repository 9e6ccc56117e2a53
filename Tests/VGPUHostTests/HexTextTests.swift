import Testing
@testable import VGPUHost

/// Hex attribute values as the scanner reads them.
struct HexTextTests {
    @Test func acceptsWhatSysfsWrites() {
        #expect(HexText.value("0x10de", as: UInt16.self, prefixed: true) == 0x10de)
        #expect(HexText.value("0x030200", as: UInt32.self, prefixed: true) == 0x030200)
        #expect(HexText.value("0x000000e000000000", as: UInt64.self, prefixed: true) == 0xe0_0000_0000)
        #expect(HexText.value("0xFFFF", as: UInt16.self, prefixed: true) == 0xffff)
        #expect(HexText.value("2237", as: UInt16.self, prefixed: false) == 0x2237)  // sriov_vf_device has no 0x
        #expect(HexText.value("0x0010de", as: UInt16.self, prefixed: true) == 0x10de)  // two leading zeros allowed
    }

    @Test(arguments: ["", "0x", "10de", "0x10dg", "0x 10de", " 0x10de", "0x10de\n", "0x-1", "0X10de", "0x1_0de", "0x１0de"])
    func rejectsAnythingElse(text: String) {
        #expect(HexText.value(text, as: UInt16.self, prefixed: true) == nil)
    }

    @Test func rejectsOverflowAndOverlongDigits() {
        #expect(HexText.value("0x10000", as: UInt16.self, prefixed: true) == nil)
        #expect(HexText.value("0x0000010de", as: UInt16.self, prefixed: true) == nil)  // 9 digits for 16 bits
        #expect(HexText.value("0x1ffffffffffffffff", as: UInt64.self, prefixed: true) == nil)
        #expect(HexText.value("0xffffffffffffffff", as: UInt64.self, prefixed: true) == .max)
        #expect(HexText.value("0x100", as: UInt8.self, prefixed: true) == nil)
    }
}
