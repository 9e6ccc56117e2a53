import Testing
import VGPUCore

/// The vGPU controls' byte layouts, byte for byte (offsets as gcc lays out the RFC's bootload.h on x86-64).
struct BootloadLayoutTests {
    @Test func r535Offsets() {
        let l = VGPUBootloadParameters.Layout.r535
        #expect(l.engineCount == 0x3e)
        #expect([l.channelOffsets, l.disableSMCRestore, l.numGuestFBSegments, l.guestFBAddresses, l.guestFBLengths] == [28, 276, 280, 288, 3360])
        #expect([l.pluginHeapAddress, l.pluginHeapLength, l.controlBuffer, l.initTaskLogOffset, l.initTaskLogSize] == [6432, 6440, 6448, 6456, 6464])
        #expect([l.vgpuTaskLogOffset, l.vgpuTaskLogSize, l.deviceProfiling, l.size] == [6472, 6480, 6488, 6496])
        #expect(l.kernelLog == nil && l.migRMHeap == nil)
    }

    @Test func r570Offsets() throws {
        let l = VGPUBootloadParameters.Layout.r570
        #expect(l.engineCount == 0x54)
        #expect([l.disableSMCRestore, l.numGuestFBSegments, l.guestFBAddresses, l.guestFBLengths, l.pluginHeapAddress] == [364, 368, 376, 3448, 6520])
        let kernel = try #require(l.kernelLog), mig = try #require(l.migRMHeap)
        #expect([l.vgpuTaskLogSize, kernel.offset, kernel.size, mig.address, mig.length, l.deviceProfiling, l.size] == [6568, 6576, 6584, 6592, 6600, 6608, 6616])
    }

    func sample(engines: Int) -> VGPUBootloadParameters {
        var offsets = [UInt32](repeating: 0, count: engines)
        offsets[1] = 0x200
        offsets[0x26] = 0x200
        return VGPUBootloadParameters(
            dbdf: 0x0000_4104, gfid: 1, vgpuType: 1153, vmPid: 0x1234, numChannels: 256, channelOffsets: offsets,
            guestFramebuffer: [.init(address: 0x1_0000_0000, length: 0x2_e000_0000)], pluginHeapAddress: 0x2_f800_0000,
            pluginHeapLength: 0x800_0000, initTaskLogOffset: 0x2_f820_4000, initTaskLogSize: 0x2_0000,
            vgpuTaskLogOffset: 0x2_f822_4000, vgpuTaskLogSize: 0x2_0000, deviceProfilingEnabled: true)
    }

    /// Little-endian value of `width` bytes at `offset`.
    func read(_ b: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
        (0..<width).reduce(0) { $0 | UInt64(b[offset + $1]) << (8 * UInt64($1)) }
    }

    @Test func r535EncodingByteForByte() throws {
        let b = try sample(engines: 0x3e).encode(.r535)
        #expect(b.count == 6496)
        #expect(Array(b[0..<28]) == [0x04, 0x41, 0, 0, 1, 0, 0, 0, 0x81, 0x04, 0, 0, 0x34, 0x12, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        #expect(read(b, 28 + 4 * 1, 4) == 0x200 && read(b, 28 + 4 * 0x26, 4) == 0x200 && read(b, 28, 4) == 0)
        #expect(b[276] == 0 && read(b, 280, 4) == 1)
        #expect(read(b, 288, 8) == 0x1_0000_0000 && read(b, 296, 8) == 0)
        #expect(read(b, 3360, 8) == 0x2_e000_0000)
        #expect(read(b, 6432, 8) == 0x2_f800_0000 && read(b, 6440, 8) == 0x800_0000 && read(b, 6448, 8) == 0)
        #expect(read(b, 6456, 8) == 0x2_f820_4000 && read(b, 6464, 8) == 0x2_0000)
        #expect(read(b, 6472, 8) == 0x2_f822_4000 && read(b, 6480, 8) == 0x2_0000)
        #expect(b[6488] == 1 && b[6489...].allSatisfy { $0 == 0 })
        // Nothing else is set: the bytes not named above are zero.
        let named: [Range<Int>] = [0..<28, 32..<36, 180..<184, 280..<284, 288..<296, 3360..<3368, 6432..<6448, 6456..<6488, 6488..<6489]
        for i in b.indices where !named.contains(where: { $0.contains(i) }) { #expect(b[i] == 0, "byte \(i)") }
    }

    @Test func r570EncodingPutsTheLaterFieldsAfterTheLongerEngineArray() throws {
        var p = sample(engines: 0x54)
        p.kernelLogOffset = 0xaaaa
        p.migRMHeapLength = 0xbbbb
        let b = try p.encode(.r570)
        #expect(b.count == 6616)
        #expect(read(b, 368, 4) == 1 && read(b, 376, 8) == 0x1_0000_0000 && read(b, 3448, 8) == 0x2_e000_0000)
        #expect(read(b, 6520, 8) == 0x2_f800_0000 && read(b, 6576, 8) == 0xaaaa && read(b, 6600, 8) == 0xbbbb && b[6608] == 1)
    }

    @Test func encodingRefusesAMismatchedEngineArrayOrNoSegment() {
        #expect(throws: VGPUBootloadParameters.EncodingError.channelOffsetCount(found: 0x54, layout: 0x3e)) { try sample(engines: 0x54).encode(.r535) }
        var p = sample(engines: 0x3e)
        p.guestFramebuffer = []
        #expect(throws: VGPUBootloadParameters.EncodingError.segmentCount(0)) { try p.encode(.r535) }
    }

    @Test func teardownParamsAndCommands() {
        #expect(VGPUBootloadParameters.command == 0x2080_4001)
        #expect(VGPUPluginTaskControl.shutdown == 0x2080_4002 && VGPUPluginTaskControl.cleanup == 0x2080_4008)
        #expect(VGPUPluginTaskControl.params(gfid: 0x0102_0304) == [4, 3, 2, 1])
    }

    @Test func rmControlEnvelope() throws {
        let call = GSPRMControl(client: 0xc1d0_0001, object: 0x5c00_0002, command: 0x2080_4002, status: 0x1f, flags: 3, params: [9, 8, 7, 6])
        let b = call.encode()
        #expect(b == [0x01, 0, 0xd0, 0xc1, 0x02, 0, 0, 0x5c, 0x02, 0x40, 0x80, 0x20, 0x1f, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 9, 8, 7, 6])
        #expect(GSPRMControl.decode(b) == call)
        #expect(GSPRMControl.decode(Array(b.dropLast())) == nil, "paramsSize says 4, 3 follow")
        #expect(GSPRMControl.decode(Array(b.prefix(23))) == nil)
    }
}
