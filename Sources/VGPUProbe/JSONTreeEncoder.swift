/// An `Encoder` that builds a `JSONTree` from any `Encodable` value, for `JSONOutput`.
///
/// Why not JSONEncoder: on every value, JSONEncoder asks the runtime whether its type is one it
/// encodes specially (a String-keyed dictionary, an array of numbers, Date, Data, URL, Decimal). The
/// first such question for each type scans all of the binary's ~5,200 protocol conformance records,
/// and a probe's report has dozens of types; with its per-object dictionaries that came to ~1 ms of a
/// warm probe (docs/dependencies.md). This encoder asks nothing of the runtime; it writes what
/// JSONEncoder writes with its default strategies, which JSONOutputTests checks byte for byte on every
/// report the tool writes.
///
/// Floating-point values are written as JSONEncoder writes them (`description`, `.0` dropped);
/// non-finite ones throw, as JSONEncoder's default strategy does. Date, Data, URL and Decimal would be
/// written through their own `encode(to:)`, not JSONEncoder's special forms; no report has one.
final class JSONTreeEncoder: Encoder {
    /// The value encoded so far: nil until a container is asked for or a single value encoded.
    fileprivate(set) var node: JSONTree.Node?
    /// The encoder this one's value goes into, for coding paths. A super encoder has none (the tree
    /// holds it, and a link back up would make a reference cycle): it keeps its path in `pathAbove`.
    private let parent: JSONTreeEncoder?
    private let pathAbove: [any CodingKey]
    /// The key this encoder's value is under; nil for a wrapper's value, which shares its path.
    private let key: (any CodingKey)?
    private let depth: Int

    /// Containers nested deeper than this throw rather than recurse on: JSONEncoder's limit.
    static let maximumDepth = 512

    init() {
        (parent, pathAbove, key, depth) = (nil, [], nil, 0)
    }

    private init(parent: JSONTreeEncoder?, pathAbove: [any CodingKey] = [], key: (any CodingKey)?, depth: Int) {
        (self.parent, self.pathAbove, self.key, self.depth) = (parent, pathAbove, key, depth)
    }

    /// Encodes `value` with a new encoder one level down, under `key` (nil: a wrapped value, on the
    /// same path), and returns what it made: an empty object if it encoded nothing, as with JSONEncoder.
    fileprivate func encodeChild(_ value: some Encodable, key: (any CodingKey)?) throws -> JSONTree.Node {
        guard depth < Self.maximumDepth else {
            throw EncodingError.invalidValue(value, .init(
                codingPath: codingPath + (key.map { [$0] } ?? []),
                debugDescription: "Nested deeper than \(Self.maximumDepth) containers"))
        }
        let child = JSONTreeEncoder(parent: self, key: key, depth: depth + 1)
        try value.encode(to: child)
        return child.node ?? .object(JSONTree.ObjectNode())
    }

    /// An encoder one level down for a nested container. These cannot throw, so the depth limit is
    /// checked by the next `encode` below them.
    fileprivate func nested(_ key: any CodingKey) -> JSONTreeEncoder {
        JSONTreeEncoder(parent: self, key: key, depth: depth + 1)
    }

    /// An encoder one level down whose value the tree reads when it is written (`.pending`): it does
    /// not link back to this one, since this one's tree holds it.
    fileprivate func detached(_ key: any CodingKey) -> JSONTreeEncoder {
        JSONTreeEncoder(parent: nil, pathAbove: codingPath, key: key, depth: depth + 1)
    }

    // MARK: Encoder

    /// Built from the parent chain only when asked (errors, and once per super encoder), so encoding
    /// allocates no paths.
    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var encoder: JSONTreeEncoder? = self
        var top = self
        while let e = encoder {
            if let key = e.key { path.append(key) }
            top = e
            encoder = e.parent
        }
        return top.pathAbove + path.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(encoder: self, object: objectNode()))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(encoder: self, array: arrayNode())
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(encoder: self) }

    /// The object this encoder holds, made now if it holds nothing yet. A value that asks for a keyed
    /// container after encoding something else starts over, which only a faulty `encode(to:)` does.
    private func objectNode() -> JSONTree.ObjectNode {
        if case .object(let object) = node { return object }
        let object = JSONTree.ObjectNode()
        node = .object(object)
        return object
    }

    private func arrayNode() -> JSONTree.ArrayNode {
        if case .array(let array) = node { return array }
        let array = JSONTree.ArrayNode()
        node = .array(array)
        return array
    }

    // MARK: Scalars

    /// A float as JSONEncoder writes it: its own type's `description` (a Float's 0.1 is "0.1", not
    /// the Double it widens to), without a trailing ".0".
    fileprivate static func literal<F: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: F, codingPath: @autoclosure () -> [any CodingKey]
    ) throws -> JSONTree.Node {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath(), debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .literal(text)
    }
}

