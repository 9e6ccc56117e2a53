/// Text made safe to print on a terminal.
///
/// Reports quote what sysfs files, plans, firmware and arguments contain, and any of those may hold
/// terminal controls: an escape sequence in a `revision` file once printed a fake coloured "ready YES".
/// Every text the tool prints passes through `escaped`, at the one place it is written, so no renderer
/// can forget it. JSON needs nothing more: its encoder already escapes every control character.
public enum TerminalText {
    /// `text` with every control character but newline and tab written as `\xNN` (C0 controls, DEL)
    /// or `\u{NN}` (C1 controls, which some terminals also obey). Printable text is unchanged.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            out += scalar.value < 0x80 ? "\\x\(hexDigits: scalar.value, width: 2)" : "\\u{\(hexDigits: scalar.value, width: 0)}"
        }
        return out
    }

    /// A control character other than newline and tab.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v < 0x20 && v != 0x0a && v != 0x09) || (0x7f...0x9f).contains(v)
    }
}
