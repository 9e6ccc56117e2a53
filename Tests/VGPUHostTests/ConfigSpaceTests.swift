import Testing
import VGPUHost
import VGPUTestSupport

/// Config-space decoding of hostile bytes: bounded, loop-safe, problems reported.
struct ConfigSpaceTests {
    /// A 4 KiB endpoint header with the capability-list bit set.
    static func base(size: Int = 4096) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: size)
        put(&b, 0, UInt16(0x10de))
        put(&b, 2, UInt16(0x26b5))
        put(&b, 6, UInt16(0x0010))
        b[0x0b] = 0x03
        b[0x0a] = 0x02
        return b
    }

    @Test func tooShortIsNil() {
        #expect(ConfigSpace([]) == nil)
        #expect(ConfigSpace([UInt8](repeating: 0, count: 63)) == nil)
    }

    @Test func sizesDecodeTheHeader() throws {
        for size in [64, 256, 4096] {
            let c = try #require(ConfigSpace(Self.base(size: size)))
            #expect(c.vendorID == 0x10de)
            #expect(c.classCode == 0x030200)
            #expect(c.size == size)
        }
    }

    @Test func allOnesIsReported() throws {
        let c = try #require(ConfigSpace([UInt8](repeating: 0xff, count: 4096)))
        #expect(c.capabilities.isEmpty)
        #expect(c.problems.first?.contains("all ones") == true)
    }

    @Test func capabilityLoopStops() throws {
        var b = Self.base()
        b[0x34] = 0x40
        b[0x40] = 0x01; b[0x41] = 0x50
        b[0x50] = 0x05; b[0x51] = 0x40  // back to 0x40
        let c = try #require(ConfigSpace(b))
        #expect(c.capabilities.map(\.offset) == [0x40, 0x50])
        #expect(c.problems.contains { $0.contains("loops") })
    }

    @Test func capabilityPointerOutsideRange() throws {
        var b = Self.base()
        b[0x34] = 0x20  // inside the header
        #expect(try #require(ConfigSpace(b)).problems.contains { $0.contains("outside") })
        var short = Self.base(size: 64)
        short[0x34] = 0x60
        let c = try #require(ConfigSpace(short))
        #expect(c.capabilities.isEmpty)
        #expect(c.problems.contains { $0.contains("past the 64 bytes") })
    }

    @Test func extendedLoopAndPointerPastEnd() throws {
        var b = Self.base()
        put(&b, 0x100, UInt32(0x0001_0001) | UInt32(0x100) << 20)  // points at itself
        let loop = try #require(ConfigSpace(b))
        #expect(loop.extendedCapabilities.count == 1)
        #expect(loop.problems.contains { $0.contains("loops") })
        var far = Self.base()
        put(&far, 0x100, UInt32(0x0001_0001) | UInt32(0x0ff) << 20)  // 0xfc: below 0x100
        #expect(try #require(ConfigSpace(far)).problems.contains { $0.contains("outside") })
    }

    @Test func sriovDecodeAndTruncation() throws {
        var b = Self.base()
        put(&b, 0x100, UInt32(0x0001_0010))
        put(&b, 0x108, UInt16(0x19))   // VF Enable, MSE, ARI
        put(&b, 0x10e, UInt16(32))
        put(&b, 0x110, UInt16(32))
        put(&b, 0x114, UInt16(4)); put(&b, 0x116, UInt16(1)); put(&b, 0x11a, UInt16(0x26b5))
        put(&b, 0x124, UInt32(0xb108_0000))
        put(&b, 0x128, UInt32(0x0000_000c)); put(&b, 0x12c, UInt32(0x210))
        let s = try #require(ConfigSpace(b)?.sriov)
        #expect(s.vfEnabled && s.totalVFs == 32 && s.numVFs == 32 && s.firstVFOffset == 4 && s.vfDeviceID == 0x26b5)
        #expect(s.vfBARs.map(\.index) == [0, 1, 3, 4, 5])
        #expect((s.vfBARs[0].address, s.vfBARs[0].is64Bit, s.vfBARs[0].prefetchable) == (0xb108_0000, false, false))
        #expect((s.vfBARs[1].address, s.vfBARs[1].is64Bit, s.vfBARs[1].prefetchable) == (0x210_0000_0000, true, true))
        var cut = Self.base(size: 0x120)
        put(&cut, 0x100, UInt32(0x0001_0010))
        let c = try #require(ConfigSpace(cut))
        #expect(c.sriov == nil)
        #expect(c.problems.contains { $0.contains("SR-IOV capability") })
    }
}
