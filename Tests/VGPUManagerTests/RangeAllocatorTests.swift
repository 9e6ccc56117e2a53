import Testing
@testable import VGPUManager

struct RangeAllocatorTests {
    @Test func firstFitWithAlignment() {
        var a = RangeAllocator(100..<200)
        let first = a.allocate(size: 10), aligned = a.allocate(size: 16, alignment: 16)
        #expect(first == 100..<110 && aligned == 112..<128)
        let third = a.allocate(size: 4)
        #expect(third == 128..<132, "the gap 110..<112 is too small: it is skipped")
        #expect(a.freeRanges == [110..<112, 132..<200])
        let fill = a.allocate(size: 2), tooBig = a.allocate(size: 100)
        #expect(fill == 110..<112 && tooBig == nil)
        #expect(a.largestFree == 68)
    }

    @Test func fromTopAndExactFrees() {
        var a = RangeAllocator(0..<64)
        let top = a.allocate(size: 8, alignment: 4, fromTop: true)
        #expect(top == 56..<64)
        let next = a.allocate(size: 3, alignment: 4, fromTop: true)
        #expect(next == 52..<55)
        let partial = a.free(52..<54), exact = a.free(52..<55), other = a.free(56..<64), again = a.free(56..<64)
        #expect(!partial, "only exact ranges are freed")
        #expect(exact && other)
        #expect(!again, "a second free of the same range is refused")
        #expect(a.freeSize == 64 && a.freeRanges == [0..<64])
    }

    @Test func refusesNonsense() {
        var a = RangeAllocator(0..<64)
        let empty = a.allocate(size: 0), oddAlignment = a.allocate(size: 4, alignment: 3), tooBig = a.allocate(size: 65)
        #expect(empty == nil && oddAlignment == nil && tooBig == nil)
        var high = RangeAllocator(UInt64.max - 10..<UInt64.max)
        let wrapped = high.allocate(size: 4, alignment: 1 << 62)
        #expect(wrapped == nil, "aligning up past the end does not wrap")
    }
}
