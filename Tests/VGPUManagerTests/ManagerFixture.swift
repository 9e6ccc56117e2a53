import Testing
import VGPUCore
@testable import VGPUManager
import VGPUProbe
import VGPUSimulator
import VGPUTestSupport

/// A manager on a simulated L40S (or another board) booted from the real firmware's vGPU plan, and the
/// invariants every state of it must satisfy.
enum ManagerFixture {
    static func manager(board: String = "L40S", mixedSizes: Bool = true, vfs: Int? = nil) throws -> VGPUManager {
        var request = SimulatedHost.Request()
        request.board = board
        request.firmwareRoot = RealFirmware.root
        request.policy = VGPUResourcePolicy(vmmuSegmentMiB: 256, equalSizeOnly: !mixedSizes)
        let (manager, host) = try SimulatedHost.make(request, registry: try BuiltInModules.registry())
        try manager.enableVFs(vfs ?? host.totalVFs)
        return manager
    }

    /// Checks the manager's map against itself and against GSP-RM's own view; returns the problems.
    static func violations(_ m: VGPUManager) -> [String] {
        var problems: [String] = []
        // One snapshot: separate reads could interleave with another task's create or destroy.
        let (map, live, tasks, gpuWindows) = m.snapshot()
        let c = m.configuration
        // Each list covers its span in order, with no overlap and no gap.
        for (name, blocks, span) in [("framebuffer", map.framebuffer, 0..<c.vgpuFramebufferSize), ("channels", map.channels, c.vgpuChannels)] {
            var cursor = span.lowerBound
            for b in blocks {
                if b.range.start != cursor { problems.append("\(name): block \(b.range) does not start at 0x\(String(cursor, radix: 16))") }
                cursor = b.range.end
            }
            if cursor != span.upperBound { problems.append("\(name): blocks end at \(cursor), not \(span.upperBound)") }
            if blocks.contains(where: { $0.owner == "unaccounted" }) { problems.append("\(name): an allocation has no owner") }
        }
        let segment = UInt64(c.policy.vmmuSegmentMiB) << 20
        var vfs: Set<Int> = [], windows: [Range<UInt64>] = []
        for i in live {
            if !vfs.insert(i.vf).inserted { problems.append("VF \(i.vf) given twice") }
            if !map.framebuffer.contains(where: { $0.id == i.id && $0.range == i.framebuffer }) { problems.append("\(i.id): FB not in the map") }
            if !map.channels.contains(where: { $0.id == i.id && $0.range == i.channels }) { problems.append("\(i.id): channels not in the map") }
            if i.framebuffer.start % segment != 0 { problems.append("\(i.id): FB not VMMU-aligned") }
            if !(i.guestSegment.start == i.framebuffer.start && i.guestSegment.end <= i.heap.start && i.heap.end == i.framebuffer.end) {
                problems.append("\(i.id): guest segment and heap are not inside the FB block, apart")
            }
            if windows.contains(where: { $0.overlaps(i.bar1.range) }) { problems.append("\(i.id): BAR1 window overlaps another") }
            windows.append(i.bar1.range)
        }
        // GSP-RM's view: one running plugin task per live vGPU with the same resources; BAR1 windows alike.
        let quarantinedTasks = tasks.filter { gfid, _ in !live.contains { $0.gfid == gfid } }
        if quarantinedTasks.count > map.quarantine.count { problems.append("GSP-RM runs \(quarantinedTasks.count) task(s) the manager does not track") }
        for i in live {
            guard let t = tasks[i.gfid], t.phase == .running else { problems.append("\(i.id): GSP-RM has no running task for gfid \(i.gfid)"); continue }
            let p = t.parameters
            if p.guestFramebuffer != [.init(address: i.guestSegment.start, length: i.guestSegment.size)] || p.pluginHeapAddress != i.heap.start
                || p.pluginHeapLength != i.heap.size || UInt64(t.channels.lowerBound) != i.channels.start || UInt64(p.numChannels) != i.channels.size {
                problems.append("\(i.id): GSP-RM's task differs from the manager's record")
            }
        }
        if Set(gpuWindows.map { "\($0)" }) != Set(live.map { "\($0.bar1.range)" }) { problems.append("BAR1 windows on the GPU differ from the live vGPUs'") }
        return problems
    }

    /// The map with every resource free.
    static func isEmpty(_ m: VGPUManager) -> Bool {
        let (map, live, tasks, windows) = m.snapshot()
        return map.framebuffer.count == 1 && map.framebuffer[0].owner == nil && map.channels.count == 1 && map.channels[0].owner == nil
            && map.bar1.isEmpty && map.vfs.allSatisfy { $0.owner == nil } && map.quarantine.isEmpty && live.isEmpty
            && tasks.isEmpty && windows.isEmpty
    }
}

extension VGPUManager {
    /// The map, the live vGPUs, and GSP-RM's plugin tasks and BAR1 windows on the simulated GPU, read under
    /// one lock (the fixture's managers are all simulated: `VGPUManager.boot`).
    func snapshot() -> (map: VGPUAllocationMap, instances: [VGPUInstance], tasks: [UInt32: SimulatedGPU.PluginTask], windows: [Range<UInt64>]) {
        inspect { map, live, channel in
            let gpu = (channel as? SimulatedGSPChannel)?.gpu
            return (map, live, gpu?.pluginTasks ?? [:], gpu?.bar1Windows.map { $0.offset..<$0.offset + $0.size } ?? [])
        }
    }
}
