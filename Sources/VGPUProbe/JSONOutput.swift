#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one JSON encoder configuration all `--json` output uses: stable key order, readable.
public enum JSONOutput {
    /// Encodes `value` as a complete JSON document followed by a newline.
    ///
    /// Encoding happens fully before anything is written, so a failure never leaves partial JSON.
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0a)
        return data
    }
}
