import VGPUCore
import VGPUManager

/// Draws a simulated vGPU session as SVG (`simulate --format svg`): for the end of the session, or for
/// every step when the run kept each step's map, the framebuffer given to vGPUs (each vGPU's guest
/// segment and management heap, free and quarantined blocks), the channel id ranges and the VFs.
public enum SimulationPicture {
    /// The drawing of `report`.
    public static func render(_ report: Simulation.Report) -> String {
        let vgpus = Self.vgpus(report), names = report.planNames
        let panels: [(title: String, map: VGPUAllocationMap)] = report.steps.allSatisfy({ $0.map != nil }) && !report.steps.isEmpty
            ? report.steps.enumerated().compactMap { i, step in step.map.map { ("after step \(i + 1): \(step.step) (\(step.verdict))", $0) } }
            : [("after the last step", report.map)]
        let drawn = panels.map { panel($0.map, title: $0.title, vgpus: vgpus, names: names) }
        let height = 92 + drawn.reduce(0) { $0 + $1.height } + 52
        var svg = SVGDocument(width: Layout.width, height: height)
        let h = report.host
        svg.text("Simulated \(h.board) (\(h.chip), \(h.module) support, GSP \(h.release)) as \(h.address)", x: 16, y: 26, size: 16, bold: true)
        svg.text("\(h.framebufferMiB / 1024) GiB FB for vGPUs, \(h.totalVFs) VFs, VMMU segment \(h.policy.vmmuSegmentMiB) MiB, "
                 + (h.policy.equalSizeOnly ? "equal-size mode" : "mixed sizes") + "; plan \(report.plan)",
                 x: 16, y: 46, size: 12, color: PictureColor.muted)
        // The verdict the text report ends with.
        let met = report.steps.filter(\.met).count
        svg.text("\(met) of \(report.steps.count) steps as expected; \(report.live.count) vGPU(s) live", x: 16, y: 64, size: 12,
                 bold: !report.ok, color: report.ok ? PictureColor.muted : PictureColor.accent)
        var y = 92
        for d in drawn {
            d.draw(&svg, y)
            y += d.height
        }
        let legend = ["Framebuffer: top address at the top; a vGPU's block holds its guest segment (blue, bottom) and its management heap (orange, top).",
                      "Heights to scale per column except dashed outlines (drawn taller so that the label fits); a zig-zag marks a block cut short; hatching: quarantined."]
        for (i, line) in legend.enumerated() { svg.text(line, x: 16, y: y + 14 + 16 * i, size: 11, color: PictureColor.muted) }
        let summary = panels.map { panel in
            "\(panel.title): " + panel.map.framebuffer.map { "\($0.range) \(holder($0, vgpus, names))" }.joined(separator: "; ")
        }
        return svg.rendered(title: "vGPU session on a simulated \(h.board)", summary: summary.joined(separator: " | "))
    }

    /// Pixel positions of a panel.
    private enum Layout {
        static let width = 1120
        static let fbX = 40, fbWidth = 200
        static let channelX = 720, channelWidth = 90
        /// The pixels a column's blocks drawn to scale share.
        static let scaledPixels = 360
        static let vfSize = 26, vfPitch = 32, vfsPerRow = 32
    }

    /// Who holds a block, as the text report names it: `#3 NVIDIA L40S-12Q`, `quarantined (#2 ...)`,
    /// the map's owner, or `free`.
    private static func holder(_ block: VGPUAllocationMap.Block, _ vgpus: [DeviceID: (tag: String, instance: VGPUInstance)],
                               _ names: [DeviceID: String]) -> String {
        guard let owner = block.owner else { return "free" }
        if let (tag, v) = block.id.flatMap({ vgpus[$0] }) { return "\(tag) \(v.type)" }
        return block.quarantined.map { "quarantined (\(names[$0] ?? $0.description))" } ?? owner
    }

    /// Every vGPU the session created, by id (a map names only the id), tagged as the text names it:
    /// `#3` for one the plan numbered, `host` for one the probed host showed, made before step 1.
    private static func vgpus(_ report: Simulation.Report) -> [DeviceID: (tag: String, instance: VGPUInstance)] {
        var found: [DeviceID: (String, VGPUInstance)] = [:]
        for step in report.steps {
            for action in step.actions {
                if let instance = action.created, let number = action.number { found[instance.id] = ("#\(number)", instance) }
            }
        }
        for vgpu in report.host.existing ?? [] {
            if let made = report.live.first(where: { $0.instance.vf == vgpu.vf }) { found[made.instance.id] = ("host", made.instance) }
        }
        return found
    }

