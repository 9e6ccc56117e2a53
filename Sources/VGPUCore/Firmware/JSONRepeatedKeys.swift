#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds a key that appears twice in one JSON object.
///
/// RFC 8259 leaves such an object's meaning to the reader, and `JSONDecoder` keeps one of the values
/// without a word: a plan saying `"count": 3, ..., "count": 1` ran three creates. The decoder cannot
/// report it (its containers hold a dictionary), so this walks the bytes of a document that has already
/// decoded: the syntax is known to be valid, and only string bounds, nesting and commas matter. A key
/// written with escapes is unescaped by `JSONDecoder` itself, and keys compare as Swift strings, as the
/// decoder's dictionary compares them.
enum JSONRepeatedKeys {
    /// One open object or array, innermost last.
    private struct Level {
        /// An object (`{`), else an array (`[`).
        let isObject: Bool
        /// The object's keys so far.
        var keys: Set<String> = []
        /// The object's current key.
        var key: String?
        /// The array's current index.
        var index = 0
    }

    /// The path (`steps[2].count`, as `ManifestError` names fields) of the first key that repeats one
    /// before it in the same object, or nil.
    static func first(in data: Data) -> String? {
        let bytes = [UInt8](data)
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var stack: [Level] = []
        var expectingKey = false
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"):
                stack.append(Level(isObject: true))
                expectingKey = true
            case UInt8(ascii: "["):
                stack.append(Level(isObject: false))
                expectingKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
                expectingKey = false
            case UInt8(ascii: ","):
                guard let last = stack.indices.last else { break }
                if stack[last].isObject { expectingKey = true } else { stack[last].index += 1 }
            case quote:
                let start = i
                i += 1
                while i < bytes.count, bytes[i] != quote { i += bytes[i] == backslash ? 2 : 1 }
                guard expectingKey, let last = stack.indices.last, i < bytes.count else { break }
                let raw = bytes[start...i]
                let key = raw.contains(backslash)
                    ? (try? JSONDecoder().decode(String.self, from: Data(raw))) ?? String(decoding: raw, as: UTF8.self)
                    : String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
                stack[last].key = key
                if !stack[last].keys.insert(key).inserted { return path(stack) }
                expectingKey = false
            default:
                break
            }
            i += 1
        }
        return nil
    }

    /// `a.b[2].c` for the levels' current keys and indices.
    private static func path(_ stack: [Level]) -> String {
        var out = ""
        for level in stack {
            if level.isObject {
                let key = level.key ?? ""
                out += out.isEmpty ? key : ".\(key)"
            } else {
                out += "[\(level.index)]"
            }
        }
        return out.isEmpty ? "$" : out
    }
}
