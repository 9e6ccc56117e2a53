import VGPUCore

/// Everything the manager allocates from, with the GPU's GSP-RM channel: one value,
/// kept behind one lock (`VGPUHardware`), so no VF, FB range, BAR1 window or channel can be handed out
/// twice whatever the tasks calling in.
struct VGPUHostState {
    let configuration: VGPUManagerConfiguration
    /// GSP-RM, BAR1 and the VF count of the GPU (the simulator's, or a device's).
    let channel: any GSPRMChannel
    var framebuffer: RangeAllocator
    var channels: RangeAllocator
    var bar1: RangeAllocator
    /// VFs enabled (sriov_numvfs) and those in use, by VF number from 1.
    var enabledVFs = 0
    var usedVFs: Set<Int> = []
    /// Live vGPUs.
    var instances: [DeviceID: VGPUInstance] = [:]
    /// Resources GSP-RM may still be using after a failed teardown; never handed out again.
    var quarantine: [VGPUQuarantine] = []
    /// Teardowns done, by id (destroy reads its own back).
    var teardowns: [DeviceID: VGPUTeardown] = [:]
    /// How many times the release hook ran for each id (the core promises once).
    var releaseRuns: [DeviceID: Int] = [:]
    /// Armed host-side create faults, with how many times each is armed.
    var armed: [VGPUCreateStep: Int] = [:]

    init(configuration: VGPUManagerConfiguration, channel: any GSPRMChannel) {
        self.configuration = configuration
        self.channel = channel
        framebuffer = RangeAllocator(0..<configuration.vgpuFramebufferSize)
        channels = RangeAllocator(configuration.vgpuChannels)
        bar1 = RangeAllocator(0..<configuration.bar1Size)
    }

    /// What a create has taken so far: the unwind (and a destroy) gives back exactly this, in reverse.
    struct Progress {
        /// The vGPU's type and profile size, which a quarantine keeps: GSP-RM may still host it.
        let type: String
        let profileMiB: Int
        var vf: Int?
        var framebuffer: Range<UInt64>?
        var bar1: Range<UInt64>?
        var channels: Range<UInt64>?
        var bootedGfid: UInt32?
    }

    // MARK: Create

    /// The init hook's work: admission, then each step; on a failure, unwinds and rethrows.
    mutating func create(_ id: DeviceID, _ type: VGPUType, vmPid: UInt32, vf: Int? = nil) throws(VGPUManagerError) -> VGPUInstance {
        let (typeID, heapMiB) = try admit(type)
        var done = Progress(type: type.name, profileMiB: type.framebufferMiB)
        do {
            let instance = try build(id, type, typeID: typeID, heapMiB: heapMiB, vmPid: vmPid, vf: vf, &done)
            instances[id] = instance
            return instance
        } catch {
            let record = teardown(id, done)
            guard record.quarantined, case .step(let step, let why) = error else { throw error }
            throw .stepQuarantined(step, why, record)
        }
    }

    /// Checks that need no unwinding: what the bootload needs from the catalogue, the type's maximum, the size mode.
    private func admit(_ type: VGPUType) throws(VGPUManagerError) -> (Int, Int) {
        guard let typeID = type.id else {
            throw .unsupportedType(type.name, reason: "the catalogue has no NVIDIA type id for it (the bootload control's vgpuType)")
        }
        guard let heapMiB = type.gspHeapMiB else {
            throw .unsupportedType(type.name, reason: "the catalogue has no GSP heap size for it (the management heap)")
        }
        // A quarantined vGPU counts as hosted: GSP-RM did not confirm it stopped, and its FB is still held.
        let hosted = instances.values.map { (type: $0.type, profileMiB: $0.profileMiB, quarantined: false) }
            + quarantine.map { (type: $0.type, profileMiB: $0.profileMiB, quarantined: true) }
        let sameType = hosted.filter { $0.type == type.name }
        guard sameType.count < type.maxInstances else {
            let held = sameType.filter(\.quarantined).count
            throw .admission("\(type.name) allows at most \(type.maxInstances) per GPU" + (held > 0 ? " (\(held) of them quarantined)" : ""))
        }
        if configuration.policy.equalSizeOnly, let other = hosted.first(where: { $0.profileMiB != type.framebufferMiB }) {
            let hosts = other.quarantined ? "holds a quarantined \(other.profileMiB) MiB vGPU" : "hosts \(other.profileMiB) MiB vGPUs"
            throw .admission("equal-size mode: the GPU \(hosts), \(type.name) is \(type.framebufferMiB) MiB")
        }
        return (typeID, heapMiB)
    }