    /// A panel ready to draw at any height: its height and how to draw it from a top edge.
    private struct Panel {
        let height: Int
        let draw: (inout SVGDocument, Int) -> Void
    }

    /// One map's panel: the FB column, the channel column and the VF row under them.
    private static func panel(_ map: VGPUAllocationMap, title: String, vgpus: [DeviceID: (tag: String, instance: VGPUInstance)],
                              names: [DeviceID: String]) -> Panel {
        let fbBlocks = Array(map.framebuffer.reversed())
        let channelBlocks = Array(map.channels.reversed())
        func segments(_ blocks: [VGPUAllocationMap.Block]) -> [ScaledColumn.Segment] {
            blocks.map { ScaledColumn.Segment(size: $0.range.size, minimumHeight: 30) }
        }
        let fbSegments = segments(fbBlocks), channelSegments = segments(channelBlocks)
        let columnTop = 48
        // Each column at its own scale, a free block that dwarfs the rest cut short.
        func placed(_ segments: [ScaledColumn.Segment]) -> [ScaledColumn.Placement] {
            let broken = ScaledColumn.dwarfing(segments)
            return ScaledColumn.place(segments, top: columnTop, scale: ScaledColumn.scale(fitting: segments, into: Layout.scaledPixels, broken: broken),
                                      broken: broken)
        }
        let (fbPlaces, channelPlaces) = (placed(fbSegments), placed(channelSegments))
        let columnsBottom = ([columnTop] + fbPlaces.map { $0.y + $0.height } + channelPlaces.map { $0.y + $0.height }).max() ?? columnTop
        let vfRows = (map.vfs.count + Layout.vfsPerRow - 1) / Layout.vfsPerRow
        let height = columnsBottom + 30 + vfRows * (Layout.vfPitch + 14) + 24
        return Panel(height: height) { svg, top in
            svg.line(x1: 16, y1: top, x2: Layout.width - 16, y2: top, color: PictureColor.reserved)
            svg.text(title, x: 16, y: top + 20, size: 14, bold: true)
            for (block, place) in zip(fbBlocks, fbPlaces) {
                drawFramebufferBlock(block, place.shifted(by: top), vgpus: vgpus, names: names, into: &svg)
            }
            svg.text("framebuffer for vGPUs", x: Layout.fbX, y: top + columnTop - 6, size: 11, color: PictureColor.muted)
            svg.text("channel ids", x: Layout.channelX, y: top + columnTop - 6, size: 11, color: PictureColor.muted)
            for (block, place) in zip(channelBlocks, channelPlaces) {
                drawChannelBlock(block, place.shifted(by: top), vgpus: vgpus, names: names, into: &svg)
            }
            let vfTop = top + columnsBottom + 24
            // Counted as the text report counts them: a quarantined VF is in use, by no vGPU.
            let inUse = map.vfs.filter { $0.owner != nil }.count
            let quarantinedVFs = map.vfs.filter { $0.quarantined != nil }.count
            svg.text("VFs: \(map.vfs.count) enabled, \(inUse) in use" + (quarantinedVFs > 0 ? " (\(quarantinedVFs) quarantined)" : ""),
                     x: Layout.fbX, y: vfTop - 6, size: 11, color: PictureColor.muted)
            for (i, slot) in map.vfs.enumerated() {
                let x = Layout.fbX + (i % Layout.vfsPerRow) * Layout.vfPitch
                let y = vfTop + (i / Layout.vfsPerRow) * (Layout.vfPitch + 14)
                let holder = slot.id.flatMap { vgpus[$0] }
                let quarantined = holder == nil && slot.quarantined != nil
                let unaccounted = holder == nil && slot.owner != nil && !quarantined
                svg.rect(x: x, y: y, width: Layout.vfSize, height: Layout.vfSize,
                         fill: holder != nil ? PictureColor.firmware : quarantined ? PictureColor.accent : unaccounted ? PictureColor.reserved : PictureColor.free,
                         pattern: quarantined ? .quarantined : nil)
                svg.text("\(slot.vf)", x: x + Layout.vfSize / 2, y: y + 17, size: 11, anchor: .middle)
                let under = holder.map(\.tag) ?? (quarantined ? "quar." : unaccounted ? "?" : nil)
                if let under { svg.text(under, x: x + Layout.vfSize / 2, y: y + Layout.vfSize + 11, size: 9, anchor: .middle) }
            }
        }
    }

