import Foundation
import Testing
import VGPUCore

/// The capacity planner's rules on small hand-made boards, and catalogue validation refusals.
struct VGPUCapacityTests {
    static func type(_ size: Int, max: Int, series: String = "Q", board: String = "T") -> VGPUType {
        VGPUType(id: nil, name: "NVIDIA \(board)-\(size / 1024)\(series)", series: series, framebufferMiB: size, gspHeapMiB: nil, heads: 1,
                 maxResolution: nil, maxInstances: max, frameRateLimit: nil, guestFramebufferMiB: nil, fbReservationMiB: nil,
                 maxInstancesMixedSize: nil, notes: nil)
    }

    static func board(_ fbMiB: Int, vfs: Int?, _ types: [VGPUType]) -> VGPUTypeCatalogue {
        VGPUTypeCatalogue(schemaVersion: 1, board: "T", pciDeviceID: "1234", chip: "AD102", framebufferMiB: fbMiB, maxVFs: vfs,
                          typeNamePrefix: nil, sources: [], types: types)
    }

    @Test func channelsArePreviousPowerOfTwoOfTheShare() {
        let p = VGPUResourcePolicy()
        #expect(p.vgpuChannels == 1536)
        #expect(p.channels(for: Self.type(1024, max: 32)) == 32)     // 1536/32 = 48 -> 32
        #expect(p.channels(for: Self.type(2048, max: 24)) == 64)     // 64
        #expect(p.channels(for: Self.type(3072, max: 16)) == 64)     // 96 -> 64
        #expect(p.channels(for: Self.type(49152, max: 1)) == 1024)   // 1536 -> 1024
    }

    @Test func limitsInOrder() {
        let t = Self.type(4096, max: 8)
        let c = Self.board(48 * 1024, vfs: 32, [t])
        #expect(VGPUCapacityPlanner.fill(t, on: c).count == 8)
        let byVF = VGPUCapacityPlanner.fill(t, on: c, vfs: 3)
        #expect(byVF.count == 3 && byVF.limit.contains("no free VF"))
        let small = Self.board(10 * 1024, vfs: 32, [t])
        let byFB = VGPUCapacityPlanner.fill(t, on: small)
        #expect(byFB.count == 2 && byFB.limit.hasPrefix("framebuffer: 4096 MiB needed"))
    }

    @Test func vmmuAlignment() {
        let t = Self.type(1536, max: 8)   // 1.5 GiB
        #expect(VGPUResourcePolicy(vmmuSegmentMiB: 512).framebuffer(for: t) == 1536)
        #expect(VGPUResourcePolicy(vmmuSegmentMiB: 256).framebuffer(for: t) == 1536)
        let odd = Self.type(1100, max: 8)
        #expect(VGPUResourcePolicy(vmmuSegmentMiB: 512).framebuffer(for: odd) == 1536)
        #expect(VGPUResourcePolicy(vmmuSegmentMiB: 32).framebuffer(for: odd) == 1120)
    }

    @Test func equalSizeModeAndMixedMode() {
        let big = Self.type(8192, max: 6), small = Self.type(2048, max: 24)
        let c = Self.board(48 * 1024, vfs: 32, [big, small])
        let equal = VGPUCapacityPlanner.place([big, small], on: c)
        #expect(equal.placements.map(\.placed) == [true, false])
        #expect(equal.placements[1].reason?.hasPrefix("equal-size mode") == true)
        let mixed = VGPUCapacityPlanner.place([big, small, small], on: c, policy: VGPUResourcePolicy(equalSizeOnly: false))
        #expect(mixed.placedCount == 3 && mixed.framebufferUsedMiB == 12288 && mixed.channelsUsed == 256 + 64 + 64)
    }

    @Test func channelsRunOut() {
        // Types of max 2 instances take 512 channels each: three fit the 1536, the fourth does not.
        let a = Self.type(1024, max: 2, series: "A"), b = Self.type(1024, max: 2, series: "B")
        let c = Self.board(64 * 1024, vfs: 32, [a, b])
        let plan = VGPUCapacityPlanner.place([a, a, b, b], on: c, policy: VGPUResourcePolicy(equalSizeOnly: false))
        #expect(plan.placements.map(\.placed) == [true, true, true, false])
        #expect(plan.placements[3].reason == "channels: 512 needed, 0 of 1536 free")
    }

    @Test("catalogue refusals name the field", arguments: [
        ("\"series\": \"Q\"", "\"series\": \"X\"", "types[0].series"),
        ("\"maxInstances\": 4", "\"maxInstances\": 9", "types[0].maxInstances"),
        ("\"name\": \"NVIDIA T-12Q\"", "\"name\": \"NVIDIA U-12Q\"", "types[0].name"),
        ("\"pciDeviceID\": \"1234\"", "\"pciDeviceID\": \"12345\"", "pciDeviceID"),
        ("\"schemaVersion\": 1", "\"schemaVersion\": 2", "schemaVersion"),
        ("\"heads\": 4", "\"heads\": \"four\"", "types[0].heads"),
    ])
    func refusals(original: String, replacement: String, field: String) throws {
        let valid = #"{"schemaVersion": 1, "board": "T", "pciDeviceID": "1234", "chip": "AD102", "framebufferMiB": 49152, "maxVFs": 32, "sources": [], "types": [{"id": 1, "name": "NVIDIA T-12Q", "series": "Q", "framebufferMiB": 12288, "heads": 4, "maxInstances": 4}]}"#
        #expect(throws: Never.self) { try VGPUTypeCatalogue.load(Data(valid.utf8), name: "t.json") }
        #expect(valid.contains(original))
        do {
            _ = try VGPUTypeCatalogue.load(Data(valid.replacingOccurrences(of: original, with: replacement).utf8), name: "t.json")
            Issue.record("expected a refusal for \(field)")
        } catch {
            #expect(error.field == field)
            #expect(error.file == "t.json")
        }
    }
}