    private mutating func build(_ id: DeviceID, _ type: VGPUType, typeID: Int, heapMiB: Int, vmPid: UInt32, vf requested: Int?,
                                _ done: inout Progress) throws(VGPUManagerError) -> VGPUInstance
    {
        let c = configuration
        try injected(.reserveVF)
        let (enabled, used) = (enabledVFs, usedVFs)
        let free = { (n: Int) in n >= 1 && n <= enabled && !used.contains(n) }
        if let requested, !free(requested) {
            throw .step(.reserveVF, "VF \(requested) is not free (\(enabledVFs) enabled\(usedVFs.contains(requested) ? ", it hosts a vGPU" : ""))")
        }
        guard let vf = requested ?? (1...max(enabledVFs, 1)).first(where: free), let address = c.vfAddress(vf) else {
            throw .step(.reserveVF, "no free VF (\(enabledVFs) enabled, \(usedVFs.count) in use)")
        }
        usedVFs.insert(vf)
        done.vf = vf
        let gfid = UInt32(vf)

        try injected(.allocateFramebuffer)
        let segment = UInt64(c.policy.vmmuSegmentMiB) * Sizes.MiB
        let size = UInt64(c.policy.framebuffer(for: type)) * Sizes.MiB
        guard let fb = framebuffer.allocate(size: size, alignment: segment) else {
            throw .step(.allocateFramebuffer, "\(size >> 20) MiB aligned to \(segment >> 20) MiB does not fit; largest free block \(framebuffer.largestFree >> 20) MiB")
        }
        done.framebuffer = fb
        // The heap sits at the top of the allocation; the guest segment is the catalogue's guest FB (or
        // the rest) from the bottom, so guest + reservation + heap = the profile.
        let heapSize = UInt64(heapMiB) * Sizes.MiB
        guard heapSize < UInt64(fb.count) else {
            throw .step(.allocateFramebuffer, "\(type.name): its \(heapMiB) MiB heap does not fit its \(fb.count >> 20) MiB")
        }
        let heap = fb.upperBound - heapSize..<fb.upperBound
        let guestSize = type.guestFramebufferMiB.map { UInt64($0) * Sizes.MiB } ?? (heap.lowerBound - fb.lowerBound)
        guard guestSize > 0, fb.lowerBound + guestSize <= heap.lowerBound,
              VGPUManagerConfiguration.initTaskLogOffset + 2 * VGPUManagerConfiguration.taskLogSize <= heapSize else {
            throw .step(.allocateFramebuffer, "\(type.name): guest \(guestSize >> 20) MiB and heap \(heapMiB) MiB do not fit its \(fb.count >> 20) MiB")
        }

        try injected(.mapHeap)
        guard let window = bar1.allocate(size: heapSize, alignment: VGPUManagerConfiguration.bar1Alignment) else {
            throw .step(.mapHeap, "BAR1 has no \(heapMiB) MiB window left (largest free \(bar1.largestFree >> 20) MiB of \(c.bar1Size >> 20) MiB)")
        }
        guard channel.mapBAR1(offset: window.lowerBound, fb: heap.lowerBound, size: heapSize) else {
            bar1.free(window)
            throw .step(.mapHeap, "the GPU refused the BAR1 window at \(hex: window.lowerBound)")
        }
        done.bar1 = window

        try injected(.clearLogs)
        let logs = VGPUManagerConfiguration.initTaskLogOffset
        guard channel.writeBAR1(window.lowerBound + logs, [UInt8](repeating: 0, count: Int(2 * VGPUManagerConfiguration.taskLogSize))) else {
            throw .step(.clearLogs, "the task logs are not inside the BAR1 window")
        }

        try injected(.reserveChannels)
        let count = UInt64(c.policy.channels(for: type))
        guard count > 0, let channels = channels.allocate(size: count, alignment: count) else {
            throw .step(.reserveChannels, "\(count) channel(s) needed; largest free block \(self.channels.largestFree) of \(c.vgpuChannels.count)")
        }
        done.channels = channels

        let initLog = heap.lowerBound + logs
        let parameters = VGPUBootloadParameters(
            dbdf: address.domain << 16 | UInt32(address.routingID), gfid: gfid, vgpuType: UInt32(typeID), vmPid: vmPid,
            numChannels: UInt32(count), channelOffsets: c.engines.channelOffsets(base: UInt32(channels.lowerBound)),
            guestFramebuffer: [.init(address: fb.lowerBound, length: guestSize)],
            pluginHeapAddress: heap.lowerBound, pluginHeapLength: heapSize,
            initTaskLogOffset: initLog, initTaskLogSize: VGPUManagerConfiguration.taskLogSize,
            vgpuTaskLogOffset: initLog + VGPUManagerConfiguration.taskLogSize, vgpuTaskLogSize: VGPUManagerConfiguration.taskLogSize)
        let bytes: [UInt8]
        do { bytes = try parameters.encode(.of(c.engines.numbering)) } catch { throw .step(.bootload, error.description) }
        if take(.bootload) { (channel as? any GSPRMFaultInjection)?.failNextControl(VGPUControl.bootload.command, status: NVStatus.invalidArgument) }
        switch run(.bootload, bytes) {
        case .ok: done.bootedGfid = gfid
        case .refused(let why): throw .step(.bootload, why)
        case .lost(let why):
            // No answer: GSP-RM may have started the task, so the unwind must ask it to stop.
            done.bootedGfid = gfid
            throw .step(.bootload, why)
        }

        try injected(.confirmBoot)
        let line = channel.readBAR1(window.lowerBound + logs, 256).map { String(decoding: $0.prefix { $0 != 0 && $0 != 0x0a }, as: UTF8.self) } ?? ""
        guard line.contains("gfid \(gfid) ") else {
            throw .step(.confirmBoot, "the init-task log reads '\(line)', not the plugin task's start for gfid \(gfid)")
        }
        return VGPUInstance(id: id, type: type.name, typeID: typeID, profileMiB: type.framebufferMiB, vf: vf, gfid: gfid,
                            address: address.description, framebuffer: ResourceRange(fb),
                            guestSegment: ResourceRange(fb.lowerBound..<fb.lowerBound + guestSize), heap: ResourceRange(heap),
                            bar1: ResourceRange(window), channels: ResourceRange(channels), bootloadBytes: bytes.count, initLog: line)
    }

