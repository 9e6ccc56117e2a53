import Testing
import VGPUCore

/// A generation's `Chipset` enum gives the core its `Chip`s and id blocks, and finds the case of a chip.
struct ChipsetTests {
    /// Two dies of a generation that does not exist, one without a known PCI block.
    enum ExampleChip: String, Chipset {
        case ex100, ex102

        var ids: DieIDs {
            switch self {
            case .ex100: DieIDs(boot42: 0x3f0, pci: 0x3000...0x307f)
            case .ex102: DieIDs(boot42: 0x3f2, pci: nil)
            }
        }
    }

    @Test func casesAreChipsByNameAndID() {
        #expect(ExampleChip.ex100.chip == Chip(name: "EX100", id: ChipID(rawValue: 0x3f0)))
        #expect(ExampleChip.chips.map(\.name) == ["EX100", "EX102"])
    }

    @Test func aChipFindsItsCaseOnlyByBothNameAndID() {
        #expect(ExampleChip(Chip(name: "EX102", id: ChipID(rawValue: 0x3f2))) == .ex102)
        #expect(ExampleChip(Chip(name: "EX102X", id: ChipID(rawValue: 0x3f2))) == nil)
        #expect(ExampleChip(Chip(name: "EX102", id: ChipID(rawValue: 0x3f1))) == nil)
    }

    @Test func onlyKnownBlocksAreClaimed() {
        #expect(ExampleChip.deviceIDRanges == [DeviceIDRange(0x3000...0x307f, ExampleChip.ex100.chip)])
    }
}
