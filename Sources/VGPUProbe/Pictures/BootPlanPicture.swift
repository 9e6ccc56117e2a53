import VGPUCore

/// Draws boot plans as SVG: the top of video memory as the plan lays it out (`plan --format svg`), one
/// column per plan, side by side at one scale when two are compared.
public enum BootPlanPicture {
    /// The drawing of `reports` (one, or two to compare), with `captions` over their columns.
    public static func render(_ reports: [BootPlanning.Report], captions: [String]) -> String {
        let columns = reports.map(rows)
        let segments = columns.map { $0.map(\.segment) }
        // Only the FB below the GSP's regions is ever cut short, and in every column or none, so that
        // equal sizes stay equal heights when plans are compared.
        let cut = zip(columns, segments).contains { rows, segments in
            ScaledColumn.dwarfing(segments).map { rows[$0].kind == .usable } ?? false
        }
        let broken = columns.map { rows in cut ? rows.lastIndex { $0.kind == .usable } : nil }
        let scale = zip(segments, broken).map { ScaledColumn.scale(fitting: $0, into: Layout.scaledPixels, broken: $1) }.min() ?? 0
        let placements = zip(segments, broken).map { ScaledColumn.place($0, top: Layout.columnTop, scale: scale, broken: $1) }
        let bottom = placements.compactMap { $0.last.map { $0.y + $0.height } }.max() ?? Layout.columnTop

        let first = reports[0].plan
        let title = reports.count == 1 ? "GSP boot plan: " + describe(reports[0]) : "GSP boot plans compared: \(first.chip.uppercased()), FB \(Sizes.describe(first.layout.framebufferSize))"
        // Wide enough for the title too (about 10 px a character in bold 16 px).
        let width = max(Layout.left + Layout.columnWidth * reports.count, 32 + 10 * title.count)
        // What the text report says beside the layout: unmet requirements and the simulated boot.
        let prefixes = reports.count == 1 ? [""] : captions.map { "\($0): " }
        let findings = zip(prefixes, reports).flatMap { prefix, r in findingLines(r, prefix: prefix) }
            .flatMap { line, color in wrapped(line, width: (width - 32) / 7).map { ($0, color) } }
        var svg = SVGDocument(width: width, height: bottom + 84 + 16 * findings.count)
        svg.text(title, x: 16, y: 26, size: 16, bold: true)
        svg.text("Top of VRAM at the top; addresses are FB offsets.", x: 16, y: 46, size: 12, color: PictureColor.muted)
        for (index, report) in reports.enumerated() {
            let x = Layout.left + index * Layout.columnWidth
            drawColumn(report, rows: columns[index], placements: placements[index], caption: captions[index], x: x, into: &svg)
        }

        var y = bottom + 24
        for (line, color) in findings {
            svg.text(line, x: 16, y: y, size: 11, bold: color == PictureColor.accent, color: color)
            y += 16
        }
        let perHundred = scale > 0 ? approximate(UInt64((100 / scale).rounded())) : "-"
        for line in ["Heights to scale (100 px = \(perHundred)) except where the outline is dashed: a region drawn taller so that its label fits.",
                     "A zig-zag marks a region cut short; dots mark space left unused, by an alignment rule or inside the end-of-FB reservation."] {
            svg.text(line, x: 16, y: y, size: 11, color: PictureColor.muted)
            y += 16
        }
        let summary = reports.map { r in r.plan.layout.regions.map(\.description).joined(separator: "; ") }.joined(separator: " | ")
        return svg.rendered(title: title, summary: summary)
    }

    /// Pixel positions shared by every column.
    private enum Layout {
        /// Left margin: room for the WPR2 bracket's label.
        static let left = 150
        /// Width of one plan's column, labels included.
        static let columnWidth = 640
        /// Width of the boxes.
        static let boxWidth = 180
        /// Where the regions begin, below the title and the column's caption.
        static let columnTop = 112
        /// The pixels the regions drawn to scale share.
        static let scaledPixels = 520
    }

    /// What a row of the column shows.
    private enum Kind {
        case region, unused, usable, empty
    }

    /// One row of a column: a layout region, the meta, a gap, or the FB below the GSP's regions.
    private struct Row {
        /// What the box says.
        let label: String
        /// The layout region it draws; nil for gaps and the FB below the GSP.
        var region: FBRegion.Name? = nil
        let start: UInt64, size: UInt64
        let kind: Kind
        /// Why a gap is there.
        var why = ""
        var segment: ScaledColumn.Segment {
            ScaledColumn.Segment(size: size, minimumHeight: kind == .unused ? 10 : kind == .empty ? 16 : 30)
        }
    }

