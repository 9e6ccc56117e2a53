import Testing
import VGPUAda
import VGPUCore
import VGPUSimulator

/// The RPC queue in simulated DMA memory: messages longer than an element, wrap-around, a full queue
/// and corruption anywhere in a message.
struct GSPQueueTests {
    func memory() throws -> (SimulatedGPU, GSPQueue) {
        let release = FirmwareRelease("535.113.01")!
        let params = try #require(try AdaModule().heapParameters(for: AdaChip.ad102.chip, release: release))
        let sim = SimulatedGPU(boot0: 0x1920_00a1, boot42: 0x192a_1000, firmware: .init(release: release, heap: params))
        return (sim, GSPQueue(base: sim.allocate(GSPQueue.size)))
    }

    @Test func longMessagesSpanElementsAndWrapAround() throws {
        let (sim, q) = try memory()
        let big = (0..<6520).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(GSPQueue.elements(forPayload: big.count) == 2)
        // 40 two-element messages through 63 slots: the write pointer wraps mid-message more than once.
        for n in 0..<40 {
            try q.push(.init(sequence: UInt32(n), function: 76, payload: big), on: sim)
            let got = try #require(try q.pop(on: sim))
            #expect(got == .init(sequence: UInt32(n), function: 76, payload: big))
        }
        #expect(try q.pop(on: sim) == nil)
    }

    @Test func aFullQueueRefusesInsteadOfOverwriting() throws {
        let (sim, q) = try memory()
        let payload = [UInt8](repeating: 1, count: 3 * GSPQueue.entrySize)  // 4 elements each
        for n in 0..<15 { try q.push(.init(sequence: UInt32(n), function: 1, payload: payload), on: sim) }
        #expect(throws: GSPQueue.EntryError.full(needed: 4, free: 2)) { try q.push(.init(sequence: 99, function: 1, payload: payload), on: sim) }
        #expect(try q.pop(on: sim)?.sequence == 0)
    }

    @Test func corruptionInALaterElementFailsTheChecksum() throws {
        let (sim, q) = try memory()
        try q.push(.init(sequence: 1, function: 76, payload: [UInt8](repeating: 0x33, count: 5000)), on: sim)
        let second = q.base + 2 * UInt64(GSPQueue.entrySize) + 100
        sim.writeMemory(second, [0x34])
        #expect {
            _ = try q.pop(on: sim)
        } throws: { error in
            if case .badChecksum = error as? GSPQueue.EntryError { true } else { false }
        }
    }

    @Test func aLengthBeyondTheLargestMessageIsRefused() throws {
        var bytes = GSPQueue.encode(.init(sequence: 1, function: 2, payload: [1, 2, 3]))
        bytes[12] = 0xff
        bytes[13] = 0xff
        bytes[14] = 0x0f
        #expect(throws: GSPQueue.EntryError.badLength(0x0f_ffff)) { try GSPQueue.decode(bytes) }
    }
}
