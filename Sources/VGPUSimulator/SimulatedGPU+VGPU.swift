import VGPUCore

/// The vGPU side of the simulated GPU: SR-IOV VFs, the framebuffer's contents, a BAR1 window onto it,
/// and GSP-RM's handling of the vGPU plugin-task controls (bootload 0x20804001, shutdown 0x20804002,
/// cleanup 0x20804008).
///
/// GSP-RM's checks here are written from GSP-FACTS and the RFC independently of the vGPU manager, so
/// a manager defect (overlapping FB, a channel range handed out twice, a log outside the heap, a gfid
/// reused before cleanup) is refused with an NV_STATUS, as the real firmware would refuse it.
struct VGPUSide {
    /// What the host configured (`configureVGPU`); nil until then.
    var host: SimulatedGPU.VGPUHost?
    /// sriov_numvfs.
    var enabledVFs = 0
    /// Framebuffer contents, sparse, by 4 KiB page.
    var pages: [UInt64: [UInt8]] = [:]
    /// BAR1 windows: BAR1 offset -> (FB address, size).
    var windows: [UInt64: (fb: UInt64, size: UInt64)] = [:]
    /// Plugin tasks GSP-RM knows, by gfid.
    var plugins: [UInt32: SimulatedGPU.PluginTask] = [:]
    /// One-shot failures armed for the next controls with this command, in arming order.
    var armedStatus: [UInt32: [UInt32]] = [:]
    var armedSilence: [UInt32: Int] = [:]
}

extension SimulatedGPU {
    /// The vGPU facts of the simulated board.
    public struct VGPUHost: Sendable, Equatable {
        /// SR-IOV TotalVFs.
        public var totalVFs: Int
        /// The PF's address; VF n is at routing id PF + firstVFOffset + (n - 1) * vfStride.
        public var pf: PCIAddress
        public var firstVFOffset: Int, vfStride: Int
        /// The FB range vGPUs may be placed in, from 0.
        public var vgpuFramebufferSize: UInt64
        /// Guest FB segments must be aligned to this (NV2080_CTRL_CMD_GPU_GET_VMMU_SEGMENT_SIZE's answer).
        public var vmmuSegmentSize: UInt64
        /// Channel ids vGPUs may use.
        public var vgpuChannels: Range<UInt32>
        /// BAR1 size.
        public var bar1Size: UInt64

        public init(totalVFs: Int, pf: PCIAddress, firstVFOffset: Int, vfStride: Int, vgpuFramebufferSize: UInt64, vmmuSegmentSize: UInt64,
                    vgpuChannels: Range<UInt32>, bar1Size: UInt64) {
            self.totalVFs = totalVFs
            self.pf = pf
            self.firstVFOffset = firstVFOffset
            self.vfStride = vfStride
            self.vgpuFramebufferSize = vgpuFramebufferSize
            self.vmmuSegmentSize = vmmuSegmentSize
            self.vgpuChannels = vgpuChannels
            self.bar1Size = bar1Size
        }
    }

    /// A vGPU plugin task as GSP-RM tracks it.
    public struct PluginTask: Sendable, Equatable {
        public enum Phase: Sendable, Equatable { case running, shutDown }
        public let parameters: VGPUBootloadParameters
        public var phase: Phase
        /// Channel ids it was given.
        public let channels: Range<UInt32>
    }

    /// Declares the board's vGPU facts (what a driver learns from config space and GSP-RM).
    public func configureVGPU(_ host: VGPUHost) { vgpu.host = host }

    /// Writes sriov_numvfs. Fails (false) above TotalVFs, or when changing a non-zero count, as Linux
    /// refuses (`echo 0` first); or while plugin tasks run.
    @discardableResult
    public func setEnabledVFs(_ count: Int) -> Bool {
        guard let host = vgpu.host, (0...host.totalVFs).contains(count), vgpu.plugins.isEmpty else { return false }
        guard vgpu.enabledVFs == 0 || count == 0 else { return false }
        vgpu.enabledVFs = count
        return true
    }

    /// sriov_numvfs.
    public var enabledVFs: Int { vgpu.enabledVFs }

    /// The plugin tasks GSP-RM runs or has shut down, by gfid.
    public var pluginTasks: [UInt32: PluginTask] { vgpu.plugins }

    /// Makes the next control with `command` answer `status` instead of running (each call arms one more).
    public func failNextControl(_ command: UInt32, status: UInt32) { vgpu.armedStatus[command, default: []].append(status) }

    /// Makes the next control with `command` go unanswered (each call arms one more).
    public func silenceNextControl(_ command: UInt32) { vgpu.armedSilence[command, default: 0] += 1 }