// MARK: - Containers

/// The keyed container: sets members of one object.
private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONTreeEncoder
    let object: JSONTree.ObjectNode
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ node: JSONTree.Node, _ key: Key) { object.members.append((key.stringValue, node)) }

    mutating func encodeNil(forKey key: Key) throws { set(.literal("null"), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.literal(value ? "true" : "false"), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        set(try JSONTreeEncoder.literal(value, codingPath: encoder.codingPath + [key]), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        set(try JSONTreeEncoder.literal(value, codingPath: encoder.codingPath + [key]), key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.literal(String(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.literal(String(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.literal(String(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.literal(String(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.literal(String(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(.literal(String(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.literal(String(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.literal(String(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.literal(String(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.literal(String(value)), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { set(try encoder.encodeChild(value, key: key), key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONTree.ObjectNode()
        set(.object(nested), key)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: encoder.nested(key), object: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONTree.ArrayNode()
        set(.array(nested), key)
        return UnkeyedContainer(encoder: encoder.nested(key), array: nested)
    }

    /// Under the key "super", which `Key` need not have (JSONEncoder does the same).
    mutating func superEncoder() -> any Encoder {
        let sub = encoder.detached(NamedKey(stringValue: "super"))
        object.members.append(("super", .pending(sub)))
        return sub
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let sub = encoder.detached(key)
        set(.pending(sub), key)
        return sub
    }
}

/// The unkeyed container: appends to one array.
private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: JSONTreeEncoder
    let array: JSONTree.ArrayNode
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { array.elements.count }

    /// The key an element is encoded under, for coding paths: its index.
    private var nextKey: IndexKey { IndexKey(intValue: array.elements.count) }

    private func append(_ node: JSONTree.Node) { array.elements.append(node) }

    mutating func encodeNil() throws { append(.literal("null")) }
    mutating func encode(_ value: Bool) throws { append(.literal(value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(try JSONTreeEncoder.literal(value, codingPath: codingPath + [nextKey])) }
    mutating func encode(_ value: Float) throws { append(try JSONTreeEncoder.literal(value, codingPath: codingPath + [nextKey])) }
    mutating func encode(_ value: Int) throws { append(.literal(String(value))) }
    mutating func encode(_ value: Int8) throws { append(.literal(String(value))) }
    mutating func encode(_ value: Int16) throws { append(.literal(String(value))) }
    mutating func encode(_ value: Int32) throws { append(.literal(String(value))) }
    mutating func encode(_ value: Int64) throws { append(.literal(String(value))) }
    mutating func encode(_ value: UInt) throws { append(.literal(String(value))) }
    mutating func encode(_ value: UInt8) throws { append(.literal(String(value))) }
    mutating func encode(_ value: UInt16) throws { append(.literal(String(value))) }
    mutating func encode(_ value: UInt32) throws { append(.literal(String(value))) }
    mutating func encode(_ value: UInt64) throws { append(.literal(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { append(try encoder.encodeChild(value, key: nextKey)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONTree.ObjectNode()
        let sub = encoder.nested(nextKey)
        append(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: sub, object: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONTree.ArrayNode()
        let sub = encoder.nested(nextKey)
        append(.array(nested))
        return UnkeyedContainer(encoder: sub, array: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let sub = encoder.detached(nextKey)
        append(.pending(sub))
        return sub
    }
}

/// The single-value container: sets the encoder's own value.
private struct SingleValueContainer: SingleValueEncodingContainer {
    let encoder: JSONTreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.node = .literal("null") }
    mutating func encode(_ value: Bool) throws { encoder.node = .literal(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { encoder.node = .string(value) }
    mutating func encode(_ value: Double) throws { encoder.node = try JSONTreeEncoder.literal(value, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws { encoder.node = try JSONTreeEncoder.literal(value, codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: Int8) throws { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: Int16) throws { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: Int32) throws { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: Int64) throws { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: UInt) throws { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.node = .literal(String(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.node = .literal(String(value)) }
    /// A wrapper's single value is its wrapped value's JSON, on the wrapper's coding path.
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try encoder.encodeChild(value, key: nil) }
}

/// A key by name alone, for coding paths.
private struct NamedKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// An array index as a coding key, for coding paths.
private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}
