import Testing
import VGPUCore

/// Terminal controls from inputs are escaped; printable text, newlines and tabs pass unchanged.
struct TerminalTextTests {
    @Test func controlsAreEscapedAndTextIsNot() {
        #expect(TerminalText.escaped("L40S\tready\n") == "L40S\tready\n")
        #expect(TerminalText.escaped("ünïcödé ✓") == "ünïcödé ✓")
        #expect(TerminalText.escaped("\u{1b}[32mYES\u{1b}[0m") == "\\x1b[32mYES\\x1b[0m")
        #expect(TerminalText.escaped("a\rb\u{7f}c\u{0}") == "a\\x0db\\x7fc\\x00")
        #expect(TerminalText.escaped("\u{9b}2J") == "\\u{9b}2J")
    }
}