    /// How many failed or silenced answers are armed and not yet given.
    public var armedFaultCount: Int { vgpu.armedStatus.values.reduce(0) { $0 + $1.count } + vgpu.armedSilence.values.reduce(0, +) }

    // MARK: BAR1

    /// Maps `size` bytes of FB at `fb` at BAR1 offset `offset`. False when it leaves BAR1 or the FB, or
    /// overlaps another window.
    @discardableResult
    public func mapBAR1(offset: UInt64, fb: UInt64, size: UInt64) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(size)
        guard let host = vgpu.host, size > 0, !overflow, end <= host.bar1Size, fb <= host.vgpuFramebufferSize,
              size <= host.vgpuFramebufferSize - fb,
              !vgpu.windows.contains(where: { offset < $0.key + $0.value.size && $0.key < offset + size }) else { return false }
        vgpu.windows[offset] = (fb, size)
        return true
    }

    /// Removes the window at `offset`; false when there is none.
    @discardableResult
    public func unmapBAR1(offset: UInt64) -> Bool { vgpu.windows.removeValue(forKey: offset) != nil }

    /// BAR1 windows: offset, FB address, size; ascending.
    public var bar1Windows: [(offset: UInt64, fb: UInt64, size: UInt64)] {
        vgpu.windows.sorted { $0.key < $1.key }.map { ($0.key, $0.value.fb, $0.value.size) }
    }

    /// Reads through BAR1; nil when the range is not inside one window.
    public func readBAR1(_ offset: UInt64, _ count: Int) -> [UInt8]? {
        guard let fb = translate(offset, count) else { return nil }
        return readFramebuffer(fb, count)
    }

    /// Writes through BAR1; false when the range is not inside one window.
    @discardableResult
    public func writeBAR1(_ offset: UInt64, _ bytes: [UInt8]) -> Bool {
        guard let fb = translate(offset, bytes.count) else { return false }
        writeFramebuffer(fb, bytes)
        return true
    }

    private func translate(_ offset: UInt64, _ count: Int) -> UInt64? {
        guard let (start, w) = vgpu.windows.first(where: { offset >= $0.key && offset + UInt64(count) <= $0.key + $0.value.size }) else { return nil }
        return w.fb + (offset - start)
    }

    // MARK: Framebuffer contents

    /// FB bytes (never-written bytes read as zero).
    public func readFramebuffer(_ address: UInt64, _ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        forEachPage(address, count) { page, inPage, at, n in
            if let bytes = vgpu.pages[page] { out.replaceSubrange(at..<at + n, with: bytes[inPage..<inPage + n]) }
        }
        return out
    }

    /// Writes FB bytes.
    public func writeFramebuffer(_ address: UInt64, _ bytes: [UInt8]) {
        forEachPage(address, bytes.count) { page, inPage, at, n in
            vgpu.pages[page, default: [UInt8](repeating: 0, count: 4096)].replaceSubrange(inPage..<inPage + n, with: bytes[at..<at + n])
        }
    }

    /// Splits `count` bytes at `address` into per-page pieces: (page, offset in page, offset in the buffer, length).
    private func forEachPage(_ address: UInt64, _ count: Int, _ body: (UInt64, Int, Int, Int) -> Void) {
        var done = 0
        while done < count {
            let a = address + UInt64(done)
            let inPage = Int(a & 0xfff)
            let n = min(4096 - inPage, count - done)
            body(a >> 12, inPage, done, n)
            done += n
        }
    }

    // MARK: GSP-RM's vGPU controls

    /// Runs a GSP_RM_CONTROL payload; the reply payload, or nil to stay silent.
    func serveControl(_ payload: [UInt8]) -> [UInt8]? {
        guard var call = GSPRMControl.decode(payload) else {
            return GSPRMControl(command: 0, status: NVStatus.invalidArgument, params: []).encode()
        }
        if let n = vgpu.armedSilence[call.command], n > 0 {
            vgpu.armedSilence[call.command] = n - 1
            return nil
        }
        if let status = vgpu.armedStatus[call.command]?.first {
            vgpu.armedStatus[call.command]?.removeFirst()
            call.status = status
        } else {
            call.status = runControl(call.command, call.params)
        }
        return call.encode()
    }

    private func runControl(_ command: UInt32, _ params: [UInt8]) -> UInt32 {
        switch command {
        case VGPUBootloadParameters.command: return bootload(params)
        case VGPUPluginTaskControl.shutdown, VGPUPluginTaskControl.cleanup:
            guard params.count == 4 else { return NVStatus.invalidArgument }
            let gfid = UInt32(params[0]) | UInt32(params[1]) << 8 | UInt32(params[2]) << 16 | UInt32(params[3]) << 24
            guard let task = vgpu.plugins[gfid] else { return NVStatus.invalidState }
            if command == VGPUPluginTaskControl.shutdown {
                guard task.phase == .running else { return NVStatus.invalidState }
                vgpu.plugins[gfid]?.phase = .shutDown
            } else {
                guard task.phase == .shutDown else { return NVStatus.invalidState }
                vgpu.plugins[gfid] = nil
            }
            return NVStatus.ok
        default:
            return NVStatus.invalidArgument
        }
    }

    /// GSP-RM's checks of a bootload, then the plugin task's first log line in its init-task log.
    private func bootload(_ bytes: [UInt8]) -> UInt32 {
        guard let host = vgpu.host, let meta = bootedMeta, meta.gspFwHeapVfPartitionCount > 0 else { return NVStatus.invalidState }
        let decoded = SimulatedBootloadDecoder(bytes: bytes, numbering: .of(firmware.release))
        guard let p = decoded.parameters else { return NVStatus.invalidArgument }
        // The VF must exist, be free, and be the one dbdf names.
        guard p.gfid >= 1, Int(p.gfid) <= vgpu.enabledVFs else { return NVStatus.invalidArgument }
        guard vgpu.plugins[p.gfid] == nil else { return NVStatus.invalidState }
        // Worked out here from the SR-IOV rule, not with `PCIAddress.vfAddress`: the simulated GSP checks
        // the manager's dbdf independently of the code that made it.
        let routing = Int(host.pf.routingID) + host.firstVFOffset + (Int(p.gfid) - 1) * host.vfStride  // gfid <= enabled VFs: small
        guard (0...0xffff).contains(routing), p.dbdf == host.pf.domain << 16 | UInt32(routing) else { return NVStatus.invalidArgument }
        // Channels: one base for every engine given, a power-of-two count inside the vGPU range, unshared.
        let bases = Set(p.channelOffsets.filter { $0 != 0 })
        guard p.numChannels > 0, p.numChannels & (p.numChannels - 1) == 0, bases.count == 1, let base = bases.first else { return NVStatus.invalidArgument }
        // Every sum below is of values the host sent: an overflow is a refusal, never a trap.
        guard let channelEnd = Self.end(base, p.numChannels) else { return NVStatus.invalidArgument }
        let channels = base..<channelEnd
        guard channels.lowerBound >= host.vgpuChannels.lowerBound, channels.upperBound <= host.vgpuChannels.upperBound,
              !vgpu.plugins.values.contains(where: { $0.channels.overlaps(channels) }) else { return NVStatus.invalidArgument }
        // FB: VMMU-aligned guest segments and a heap, inside the vGPU range, overlapping nothing.
        var ranges: [Range<UInt64>] = []
        for s in p.guestFramebuffer {
            guard s.length > 0, s.address % host.vmmuSegmentSize == 0, let end = Self.end(s.address, s.length) else { return NVStatus.invalidArgument }
            ranges.append(s.address..<end)
        }
        guard let heapEnd = Self.end(p.pluginHeapAddress, p.pluginHeapLength) else { return NVStatus.invalidArgument }
        let heap = p.pluginHeapAddress..<heapEnd
        ranges.append(heap)
        let others = vgpu.plugins.values.flatMap { t in
            t.parameters.guestFramebuffer.map { $0.address..<$0.address + $0.length }
                + [t.parameters.pluginHeapAddress..<t.parameters.pluginHeapAddress + t.parameters.pluginHeapLength]
        }
        for (i, r) in ranges.enumerated() {
            guard !r.isEmpty, r.upperBound <= host.vgpuFramebufferSize, r.upperBound <= meta.nonWprHeapOffset else { return NVStatus.invalidArgument }
            guard !others.contains(where: { $0.overlaps(r) }), !ranges[..<i].contains(where: { $0.overlaps(r) }) else { return NVStatus.invalidArgument }
        }
        // Logs inside the heap.
        for (offset, size) in [(p.initTaskLogOffset, p.initTaskLogSize), (p.vgpuTaskLogOffset, p.vgpuTaskLogSize)] {
            guard size > 0, offset >= heap.lowerBound, let end = Self.end(offset, size), end <= heap.upperBound else { return NVStatus.invalidArgument }
        }
        vgpu.plugins[p.gfid] = PluginTask(parameters: p, phase: .running, channels: channels)
        let line = "vgpu plugin task: gfid \(p.gfid) type \(p.vgpuType) channels \(channels.lowerBound)-\(channels.upperBound - 1) started\n"
        writeFramebuffer(p.initTaskLogOffset, Array(line.utf8))
        return NVStatus.ok
    }

    /// `start + count`, or nil when it overflows.
    private static func end<T: FixedWidthInteger>(_ start: T, _ count: T) -> T? {
        let (sum, overflow) = start.addingReportingOverflow(count)
        return overflow ? nil : sum
    }
}
