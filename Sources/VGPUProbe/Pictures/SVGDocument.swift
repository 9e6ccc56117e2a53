/// A self-contained SVG 1.1 document built as plain text: rectangles, lines and text that stays text
/// (selectable, greppable), in integer pixels. Every string passes through `escaped`, the one place
/// that makes text safe for XML; nothing else writes markup.
struct SVGDocument {
    /// The canvas size in pixels.
    let width: Int, height: Int
    private var body: [String] = []

    /// An empty canvas.
    init(width: Int, height: Int) {
        (self.width, self.height) = (width, height)
    }

    /// How a shape's outline is drawn.
    enum Outline: Sendable {
        /// A thin solid line.
        case solid
        /// A dashed line: the shape is drawn larger than its scale so that its label fits.
        case enlarged
        /// No line.
        case none
    }

    /// A filled rectangle; `pattern` lays one of `Pattern`'s hatchings over the fill.
    mutating func rect(x: Int, y: Int, width: Int, height: Int, fill: String, outline: Outline = .solid, pattern: Pattern? = nil) {
        let stroke = switch outline {
        case .solid: ##" stroke="#333333" stroke-width="1""##
        case .enlarged: ##" stroke="#333333" stroke-width="1" stroke-dasharray="4 3""##
        case .none: ""
        }
        body.append(##"<rect x="\##(x)" y="\##(y)" width="\##(width)" height="\##(height)" fill="\##(fill)"\##(stroke)/>"##)
        if let pattern {
            body.append(##"<rect x="\##(x)" y="\##(y)" width="\##(width)" height="\##(height)" fill="url(#\##(pattern.rawValue))"/>"##)
        }
    }

    /// A straight line.
    mutating func line(x1: Int, y1: Int, x2: Int, y2: Int, color: String = "#333333", width: Int = 1) {
        body.append(##"<line x1="\##(x1)" y1="\##(y1)" x2="\##(x2)" y2="\##(y2)" stroke="\##(color)" stroke-width="\##(width)"/>"##)
    }

    /// A zig-zag across `width` pixels at `y`: the mark of a region cut short.
    mutating func breakMark(x: Int, y: Int, width: Int) {
        let teeth = stride(from: 0, through: width, by: 10).map { dx in "\(x + dx),\(y + (dx / 10 % 2 == 0 ? -4 : 4))" }
        body.append(##"<polyline points="\##(teeth.joined(separator: " "))" fill="none" stroke="#333333" stroke-width="2"/>"##)
    }

    /// Where text hangs from its x position.
    enum Anchor: String { case start, middle, end }

    /// One line of text with its baseline at `y`.
    mutating func text(_ string: String, x: Int, y: Int, size: Int = 12, anchor: Anchor = .start, bold: Bool = false,
                       color: String = "#111111", monospace: Bool = false) {
        var attributes = ##"x="\##(x)" y="\##(y)" font-size="\##(size)""##
        if anchor != .start { attributes += ##" text-anchor="\##(anchor.rawValue)""## }
        if bold { attributes += ##" font-weight="bold""## }
        if monospace { attributes += ##" font-family="DejaVu Sans Mono, Menlo, monospace""## }
        if color != "#111111" { attributes += ##" fill="\##(color)""## }
        body.append("<text \(attributes)>\(Self.escaped(string))</text>")
    }

    /// Hatchings drawn over a fill, so that a state reads without colour.
    enum Pattern: String, CaseIterable {
        /// Diagonal lines: space no one may use (quarantined after a failed teardown).
        case quarantined = "hatch-quarantined"
        /// Light dots: padding left by an alignment rule.
        case unused = "hatch-unused"
    }

    /// The finished document: `title` and `summary` become its `<title>` and `<desc>`.
    func rendered(title: String, summary: String) -> String {
        var out = ##"<?xml version="1.0" encoding="UTF-8"?>"## + "\n"
        out += ##"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">"## + "\n"
        out += "<title>\(Self.escaped(title))</title>\n<desc>\(Self.escaped(summary))</desc>\n"
        out += "<defs>\n"
        out += ##"<pattern id="\##(Pattern.quarantined.rawValue)" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="8" stroke="#000000" stroke-width="2"/></pattern>"## + "\n"
        out += ##"<pattern id="\##(Pattern.unused.rawValue)" width="6" height="6" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1" fill="#888888"/></pattern>"## + "\n"
        out += "</defs>\n"
        out += ##"<rect x="0" y="0" width="\##(width)" height="\##(height)" fill="#ffffff"/>"## + "\n"
        for element in body { out += element + "\n" }
        return out + "</svg>\n"
    }

    /// `text` with XML's five special characters escaped and the characters XML 1.0 forbids (controls
    /// other than tab, newline and carriage return; lone surrogates cannot occur in a Swift string) left out.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xfffe || scalar.value == 0xffff: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Colours from Okabe and Ito's palette, which people with the common colour-vision deficiencies
/// tell apart; every region is also labelled in words, so no fact rests on colour alone.
enum PictureColor {
    /// Firmware images (bootloader, boot binary, GSP image); a vGPU's guest framebuffer.
    static let firmware = "#56B4E9"
    /// The GSP heap; a vGPU's management heap.
    static let heap = "#E69F00"
    /// FRTS and the GspFwWprMeta: what the boot ROM and FSP read.
    static let secure = "#009E73"
    /// The non-WPR heap; BAR1 windows.
    static let nonWPR = "#F0E442"
    /// Reservations of other engines: the VGA workspace, the PMU.
    static let reserved = "#BBBBBB"
    /// The WPR2 bracket and quarantined space.
    static let accent = "#D55E00"
    /// Channels.
    static let channels = "#CC79A7"
    /// Free space.
    static let free = "#FFFFFF"
    /// Secondary text.
    static let muted = "#555555"
}
