/// First-fit allocator of aligned ranges inside one span: guest FB, channel ids and BAR1 space.
///
/// Holds the allocated ranges sorted by start, so a free never needs a merge step and the free gaps are
/// what lies between neighbours. A vGPU host has tens of allocations, so linear scans are the simple
/// and sufficient choice.
struct RangeAllocator: Sendable, Equatable {
    /// The span allocations come from.
    let span: Range<UInt64>
    /// Allocated ranges, ascending and disjoint.
    private(set) var allocated: [Range<UInt64>] = []

    init(_ span: Range<UInt64>) { self.span = span }

    /// Allocates `size` units aligned to `alignment` (a power of two), from the lowest fitting gap, or
    /// from the highest when `fromTop`. Nil when nothing fits.
    mutating func allocate(size: UInt64, alignment: UInt64 = 1, fromTop: Bool = false) -> Range<UInt64>? {
        guard size > 0, alignment > 0, alignment & (alignment - 1) == 0 else { return nil }
        let gaps = freeRanges
        for gap in fromTop ? gaps.reversed() : gaps {
            let start: UInt64
            if fromTop {
                guard gap.upperBound - gap.lowerBound >= size else { continue }
                start = (gap.upperBound - size) & ~(alignment - 1)
                guard start >= gap.lowerBound else { continue }
            } else {
                let (aligned, overflow) = gap.lowerBound.addingReportingOverflow(alignment - 1)
                guard !overflow else { continue }
                start = aligned & ~(alignment - 1)
                guard start <= gap.upperBound, gap.upperBound - start >= size else { continue }
            }
            let range = start..<start + size
            allocated.insert(range, at: allocated.firstIndex { $0.lowerBound > start } ?? allocated.endIndex)
            return range
        }
        return nil
    }

    /// Frees a range exactly as allocated; false (and no change) for anything else.
    @discardableResult
    mutating func free(_ range: Range<UInt64>) -> Bool {
        guard let i = allocated.firstIndex(of: range) else { return false }
        allocated.remove(at: i)
        return true
    }

    /// The gaps, ascending.
    var freeRanges: [Range<UInt64>] {
        var gaps: [Range<UInt64>] = []
        var cursor = span.lowerBound
        for r in allocated {
            if r.lowerBound > cursor { gaps.append(cursor..<r.lowerBound) }
            cursor = r.upperBound
        }
        if cursor < span.upperBound { gaps.append(cursor..<span.upperBound) }
        return gaps
    }

    /// Units not allocated.
    var freeSize: UInt64 { freeRanges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) } }

    /// The largest gap.
    var largestFree: UInt64 { freeRanges.map { $0.upperBound - $0.lowerBound }.max() ?? 0 }
}
