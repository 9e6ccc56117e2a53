/// A GSP firmware / driver release such as `535.113.01` or `570.144`, ordered numerically.
public struct FirmwareRelease: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The dotted numeric components: `[535, 113, 1]`.
    public let components: [Int]

    /// Parses a dotted release; nil for empty, non-numeric or more than four components.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 6, part.allSatisfy({ ("0"..."9").contains($0) }), let v = Int(part) else { return nil }
            values.append(v)
        }
        components = values
        spelling = String(text)
    }

    /// The release as written (keeps `01` zero padding, which firmware file names use).
    public let spelling: String

    /// The major branch, e.g. 535.
    public var major: Int { components[0] }

    /// `535.113.01`.
    public var description: String { spelling }

    /// Equal when the numbers are equal, whatever the zero padding.
    public static func == (a: FirmwareRelease, b: FirmwareRelease) -> Bool { a.components == b.components }

    /// Hashes the numbers only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(components) }

    /// Numeric order, component by component.
    public static func < (a: FirmwareRelease, b: FirmwareRelease) -> Bool {
        a.components.lexicographicallyPrecedes(b.components)
    }

    /// Encodes as its spelling.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(spelling)
    }

    /// Decodes from a string such as "535.113.01".
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let r = FirmwareRelease(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a release number: \(text)")
        }
        self = r
    }
}
