/// The two hooks a driver gives the device core, as Linux drivers give vfio `vfio_device_ops.init` and
/// `.release`. The driver never frees its own objects: the core decides when, from the reference count.
///
/// Contract:
/// - `initialize` runs once per `DeviceCore.create`. If it throws, it must already have undone whatever
///   it did (the core cannot know); the core then forgets the device and never calls `release` for it.
/// - `release` runs exactly once for every device whose `initialize` returned, when its last reference
///   goes. It cannot fail: whatever goes wrong while tearing down is the driver's to record.
public protocol DeviceDriver: Sendable {
    /// What `create` is asked for (a vGPU type, say).
    associatedtype Request: Sendable
    /// The driver's private state behind a device (the resources it holds).
    associatedtype State: Sendable
    /// Why `initialize` refused.
    associatedtype InitFailure: Error

    /// The init hook: builds the device's state for `request`, or throws having unwound its own work.
    func initialize(_ device: DeviceID, _ request: Request) throws(InitFailure) -> State

    /// The release hook: tears down `state`. Called exactly once, never concurrently with itself for the
    /// same device, and never for a device whose `initialize` threw.
    func release(_ device: DeviceID, _ state: State)
}

/// A device's identity in its core: allocated in increasing order and never reused, so a stale id is
/// told apart from a live one.
public struct DeviceID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The number, from 1.
    public let rawValue: UInt64

    /// An id from its number (ids come from the core; this is for decoding and tests).
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static func < (a: DeviceID, b: DeviceID) -> Bool { a.rawValue < b.rawValue }

    /// `device 3`.
    public var description: String { "device \(rawValue)" }

    /// Encoded as its number (`3`), not as an object around it.
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(UInt64.self) }

    /// Encodes the number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
