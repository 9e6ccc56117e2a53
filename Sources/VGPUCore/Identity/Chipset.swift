/// A generation's dies as an enum, as nova-core's `Chipset`: each case is named as the die (`ad102`,
/// its implicit raw value), and one exhaustive switch gives each die its ids, so a die added to the enum
/// does not build until it has them, nor until every HAL switch over the enum says what it gets.
///
/// The core works with `Chip` values; `chip` makes one from a case (by its raw value: no reflection, so
/// no conformance lookups at start-up), and `init?(_:)` finds the case of one (the registry hands a
/// module only its own chips, but a caller may ask about any).
public protocol Chipset: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String, AllCases == [Self] {
    /// The die's ids.
    var ids: DieIDs { get }
}

/// What identifies a die: the id `NV_PMC_BOOT_42` reports, and the block of PCI device ids NVIDIA
/// allocated to it (0x80 or 0x100 at a time), which identifies it when BAR0 cannot be read.
public struct DieIDs: Sendable {
    /// The BOOT_42 chip id (`0x192` for AD102).
    public let boot42: ChipID
    /// The PCI device-id block; nil while not known.
    public let pciDeviceIDs: ClosedRange<UInt16>?

    /// A die's BOOT_42 id and PCI device-id block.
    public init(boot42: UInt16, pci: ClosedRange<UInt16>?) {
        (self.boot42, pciDeviceIDs) = (ChipID(rawValue: boot42), pci)
    }
}

extension Chipset {
    /// The die as the core knows it: the case's name in upper case (`AD102`) and its BOOT_42 id.
    public var chip: Chip { Chip(name: rawValue, id: ids.boot42) }

    /// The case of `chip`; nil when `chip` is not one of these dies.
    public init?(_ chip: Chip) {
        guard let die = Self(rawValue: chip.name.lowercased()), die.ids.boot42 == chip.id else { return nil }
        self = die
    }

    /// Every die, in declaration order, built on each access: a module keeps them in its `identity`.
    public static var chips: [Chip] { allCases.map(\.chip) }

    /// The dies' PCI device-id blocks, in declaration order, built on each access: a module keeps them in
    /// its `identity`.
    public static var deviceIDRanges: [DeviceIDRange] {
        allCases.compactMap { die in die.ids.pciDeviceIDs.map { DeviceIDRange($0, die.chip) } }
    }
}
