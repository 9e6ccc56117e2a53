/// The heights of a column of stacked regions, drawn to scale where that stays readable: a region
/// smaller than its minimum height is drawn at that height (and says so with a dashed outline), and a
/// region that would dwarf all the others together is drawn short, across a break mark (the caller
/// chooses which: `dwarfing` finds the candidate).
struct ScaledColumn {
    /// One region to place: its size in bytes (or channel ids) and the fewest pixels its label needs.
    struct Segment {
        let size: UInt64
        let minimumHeight: Int
    }

    /// Where a segment landed.
    struct Placement {
        let y: Int, height: Int
        /// False when the segment was enlarged to its minimum height or cut by a break.
        let toScale: Bool
        /// True for the segment drawn short across a break mark.
        let broken: Bool
    }

    /// How many times the rest together a region must be to be drawn across a break.
    static let dwarfFactor: UInt64 = 4
    /// The height of a region drawn across a break.
    static let breakHeight = 90

    /// The index of the segment to draw across a break, if one is more than `dwarfFactor` times all the others together.
    static func dwarfing(_ segments: [Segment]) -> Int? {
        guard let largest = segments.indices.max(by: { segments[$0].size < segments[$1].size }) else { return nil }
        // The others' sum, saturating: a saturated sum can never be dwarfed.
        let rest = segments.indices.filter { $0 != largest }.reduce(UInt64(0)) { sum, i in
            sum.addingReportingOverflow(segments[i].size).overflow ? .max : sum + segments[i].size
        }
        let (limit, overflow) = rest.multipliedReportingOverflow(by: dwarfFactor)
        return !overflow && segments[largest].size > limit ? largest : nil
    }

    /// Pixels per unit that fit the segments, less the `broken` one, into `pixels`.
    static func scale(fitting segments: [Segment], into pixels: Int, broken: Int?) -> Double {
        let total = segments.indices.filter { $0 != broken }.reduce(0.0) { $0 + Double(segments[$1].size) }
        return total > 0 ? Double(pixels) / total : 0
    }

    /// Places `segments`, listed top to bottom, from `top` down at `scale` pixels per unit, the
    /// `broken` one across a break.
    static func place(_ segments: [Segment], top: Int, scale: Double, broken skip: Int?) -> [Placement] {
        var y = top
        return segments.indices.map { i in
            let segment = segments[i]
            let placement: Placement
            if i == skip {
                placement = Placement(y: y, height: breakHeight, toScale: false, broken: true)
            } else {
                let scaled = Int((Double(segment.size) * scale).rounded())
                placement = Placement(y: y, height: max(scaled, segment.minimumHeight), toScale: scaled >= segment.minimumHeight, broken: false)
            }
            y += placement.height
            return placement
        }
    }
}