    /// Throws when a host-side fault is armed for `step` (GSP steps are armed on the simulated GSP instead).
    private mutating func injected(_ step: VGPUCreateStep) throws(VGPUManagerError) {
        if step != .bootload, take(step) { throw .step(step, "injected failure") }
    }

    /// Uses up one armed fault for `step`, if any.
    private mutating func take(_ step: VGPUCreateStep) -> Bool {
        guard let n = armed[step], n > 0 else { return false }
        armed[step] = n == 1 ? nil : n - 1
        return true
    }

    /// How a control went.
    private enum ControlOutcome {
        case ok
        /// GSP-RM answered with an error status: it did nothing.
        case refused(String)
        /// No usable answer: what GSP-RM did is unknown.
        case lost(String)

        var failure: String? {
            switch self {
            case .ok: nil
            case .refused(let why), .lost(let why): why
            }
        }
    }

    /// Runs a control on GSP-RM.
    private func run(_ control: VGPUControl, _ params: [UInt8]) -> ControlOutcome {
        do {
            let answer = try channel.control(GSPRMControl(command: control.command, params: params))
            return answer.status == NVStatus.ok ? .ok : .refused("GSP-RM answered \(control.rawValue) with \(NVStatus.describe(answer.status))")
        } catch {
            return .lost("\(control.rawValue): \(error)")
        }
    }

    // MARK: Destroy

    /// The release hook's work, and the unwind of a failed create: undoes `done` in reverse order.
    mutating func teardown(_ id: DeviceID, _ done: Progress) -> VGPUTeardown {
        var steps: [VGPUTeardown.Step] = []
        var quarantined = false
        if let gfid = done.bootedGfid {
            let params = VGPUPluginTaskControl.params(gfid: gfid)
            for (step, control) in [(VGPUDestroyStep.shutdown, VGPUControl.shutdown), (.cleanup, .cleanup)] {
                let failure = run(control, params).failure
                steps.append(.init(step: step, ok: failure == nil, detail: failure))
                // GSP-RM did not confirm: it may still own this vGPU's FB and channels.
                if failure != nil { quarantined = true }
            }
        }
        if let r = done.channels {
            if !quarantined { channels.free(r) }
            steps.append(.init(step: .freeChannels, ok: !quarantined, detail: quarantined ? "quarantined" : nil))
        }
        if let w = done.bar1 {
            channel.unmapBAR1(offset: w.lowerBound)
            bar1.free(w)
            steps.append(.init(step: .unmapHeap, ok: true, detail: nil))
        }
        if let fb = done.framebuffer {
            if !quarantined { framebuffer.free(fb) }
            steps.append(.init(step: .freeFramebuffer, ok: !quarantined, detail: quarantined ? "quarantined" : nil))
        }
        if let vf = done.vf {
            if !quarantined { usedVFs.remove(vf) }
            steps.append(.init(step: .returnVF, ok: !quarantined, detail: quarantined ? "quarantined" : nil))
        }
        if quarantined {
            quarantine.append(VGPUQuarantine(id: id, type: done.type, profileMiB: done.profileMiB, vf: done.vf,
                                             framebuffer: done.framebuffer.map(ResourceRange.init), channels: done.channels.map(ResourceRange.init)))
        }
        let record = VGPUTeardown(id: id, steps: steps, quarantined: quarantined)
        teardowns[id] = record
        return record
    }

    /// The release hook: tears down a live instance.
    mutating func release(_ id: DeviceID) {
        releaseRuns[id, default: 0] += 1
        guard let i = instances.removeValue(forKey: id) else { return }
        _ = teardown(id, Progress(type: i.type, profileMiB: i.profileMiB, vf: i.vf, framebuffer: i.framebuffer.range, bar1: i.bar1.range, channels: i.channels.range, bootedGfid: i.gfid))
    }
}

/// Resources held back after GSP-RM failed to confirm a vGPU's teardown.
public struct VGPUQuarantine: Sendable, Equatable, Codable {
    public let id: DeviceID
    /// The vGPU's type and profile size: admission counts it as still hosted, since GSP-RM may be running it.
    public let type: String
    public let profileMiB: Int
    public let vf: Int?
    public let framebuffer: ResourceRange?
    public let channels: ResourceRange?
}