    /// `AD102 (ada support), L40S, release 535.113.01, vGPU, FB 48 GiB, booter path`.
    private static func describe(_ r: BootPlanning.Report) -> String {
        let p = r.plan
        var out = p.chip.uppercased() + (r.board.map { ", \($0)" } ?? "") + (r.address.map { " at \($0)" } ?? "")
        out += ", release \(p.release), " + mode(p) + ", FB \(Sizes.describe(p.layout.framebufferSize)), " + path(p)
        return out
    }

    private static func mode(_ p: GSPBootPlan) -> String { if case .vgpu = p.mode { "vGPU" } else { "bare metal" } }
    private static func path(_ p: GSPBootPlan) -> String { p.layout.fsp == nil ? "booter path" : "FSP path" }

    /// The column's rows from the top of VRAM down: the layout's regions (WPR2 stands as its first 256
    /// bytes, the GspFwWprMeta, and is drawn as a bracket), the gaps between them, then the rest of FB.
    private static func rows(_ r: BootPlanning.Report) -> [Row] {
        let layout = r.plan.layout
        typealias Placed = (name: FBRegion.Name, start: UInt64, size: UInt64)
        let regions: [Placed] = layout.regions.filter { $0.name != .wpr2 }.map { ($0.name, $0.start, $0.size) } + [(.meta, layout.wpr2.start, 256)]
        let ordered = regions.sorted { ($0.start, $0.size) > ($1.start, $1.size) }
        var rows: [Row] = []
        var below = layout.framebufferSize
        for region in ordered {
            let end = region.start + region.size
            if end < below {
                // On the FSP path the space under the VGA workspace is the rest of the end-of-FB
                // reservation (frtsVidmemOffset), not alignment padding.
                let why = layout.fsp != nil && below == layout.vgaWorkspace.start ? "end-of-FB reservation" : "alignment"
                rows.append(Row(label: "unused", start: end, size: below - end, kind: .unused, why: why))
            }
            rows.append(Row(label: region.name == .meta ? "GspFwWprMeta" : region.name.rawValue, region: region.name, start: region.start, size: region.size,
                            kind: region.size == 0 ? .empty : .region))
            below = min(below, region.start)
        }
        if below > 0 { rows.append(Row(label: "framebuffer below the GSP", start: 0, size: below, kind: .usable)) }
        return rows
    }

    /// A plan's unmet requirements, its notes (what the text report prints as "note:") and its simulated
    /// boot's outcome, each a line after `prefix`, with its colour.
    private static func findingLines(_ r: BootPlanning.Report, prefix: String) -> [(String, String)] {
        var lines = r.warnings.map { (prefix + "unmet requirement: " + $0, PictureColor.accent) }
        lines += r.plan.notes.map { (prefix + "note: " + $0, PictureColor.muted) }
        if let s = r.simulation {
            let why = s.rejection ?? s.error ?? "no reason given"
            lines.append(s.ok ? (prefix + "simulated boot and unload: ok, \(s.log.count) steps", PictureColor.muted)
                              : (prefix + "simulated boot FAILED: " + why, PictureColor.accent))
        }
        return lines
    }

    /// `text` in lines of at most `width` characters, broken at spaces where it can be.
    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty && line.count + 1 + word.count > max(width, 20) {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        return lines + [line]
    }

    /// `1 MiB`, `37152 KiB (36.3 MiB)`: the exact size, and a rounded one when the exact one is long.
    static func readable(_ bytes: UInt64) -> String {
        let exact = Sizes.describe(bytes)
        return exact.count > 8 ? "\(exact) (\(approximate(bytes)))" : exact
    }

    /// `36.3 MiB`, `512 B`: to a tenth of the largest unit the size reaches (1023.96 KiB is `1.0 MiB`).
    static func approximate(_ bytes: UInt64) -> String {
        let units = [("B", UInt64(1)), ("KiB", Sizes.KiB), ("MiB", Sizes.MiB), ("GiB", Sizes.GiB)]
        guard let index = units.lastIndex(where: { bytes >= $0.1 }), index > 0 else { return "\(bytes) B" }
        let size = units[index].1
        // In two parts, so that no size can overflow.
        var (whole, tenths) = (bytes / size, (bytes % size * 10 + size / 2) / size)
        if tenths == 10 { (whole, tenths) = (whole + 1, 0) }
        if whole == 1024 && index < units.count - 1 { return "1.0 \(units[index + 1].0)" }
        return "\(whole).\(tenths) \(units[index].0)"
    }

