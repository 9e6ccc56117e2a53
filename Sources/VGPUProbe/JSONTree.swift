#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON document under construction by `JSONTreeEncoder`, and its pretty-printed text.
///
/// Objects and arrays are classes so that a container handed to an `encode(to:)` keeps filling the
/// same node its parent already holds. An object's members are kept in the order they were encoded
/// and sorted only when written; a key encoded twice keeps its last value, as with JSONEncoder.
enum JSONTree {
    /// One value.
    enum Node {
        case string(String)
        /// A number, `true`, `false` or `null`, as written.
        case literal(String)
        case array(ArrayNode)
        case object(ObjectNode)
        /// The value of an encoder that was handed out (`superEncoder`) and is read when written: empty
        /// object if it never encoded anything, as with JSONEncoder.
        case pending(JSONTreeEncoder)
    }

    /// An array's elements, in order.
    final class ArrayNode {
        var elements: [Node] = []
    }

    /// An object's members, in the order they were encoded. (A dictionary would hash every key of
    /// every object, for nothing: the members are sorted once, when written.)
    final class ObjectNode {
        var members: [(key: String, value: Node)] = []

        /// The members in the byte order of their keys' UTF-8, each key once with its last value.
        var sortedMembers: [(key: String, value: Node)] {
            // Swift's sort is stable: a repeated key's values stay in encoding order, its last one last.
            var sorted = members
            sorted.sort { compareUTF8($0.key, $1.key) < 0 }
            var i = sorted.count - 1
            while i > 0 {
                if compareUTF8(sorted[i - 1].key, sorted[i].key) == 0 { sorted.remove(at: i - 1) }
                i -= 1
            }
            return sorted
        }
    }

    /// -1, 0 or 1 as `a`'s UTF-8 sorts before, with or after `b`'s.
    static func compareUTF8(_ a: String, _ b: String) -> Int {
        var (a, b) = (a, b)
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                if common > 0, let xp = x.baseAddress, let yp = y.baseAddress {
                    let c = memcmp(xp, yp, common)
                    if c != 0 { return c < 0 ? -1 : 1 }
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
    }

    /// The bytes JSONEncoder writes for `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`:
    /// two spaces per level, `"key" : value`, `",\n"` between elements, an empty container as its
    /// brackets on two lines, keys in the byte order of their UTF-8, control characters escaped.
    ///
    /// JSONOutputTests compares this with JSONEncoder's output on every report the tool writes.
    struct PrettyWriter {
        private(set) var bytes: [UInt8] = []

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        /// Ends the document, in the writer's own buffer (a copy to append to would copy it all).
        mutating func newline() { bytes.append(0x0a) }

        mutating func write(_ node: Node, level: Int = 0) {
            switch node {
            case .string(let s): writeString(s)
            case .literal(var s): s.withUTF8 { bytes.append(contentsOf: $0) }
            case .array(let array):
                let elements = array.elements
                writeContainer("[", "]", count: elements.count, level: level) { writer, i in
                    writer.write(elements[i], level: level + 1)
                }
            case .object(let object):
                let members = object.sortedMembers
                writeContainer("{", "}", count: members.count, level: level) { writer, i in
                    writer.writeString(members[i].key)
                    writer.bytes.append(contentsOf: " : ".utf8)
                    writer.write(members[i].value, level: level + 1)
                }
            case .pending(let encoder):
                write(encoder.node ?? .object(ObjectNode()), level: level)
            }
        }

        /// Brackets on their own lines around `count` elements, one per line, indented one level more.
        private mutating func writeContainer(_ open: Unicode.Scalar, _ close: Unicode.Scalar, count: Int, level: Int,
                                             element: (inout PrettyWriter, Int) -> Void) {
            bytes.append(UInt8(ascii: open))
            bytes.append(0x0a)
            for i in 0..<count {
                if i > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(0x0a) }
                indent(level + 1)
                element(&self, i)
            }
            bytes.append(0x0a)
            indent(level)
            bytes.append(UInt8(ascii: close))
        }

        private mutating func indent(_ level: Int) {
            bytes.append(contentsOf: repeatElement(0x20, count: 2 * level))
        }

        /// The string in quotes: `"` and `\` escaped, control characters as JSON's short escapes or
        /// `\u00xx` (lower-case hex); everything else, `/` and non-ASCII included, as its UTF-8 bytes.
        private mutating func writeString(_ string: String) {
            bytes.append(UInt8(ascii: "\""))
            var string = string
            string.withUTF8 { utf8 in
                // Most strings need no escape: copy them whole.
                if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                    bytes.append(contentsOf: utf8)
                } else {
                    writeEscaped(utf8)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        private mutating func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case 0x08: escape(UInt8(ascii: "b"))
                case 0x0c: escape(UInt8(ascii: "f"))
                case 0x0a: escape(UInt8(ascii: "n"))
                case 0x0d: escape(UInt8(ascii: "r"))
                case 0x09: escape(UInt8(ascii: "t"))
                case 0x00..<0x20:
                    bytes.append(contentsOf: #"\u00"#.utf8)
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0xf)])
                default: bytes.append(byte)
                }
            }
        }

        private mutating func escape(_ letter: UInt8) {
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(letter)
        }

        private static let hexDigits = Array("0123456789abcdef".utf8)
    }
}