    /// A block of the FB column: a vGPU's (guest segment below its heap), a quarantined one or free space.
    private static func drawFramebufferBlock(_ block: VGPUAllocationMap.Block, _ place: ScaledColumn.Placement,
                                             vgpus: [DeviceID: (tag: String, instance: VGPUInstance)], names: [DeviceID: String],
                                             into svg: inout SVGDocument) {
        let (x, width, labelX) = (Layout.fbX, Layout.fbWidth, Layout.fbX + Layout.fbWidth + 12)
        let outline: SVGDocument.Outline = place.toScale ? .solid : .enlarged
        let middle = place.y + place.height / 2
        // Inclusive, as the text report writes a range.
        let range = block.range.description
        if let id = block.id, let (tag, v) = vgpus[id] {
            svg.rect(x: x, y: place.y, width: width, height: place.height, fill: PictureColor.free, outline: outline)
            // Inside the block, guest and heap in proportion, each at least a sliver.
            let size = Double(max(block.range.size, 1))
            let heapHeight = max(6, Int(Double(place.height) * Double(v.heap.size) / size))
            let guestHeight = min(place.height - heapHeight, max(6, Int(Double(place.height) * Double(v.guestSegment.size) / size)))
            svg.rect(x: x, y: place.y, width: width, height: heapHeight, fill: PictureColor.heap, outline: .none)
            svg.rect(x: x, y: place.y + place.height - guestHeight, width: width, height: guestHeight, fill: PictureColor.firmware, outline: .none)
            svg.rect(x: x, y: place.y, width: width, height: place.height, fill: "none", outline: outline)
            svg.text(tag, x: x + width / 2, y: middle + 5, size: 13, anchor: .middle, bold: true)
            svg.text("\(tag) \(v.type), VF \(v.vf) (\(v.address))", x: labelX, y: middle - 2, size: 12)
            svg.text("\(range): guest \(Sizes.describe(v.guestSegment.size)), heap \(Sizes.describe(v.heap.size))",
                     x: labelX, y: middle + 12, size: 10, color: PictureColor.muted, monospace: true)
        } else if block.owner != nil {
            // Quarantined (or, a defect the map reports, held by no one it knows): hatched either way.
            svg.rect(x: x, y: place.y, width: width, height: place.height, fill: block.quarantined != nil ? PictureColor.accent : PictureColor.reserved,
                     outline: outline, pattern: .quarantined)
            svg.text("\(holder(block, vgpus, names)) \(Sizes.describe(block.range.size))", x: labelX, y: middle - 2, size: 12)
            svg.text(range, x: labelX, y: middle + 12, size: 10, color: PictureColor.muted, monospace: true)
        } else {
            svg.rect(x: x, y: place.y, width: width, height: place.height, fill: PictureColor.free, outline: outline)
            svg.text("free", x: x + width / 2, y: place.broken ? middle - 6 : middle + 4, size: 12, anchor: .middle, color: PictureColor.muted)
            svg.text("free \(Sizes.describe(block.range.size))", x: labelX, y: middle - 2, size: 12)
            svg.text(range, x: labelX, y: middle + 12, size: 10, color: PictureColor.muted, monospace: true)
        }
        if place.broken { svg.breakMark(x: x - 4, y: place.y + place.height * 3 / 4, width: width + 8) }
    }

    /// A block of the channel column: a vGPU's id range, a quarantined one or free ids.
    private static func drawChannelBlock(_ block: VGPUAllocationMap.Block, _ place: ScaledColumn.Placement,
                                         vgpus: [DeviceID: (tag: String, instance: VGPUInstance)], names: [DeviceID: String],
                                         into svg: inout SVGDocument) {
        let (x, width) = (Layout.channelX, Layout.channelWidth)
        let holder = block.id.flatMap { vgpus[$0] }
        let fill = holder != nil ? PictureColor.channels : block.owner != nil ? PictureColor.accent : PictureColor.free
        svg.rect(x: x, y: place.y, width: width, height: place.height, fill: fill, outline: place.toScale ? .solid : .enlarged,
                 pattern: holder == nil && block.owner != nil ? .quarantined : nil)
        if place.broken { svg.breakMark(x: x - 4, y: place.y + place.height * 3 / 4, width: width + 8) }
        let who = holder.map(\.tag) ?? (block.owner == nil ? "free" : Self.holder(block, vgpus, names))
        svg.text("\(who) \(block.range.start)-\(block.range.end - 1)", x: x + width + 10, y: place.y + place.height / 2 + 4, size: 11)
    }
}

private extension ScaledColumn.Placement {
    /// The same placement `dy` pixels lower.
    func shifted(by dy: Int) -> ScaledColumn.Placement {
        ScaledColumn.Placement(y: y + dy, height: height, toScale: toScale, broken: broken)
    }
}
