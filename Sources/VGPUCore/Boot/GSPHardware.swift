/// The operations a boot runner performs on a GPU and its DMA memory: the seam between the core's
/// boot logic and a device (the simulator in tests; a real driver would implement it over BAR0).
public protocol GSPHardware: AnyObject {
    /// Reads a 32-bit BAR0 register.
    func read32(_ register: UInt32) -> UInt32
    /// Writes a 32-bit BAR0 register.
    func write32(_ register: UInt32, _ value: UInt32)
    /// Allocates zeroed DMA-able system memory; returns its bus address (4 KiB aligned).
    func allocate(_ size: Int) -> UInt64
    /// Writes bytes at a bus address inside an allocation.
    func writeMemory(_ address: UInt64, _ bytes: [UInt8])
    /// Reads bytes at a bus address inside an allocation (zeros outside).
    func readMemory(_ address: UInt64, _ count: Int) -> [UInt8]
    /// Starts a falcon ucode (the falcon's mailboxes were written before).
    func run(_ ucode: FalconUcode)
    /// Resets the GSP falcon (into RISC-V mode).
    func resetGSP()
    /// Lets time pass between two polls.
    func wait()
}

/// The ucodes a GSP boot runs on falcons.
public enum FalconUcode: String, Sendable, Codable {
    /// FWSEC-FRTS from the VBIOS, on GSP's falcon in heavy-secure mode.
    case fwsecFRTS = "fwsec-frts"
    /// FB scrubber, on SEC2.
    case scrubber
    /// booter_load, on SEC2.
    case booterLoad = "booter_load"
    /// booter_unload, on SEC2.
    case booterUnload = "booter_unload"
}
