import Synchronization

/// Owns the life cycle of a driver's devices, as Linux's vfio core does: it allocates the device,
/// calls the driver's init hook, counts references, and calls the release hook exactly once when the
/// last reference goes.
///
/// References: `create` registers the device with one reference that `unregister` drops (what
/// `vfio_register_group_dev` / `vfio_unregister_group_dev` and the final `vfio_put_device` do).
/// `open` hands out further references as `DeviceReference`, a non-copyable handle: closing one twice or
/// using one after closing it does not compile. Ids, being plain values, are checked at run time and
/// misuse throws `LifecycleError`.
///
/// Hooks never run under the core's lock, so they may call back into the core (open another device,
/// say); a device's release hook runs on the thread that dropped its last reference.
public final class DeviceCore<Driver: DeviceDriver>: Sendable {
    /// The driver whose hooks this core calls.
    public let driver: Driver

    private struct Entry {
        var state: Driver.State
        /// Outstanding references, the registration's included.
        var references: Int
        var registered: Bool
    }

    private struct Table {
        var nextID: UInt64 = 1
        var devices: [DeviceID: Entry] = [:]
        /// Ids whose init hook is running: not yet usable, not yet forgettable.
        var initializing: Set<DeviceID> = []
        var counters = Counters()
    }

    /// What the core has done so far; the invariants tests check (`released + live == created`).
    public struct Counters: Sendable, Equatable {
        /// Init hooks that returned, and that threw.
        public var created = 0, initFailures = 0
        /// Release hooks called.
        public var released = 0

        /// Counters from values (for comparisons).
        public init(created: Int = 0, initFailures: Int = 0, released: Int = 0) {
            self.created = created
            self.initFailures = initFailures
            self.released = released
        }
    }

    private let table = Mutex(Table())

    /// A core for `driver`'s devices.
    public init(driver: Driver) { self.driver = driver }

    /// Allocates a device, runs the init hook, and registers it with one reference.
    ///
    /// - Returns: the new device's id and the state its init hook built.
    /// - Throws: the init hook's error; the device then never existed for anyone else, and its
    ///   release hook is not called.
    public func create(_ request: Driver.Request) throws(Driver.InitFailure) -> (id: DeviceID, state: Driver.State) {
        let id = table.withLock { t in
            let id = DeviceID(rawValue: t.nextID)
            t.nextID += 1
            t.initializing.insert(id)
            return id
        }
        let state: Driver.State
        do {
            state = try driver.initialize(id, request)
        } catch {
            table.withLock { t in
                t.initializing.remove(id)
                t.counters.initFailures += 1
            }
            throw error
        }
        table.withLock { t in
            t.initializing.remove(id)
            t.devices[id] = Entry(state: state, references: 1, registered: true)
            t.counters.created += 1
        }
        return (id, state)
    }

    /// A further reference to a registered device.
    public func open(_ id: DeviceID) throws(LifecycleError) -> DeviceReference<Driver> {
        let state: Driver.State = try table.withLock { (t) throws(LifecycleError) -> Driver.State in
            guard var entry = t.devices[id] else { throw Self.missing(id, t) }
            guard entry.registered else { throw .alreadyUnregistered(id) }
            entry.references += 1
            t.devices[id] = entry
            return entry.state
        }
        return DeviceReference(core: self, id: id, state: state)
    }

    /// Drops the registration's reference; the release hook runs now if no other reference is open,
    /// else when the last one closes.
    ///
    /// - Returns: true when the device was released by this call.
    @discardableResult
    public func unregister(_ id: DeviceID) throws(LifecycleError) -> Bool {
        let last: Driver.State? = try table.withLock { (t) throws(LifecycleError) -> Driver.State? in
            guard var entry = t.devices[id] else { throw Self.missing(id, t) }
            guard entry.registered else { throw .alreadyUnregistered(id) }
            entry.registered = false
            return Self.drop(id, entry, from: &t)
        }
        guard let last else { return false }
        release(id, last)
        return true
    }

    /// The state of a registered device, for reading.
    public func state(of id: DeviceID) throws(LifecycleError) -> Driver.State {
        try table.withLock { (t) throws(LifecycleError) -> Driver.State in
            guard let entry = t.devices[id] else { throw Self.missing(id, t) }
            guard entry.registered else { throw .alreadyUnregistered(id) }
            return entry.state
        }
    }

    /// Ids of the devices that exist (registered or waiting for their last reference), ascending.
    public var liveDevices: [DeviceID] { table.withLock { $0.devices.keys.sorted() } }

    /// What the core has done so far.
    public var counters: Counters { table.withLock { $0.counters } }

    /// Called by `DeviceReference` when it closes.
    func close(_ id: DeviceID) {
        let last: Driver.State? = table.withLock { t in
            // A reference exists, so the entry does: the core only removes it at zero references.
            guard let entry = t.devices[id] else { return nil }
            return Self.drop(id, entry, from: &t)
        }
        if let last { release(id, last) }
    }

    /// Takes one reference away; returns the state when it was the last (the entry is then gone).
    private static func drop(_ id: DeviceID, _ entry: Entry, from t: inout Table) -> Driver.State? {
        var entry = entry
        entry.references -= 1
        guard entry.references == 0 else {
            t.devices[id] = entry
            return nil
        }
        t.devices[id] = nil
        return entry.state
    }

    private func release(_ id: DeviceID, _ state: Driver.State) {
        driver.release(id, state)
        table.withLock { $0.counters.released += 1 }
    }

    private static func missing(_ id: DeviceID, _ t: Table) -> LifecycleError {
        id.rawValue >= 1 && id.rawValue < t.nextID && !t.initializing.contains(id) ? .released(id) : .unknown(id)
    }
}

/// One counted reference to a device. Non-copyable: `duplicate()` makes another reference, `close()`
/// consumes this one, and dropping it closes it. Closing twice, or using a reference after closing it,
/// does not compile.
public struct DeviceReference<Driver: DeviceDriver>: ~Copyable, Sendable {
    private let core: DeviceCore<Driver>
    /// The device.
    public let id: DeviceID
    /// The driver's state behind the device.
    public let state: Driver.State

    fileprivate init(core: DeviceCore<Driver>, id: DeviceID, state: Driver.State) {
        self.core = core
        self.id = id
        self.state = state
    }

    /// Another reference to the same device.
    public func duplicate() -> DeviceReference<Driver> {
        // This reference keeps the device alive, so opening again cannot fail unless it was unregistered;
        // a duplicate of an unregistered device's reference is still a valid reference.
        core.retain(id)
        return DeviceReference(core: core, id: id, state: state)
    }

    /// Closes this reference (the last one releases the device).
    public consuming func close() {}

    deinit { core.close(id) }
}

extension DeviceCore {
    /// One more reference to a device known to have one (used by `DeviceReference.duplicate`).
    fileprivate func retain(_ id: DeviceID) {
        table.withLock { t in
            if var entry = t.devices[id] {
                entry.references += 1
                t.devices[id] = entry
            }
        }
    }
}
