import Testing
import VGPUCore
@testable import VGPUProbe

/// The pictures' building blocks: XML escaping, the scaled column, and the size and line helpers.
struct PictureUnitTests {
    @Test func escapingLeavesWellFormedText() {
        #expect(SVGDocument.escaped(#"a<b>&"c"'d'"#) == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;")
        // XML 1.0 forbids controls other than tab, newline and carriage return, and U+FFFE/U+FFFF.
        #expect(SVGDocument.escaped("x\u{1}\u{1b}[31m\u{7f}\t\u{fffe}y") == "x[31m\u{7f}\ty")
        #expect(SVGDocument.escaped("L40S-12Q é") == "L40S-12Q é")
    }

    @Test func aDocumentHasItsSizeTitleAndText() {
        var svg = SVGDocument(width: 300, height: 200)
        svg.text("heap <549 MiB>", x: 10, y: 20)
        let out = svg.rendered(title: "t & t", summary: "s")
        #expect(out.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
        #expect(out.contains(#"width="300" height="200" viewBox="0 0 300 200""#))
        #expect(out.contains("<title>t &amp; t</title>") && out.contains(">heap &lt;549 MiB&gt;</text>"))
    }

    @Test func theDwarfingRegionIsCutAndTheRestScaled() {
        let segments = [100, 300, 10_000].map { ScaledColumn.Segment(size: UInt64($0), minimumHeight: 30) }
        #expect(ScaledColumn.dwarfing(segments) == 2)
        let scale = ScaledColumn.scale(fitting: segments, into: 400, broken: 2)
        #expect(scale == 1.0)
        let placed = ScaledColumn.place(segments, top: 10, scale: scale, broken: 2)
        #expect(placed.map(\.y) == [10, 110, 410])
        #expect(placed.map(\.height) == [100, 300, ScaledColumn.breakHeight])
        #expect(placed.map(\.broken) == [false, false, true] && placed.map(\.toScale) == [true, true, false])
        // A region smaller than its label is drawn at its minimum height and marked as not to scale.
        let small = ScaledColumn.place([ScaledColumn.Segment(size: 1, minimumHeight: 30)], top: 0, scale: 1, broken: nil)
        #expect(small[0].height == 30 && !small[0].toScale)
        // Four times the rest is not enough to dwarf it; more is; sizes near 2^64 do not overflow.
        #expect(ScaledColumn.dwarfing([1, 4].map { ScaledColumn.Segment(size: $0, minimumHeight: 1) }) == nil)
        #expect(ScaledColumn.dwarfing([1, 5].map { ScaledColumn.Segment(size: $0, minimumHeight: 1) }) == 1)
        #expect(ScaledColumn.dwarfing([UInt64.max, .max].map { ScaledColumn.Segment(size: $0, minimumHeight: 1) }) == nil)
    }

    @Test func sizesAreExactWithARoundedHint() {
        #expect(BootPlanPicture.readable(Sizes.MiB) == "1 MiB")
        #expect(BootPlanPicture.readable(37152 * Sizes.KiB) == "37152 KiB (36.3 MiB)")
        #expect(BootPlanPicture.approximate(1_048_570) == "1.0 MiB")
        #expect(BootPlanPicture.approximate(512) == "512 B")
        #expect(BootPlanPicture.approximate(.max).hasSuffix(" GiB"))
    }

    @Test func longLinesBreakAtSpaces() {
        let words = Array(repeating: "scrubber", count: 10).joined(separator: " ")
        let lines = BootPlanPicture.wrapped(words, width: 30)
        #expect(lines.allSatisfy { $0.count <= 30 } && lines.joined(separator: " ") == words)
    }
}
