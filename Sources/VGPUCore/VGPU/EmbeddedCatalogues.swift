#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A module's vGPU type catalogues, indexed at build time and each decoded on first use.
///
/// A probe of an L40S host needs the L40S catalogue only; decoding every board's catalogue on start
/// cost several milliseconds (docs/performance.md). The index (board, PCI device id, chip) comes from the
/// fields the embed tool read, and `ModuleData.load` checks it when the module loads.
public final class EmbeddedCatalogues: Sendable {
    /// One catalogue's index entry.
    struct Entry: Sendable {
        let file: EmbeddedFile
        let board: String
        let deviceID: UInt16
        /// The subsystem the board needs besides the device id, when it shares the id.
        let subsystem: PCISubsystem?
    }

    let entries: [Entry]
    /// Decoded catalogues by entry index. One lock: decoding is rare and each result is kept.
    private let decoded = Mutex<[Int: VGPUTypeCatalogue]>([:])

    init(entries: [Entry]) {
        self.entries = entries
    }

    /// The boards, in file order, without decoding anything.
    public var boards: [String] { entries.map(\.board) }

    /// How many catalogues have been decoded so far (tests check that lookups stay lazy).
    public var decodedCount: Int { decoded.withLock { $0.count } }

    /// Every catalogue, decoding those not yet decoded.
    public var all: [VGPUTypeCatalogue] { entries.indices.map(catalogue(at:)) }

    /// The catalogue of a board by name (any case, spaces and dashes ignored: `l40s`, `RTX-6000-Ada`)
    /// or by PCI device id (`26b9`) when one board alone has that id.
    public func catalogue(board: String) -> VGPUTypeCatalogue? {
        let key = Self.boardKey(board)
        if let named = entries.firstIndex(where: { Self.boardKey($0.board) == key }) { return catalogue(at: named) }
        let byID = entries.indices.filter { entries[$0].file.fields["pciDeviceID"]?.lowercased() == key }
        return byID.count == 1 ? catalogue(at: byID[0]) : nil
    }

    /// The catalogue for a PCI device id and subsystem: the one catalogue of the id, or, where boards
    /// share the id, the one whose subsystem matches; nil when none does or the subsystem is unknown.
    public func catalogue(deviceID: UInt16, subsystem: PCISubsystem?) -> VGPUTypeCatalogue? {
        let candidates = entries.indices.filter { entries[$0].deviceID == deviceID }
        if candidates.count == 1, entries[candidates[0]].subsystem == nil { return catalogue(at: candidates[0]) }
        return candidates.first { entries[$0].subsystem != nil && entries[$0].subsystem == subsystem }.map(catalogue(at:))
    }

    /// `RTX 6000 Ada` -> `rtx6000ada`.
    static func boardKey(_ board: String) -> String { board.lowercased().filter { !$0.isWhitespace && $0 != "-" } }

    /// Decodes entry `i` once.
    ///
    /// The file was checked when the module loaded only as far as its index; the rest is checked by
    /// the module's tests, which decode every embedded catalogue. A failure here is therefore a defect
    /// of this build, reported with the file and field rather than guessed around.
    func catalogue(at i: Int) -> VGPUTypeCatalogue {
        if let done = decoded.withLock({ $0[i] }) { return done }
        let file = entries[i].file
        let catalogue: VGPUTypeCatalogue
        do {
            catalogue = try VGPUTypeCatalogue.load(Data(file.json.utf8), name: file.name)
        } catch {
            fatalError("embedded catalogue does not decode (a defect of this build): \(error)")
        }
        return decoded.withLock { memo in
            if let raced = memo[i] { return raced }  // another thread decoded it meanwhile: keep one copy
            memo[i] = catalogue
            return catalogue
        }
    }
}
