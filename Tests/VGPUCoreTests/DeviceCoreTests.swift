import Synchronization
import Testing
import VGPUCore
import VGPUTestSupport

/// A driver that records every hook call, and can be told to fail an init.
final class RecordingDriver: DeviceDriver {
    struct Failure: Error, Equatable { let request: Int }
    /// Requests whose init fails.
    let failing: Set<Int>
    let inits = Mutex<[DeviceID]>([])
    let releases = Mutex<[DeviceID]>([])

    init(failing: Set<Int> = []) { self.failing = failing }

    func initialize(_ device: DeviceID, _ request: Int) throws(Failure) -> Int {
        inits.withLock { $0.append(device) }
        if failing.contains(request) { throw Failure(request: request) }
        return request * 10
    }

    func release(_ device: DeviceID, _ state: Int) {
        releases.withLock { $0.append(device) }
    }

    var released: [DeviceID] { releases.withLock { $0 } }
}

struct DeviceCoreTests {
    @Test func createRegistersAndUnregisterReleasesOnce() throws {
        let driver = RecordingDriver()
        let core = DeviceCore(driver: driver)
        let (id, state) = try core.create(4)
        #expect(state == 40)
        #expect(core.liveDevices == [id])
        #expect(try core.state(of: id) == 40)
        #expect(try core.unregister(id))
        #expect(driver.released == [id])
        #expect(core.liveDevices.isEmpty)
        #expect(core.counters == .init(created: 1, initFailures: 0, released: 1))
    }

    @Test func failedInitIsForgottenWithoutRelease() throws {
        let driver = RecordingDriver(failing: [7])
        let core = DeviceCore(driver: driver)
        #expect(throws: RecordingDriver.Failure(request: 7)) { try core.create(7) }
        let tried = driver.inits.withLock { $0 }
        #expect(tried.count == 1)
        #expect(driver.released.isEmpty)
        #expect(core.liveDevices.isEmpty)
        #expect(core.counters == .init(created: 0, initFailures: 1, released: 0))
        // The id it had is stale, not reusable.
        #expect(throws: LifecycleError.released(tried[0])) { _ = try core.open(tried[0]) }
        #expect(try core.create(1).id != tried[0])
    }

    @Test func anOpenReferenceDefersTheRelease() throws {
        let driver = RecordingDriver()
        let core = DeviceCore(driver: driver)
        let id = try core.create(1).id
        let reference = try core.open(id)
        #expect(reference.state == 10)
        #expect(try core.unregister(id) == false)
        #expect(driver.released.isEmpty)
        #expect(core.liveDevices == [id])
        // Unregistered: no new references, and a second unregister is a double release.
        #expect(throws: LifecycleError.alreadyUnregistered(id)) { _ = try core.open(id) }
        #expect(throws: LifecycleError.alreadyUnregistered(id)) { try core.unregister(id) }
        reference.close()
        #expect(driver.released == [id])
        #expect(throws: LifecycleError.released(id)) { try core.unregister(id) }
        #expect(throws: LifecycleError.released(id)) { try core.state(of: id) }
    }

    @Test func duplicatesCountAndDroppingAReferenceClosesIt() throws {
        let driver = RecordingDriver()
        let core = DeviceCore(driver: driver)
        let id = try core.create(2).id
        do {
            let a = try core.open(id)
            let b = a.duplicate()
            try core.unregister(id)
            a.close()
            #expect(driver.released.isEmpty)
            _ = b  // b goes out of scope here: its deinit closes it
        }
        #expect(driver.released == [id])
    }

    @Test func unknownIDs() {
        let core = DeviceCore(driver: RecordingDriver())
        #expect(throws: LifecycleError.unknown(DeviceID(rawValue: 1))) { _ = try core.open(DeviceID(rawValue: 1)) }
        #expect(throws: LifecycleError.unknown(DeviceID(rawValue: 0))) { try core.unregister(DeviceID(rawValue: 0)) }
    }

    /// Many tasks create, open, close and unregister at random; every device that was created is
    /// released exactly once, no failed init is released, and nothing stays live.
    @Test func randomConcurrentSequencesReleaseEachDeviceOnce() async throws {
        let driver = RecordingDriver(failing: Set(stride(from: 0, to: 100_000, by: 7)))
        let core = DeviceCore(driver: driver)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    var rng = SplitMix64(seed: UInt64(task) &* 0x9e37_79b9_7f4a_7c15 | 1)
                    for sequence in 0..<250 {
                        var owned: [DeviceID] = []
                        var references: [HeldReference<RecordingDriver>] = []
                        for _ in 0..<Int(rng.next() % 12) + 1 {
                            switch rng.next() % 4 {
                            case 0, 1:
                                if let id = try? core.create(task * 10_000 + sequence * 12 + Int(rng.next() % 12)).id { owned.append(id) }
                            case 2:
                                if let id = owned.randomElement(using: &rng), let r = try? core.open(id) { references.append(HeldReference(r)) }
                            default:
                                if !references.isEmpty { references.removeLast().reference = nil }
                            }
                            if rng.next() % 3 == 0, let id = owned.popLast() { _ = try? core.unregister(id) }
                        }
                        for id in owned { _ = try? core.unregister(id) }
                        while let held = references.popLast() { held.reference = nil }
                    }
                }
            }
        }
        let counters = core.counters
        let released = driver.released
        #expect(core.liveDevices.isEmpty)
        #expect(counters.created > 1000 && counters.initFailures > 100)
        #expect(counters.released == counters.created)
        #expect(Set(released).count == released.count, "a release hook ran twice")
        let succeeded = Set(driver.inits.withLock { $0 }).subtracting(released)
        #expect(succeeded.count == counters.initFailures, "every init that did not release is a failed init")
    }
}
