/// A generation's dies as an enum, as nova-core's `Chipset`: each case's raw value is the id
/// `NV_PMC_BOOT_42` reports for the die, and the module chooses each HAL by an exhaustive switch over the
/// cases, so a die added to the enum does not build until every switch says what it gets.
///
/// The core works with `Chip` values; `chip` makes one from a case, named by the case (so a `Chipset`
/// must not customise its description; conformance checks the names read as dies), and `init?(_:)`
/// finds the case of one (the registry hands a module only its own chips, but a caller may ask about any).
public protocol Chipset: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == UInt16, AllCases == [Self] {
    /// The die's block of PCI device ids (NVIDIA allocates them per die, 0x80 or 0x100 at a time), which
    /// identify it when BAR0 cannot be read; nil while not known.
    var pciDeviceIDs: ClosedRange<UInt16>? { get }
}

extension Chipset {
    /// The die as the core knows it: the case's name in upper case (`AD102`) and its id.
    public var chip: Chip { Chip(name: String(describing: self), id: ChipID(rawValue: rawValue)) }

    /// The case of `chip`; nil when `chip` is not one of these dies.
    public init?(_ chip: Chip) {
        guard let die = Self(rawValue: chip.id.rawValue), die.chip == chip else { return nil }
        self = die
    }

    /// Every die, in declaration order, built on each access: a module keeps them in its `identity`.
    public static var chips: [Chip] { allCases.map(\.chip) }

    /// The dies' PCI device-id blocks, in declaration order, built on each access: a module keeps them in
    /// its `identity`.
    public static var deviceIDRanges: [DeviceIDRange] {
        allCases.compactMap { die in die.pciDeviceIDs.map { DeviceIDRange($0, die.chip) } }
    }
}
