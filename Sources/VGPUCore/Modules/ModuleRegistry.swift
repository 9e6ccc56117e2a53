/// The set of architecture modules a process knows, with the rules that keep their claims disjoint.
///
/// Registration rejects two modules claiming the same chip id or name, or overlapping device-id blocks,
/// so that selection can never be ambiguous.
public struct ModuleRegistry: Sendable {
    /// Registered modules, in registration order.
    public let modules: [any ArchitectureModule]

    /// Why a set of modules cannot be registered together (made only by registration).
    public struct ConflictError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The module being registered.
        public let module: String
        /// The module it conflicts with.
        public let existing: String
        /// What both claim.
        public let claim: String

        /// One line naming both modules and the claim.
        public var description: String { "module \(module) claims \(claim), already claimed by module \(existing)" }
    }

    /// Registers modules in order, rejecting conflicting claims.
    public init(modules: [any ArchitectureModule]) throws(ConflictError) {
        var chipIDOwner: [ChipID: String] = [:]
        var chipNameOwner: [String: String] = [:]
        var ranges: [(DeviceIDRange, String)] = []
        var names: Set<String> = []
        for module in modules {
            guard names.insert(module.name).inserted else {
                throw ConflictError(module: module.name, existing: module.name, claim: "the module name")
            }
            for chip in module.chips {
                if let owner = chipIDOwner[chip.id] {
                    throw ConflictError(module: module.name, existing: owner, claim: "chip id \(chip.id)")
                }
                if let owner = chipNameOwner[chip.name] {
                    throw ConflictError(module: module.name, existing: owner, claim: "chip \(chip.name)")
                }
                chipIDOwner[chip.id] = module.name
                chipNameOwner[chip.name] = module.name
            }
            for range in module.deviceIDRanges {
                if let (other, owner) = ranges.first(where: { $0.0.ids.overlaps(range.ids) }) {
                    throw ConflictError(
                        module: module.name, existing: owner,
                        claim: "device ids \(hex(range.ids)) (overlapping \(hex(other.ids)))")
                }
                ranges.append((range, module.name))
            }
        }
        self.modules = modules
    }

    /// The module that owns a chip name (any case), with the chip.
    public func module(forChipNamed name: String) -> (module: any ArchitectureModule, chip: Chip)? {
        for module in modules {
            if let chip = module.chip(named: name) { return (module, chip) }
        }
        return nil
    }

    /// Every chip of every module, in registration order.
    public var allChips: [Chip] { modules.flatMap(\.chips) }
}

private func hex(_ r: ClosedRange<UInt16>) -> String {
    "\(hex: r.lowerBound)...\(hex: r.upperBound)"
}

extension ModuleRegistry {
    /// The module and chip that own a BOOT_42 chip id (the authoritative identity).
    public func select(chipID: ChipID) -> (module: any ArchitectureModule, chip: Chip)? {
        for module in modules {
            if let chip = module.chips.first(where: { $0.id == chipID }) { return (module, chip) }
        }
        return nil
    }

    /// The module and chip whose PCI device-id block holds `deviceID` (the fallback identity).
    public func select(pciDeviceID deviceID: UInt16) -> (module: any ArchitectureModule, chip: Chip)? {
        for module in modules {
            if let range = module.deviceIDRanges.first(where: { $0.ids.contains(deviceID) }) { return (module, range.chip) }
        }
        return nil
    }
}
