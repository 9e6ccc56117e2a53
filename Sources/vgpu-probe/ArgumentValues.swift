import ArgumentParser
import VGPUCore
import VGPUProbe

/// The command line's values, parsed once, where swift-argument-parser reads them (`transform:`): a
/// command's `run` gets typed values, never strings to parse again. Each throws the reason, which the
/// parser prints after "The value 'X' is invalid for '--option <name>': ".
enum ArgumentValue {
    /// A sentence for the parser.
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// lspci's and nvidia-smi's `-s` forms.
    static func slot(_ text: String) throws -> SlotSelector {
        switch SlotSelector.parse(text) {
        case .success(let selector): return selector
        case .failure(let bad): throw Invalid(description: "\(bad.why) (expected [[domain:]bus:][dev][.fn] in hex)")
        }
    }

    /// lspci's `-d [vendor]:[device]`.
    static func ids(_ text: String) throws -> IDSelector {
        guard let ids = IDSelector(text) else { throw Invalid(description: "not [vendor]:[device] in hex") }
        return ids
    }

    /// A firmware release number.
    static func release(_ text: String) throws -> FirmwareRelease {
        guard let release = FirmwareRelease(text) else { throw Invalid(description: "not a release number like 535.113.01") }
        return release
    }

    /// A size in bytes: `48G`, `49152M`, `0xc00000000`.
    static func byteSize(_ text: String) throws -> UInt64 {
        guard let size = Sizes.parse(text) else { throw Invalid(description: "not a size like 48G, 600M or 0xc00000000") }
        return size
    }

    /// A 32-bit register value in hex, with or without `0x`.
    static func hex32(_ text: String) throws -> UInt32 {
        guard let value = UInt32(text.hasPrefix("0x") ? String(text.dropFirst(2)) : text, radix: 16) else {
            throw Invalid(description: "not a 32-bit hex value")
        }
        return value
    }
}
