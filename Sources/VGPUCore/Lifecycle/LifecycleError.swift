/// Misuse of the device core that the type system cannot rule out (ids are plain values and can be
/// kept after their device is gone). Misuse through `DeviceReference` is a compile error instead.
public enum LifecycleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The id was never handed out by this core.
    case unknown(DeviceID)
    /// The device was released (or its init failed): use after release.
    case released(DeviceID)
    /// The device was already unregistered and waits for its last reference: release twice.
    case alreadyUnregistered(DeviceID)

    public var description: String {
        switch self {
        case .unknown(let id): "\(id) was never created by this core"
        case .released(let id): "\(id) was released (or its init failed): its id is stale"
        case .alreadyUnregistered(let id): "\(id) is already unregistered (released twice); it goes when its last reference closes"
        }
    }
}