    /// The fill of a row.
    private static func color(_ row: Row) -> String {
        switch (row.kind, row.region) {
        case (.unused, _), (.usable, _), (.empty, _): PictureColor.free
        case (_, .heap?): PictureColor.heap
        case (_, .frts?), (_, .meta?): PictureColor.secure
        case (_, .nonWPRHeap?): PictureColor.nonWPR
        case (_, .vgaWorkspace?), (_, .pmuReserved?): PictureColor.reserved
        default: PictureColor.firmware
        }
    }

    /// One plan's column at `x`: caption, boxes, labels and the WPR2 bracket.
    private static func drawColumn(_ r: BootPlanning.Report, rows: [Row], placements: [ScaledColumn.Placement], caption: String,
                                   x: Int, into svg: inout SVGDocument) {
        let p = r.plan
        svg.text(caption, x: x, y: 76, size: 13, bold: true)
        svg.text("heap \(Sizes.describe(p.heap.size)), WPR2 \(Sizes.describe(p.layout.wpr2.size)), \(p.heap.vfPartitionCount) VF partitions, \(path(p))",
                 x: x, y: 94, size: 11, color: PictureColor.muted)
        let labelX = x + Layout.boxWidth + 12
        for (row, place) in zip(rows, placements) {
            let middle = place.y + place.height / 2
            switch row.kind {
            case .unused:
                svg.rect(x: x, y: place.y, width: Layout.boxWidth, height: place.height, fill: PictureColor.free,
                         outline: place.toScale ? .solid : .enlarged, pattern: .unused)
                svg.text("unused \(readable(row.size)) (\(row.why))", x: labelX, y: middle + 4, size: 9, color: PictureColor.muted)
            case .empty:
                svg.line(x1: x, y1: middle, x2: x + Layout.boxWidth, y2: middle, color: PictureColor.muted)
                svg.text("\(row.label): none reserved (0 B at \(hex: row.start))", x: labelX, y: middle + 4, size: 11)
            case .region, .usable:
                svg.rect(x: x, y: place.y, width: Layout.boxWidth, height: place.height, fill: color(row), outline: place.toScale ? .solid : .enlarged)
                if place.broken {
                    svg.breakMark(x: x - 4, y: place.y + place.height * 3 / 4, width: Layout.boxWidth + 8)
                }
                svg.text(row.label, x: x + Layout.boxWidth / 2, y: place.broken ? middle - 6 : middle + 4, size: 12, anchor: .middle, bold: row.kind == .region)
                var detail = "\(hex: row.start)-\(hex: row.start + row.size)"
                if let region = row.region, let alignment = WPR2Layout.requiredAlignment(of: region) {
                    detail += ", aligned \(Sizes.describe(alignment))"
                }
                svg.text("\(row.label) \(readable(row.size))", x: labelX, y: middle - 2, size: 12)
                svg.text(detail, x: labelX, y: middle + 12, size: 10, color: PictureColor.muted, monospace: true)
            }
        }
        // The WPR2 bracket, from the meta at its start to its end.
        let wpr2 = p.layout.wpr2
        let inside = zip(rows, placements).filter { $0.0.start >= wpr2.start && $0.0.start + $0.0.size <= wpr2.end && $0.0.kind != .usable }
        if let top = inside.map(\.1.y).min(), let bottom = inside.map({ $0.1.y + $0.1.height }).max() {
            let bracketX = x - 12
            svg.line(x1: bracketX, y1: top, x2: bracketX, y2: bottom, color: PictureColor.accent, width: 3)
            svg.line(x1: bracketX, y1: top, x2: x, y2: top, color: PictureColor.accent, width: 3)
            svg.line(x1: bracketX, y1: bottom, x2: x, y2: bottom, color: PictureColor.accent, width: 3)
            let middle = (top + bottom) / 2
            svg.text("wpr2", x: bracketX - 8, y: middle - 8, size: 13, anchor: .end, bold: true, color: PictureColor.accent)
            svg.text(Sizes.describe(wpr2.size), x: bracketX - 8, y: middle + 8, size: 11, anchor: .end)
            svg.text("\(hex: wpr2.start)", x: bracketX - 8, y: middle + 22, size: 10, anchor: .end, monospace: true)
            if let alignment = WPR2Layout.requiredAlignment(of: .wpr2) {
                svg.text("aligned \(Sizes.describe(alignment))", x: bracketX - 8, y: middle + 36, size: 10, anchor: .end, color: PictureColor.muted)
            }
        }
    }
}
