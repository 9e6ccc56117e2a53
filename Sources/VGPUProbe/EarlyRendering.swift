import Dispatch

/// A rendering made on a thread of its own while the caller waits for something else.
///
/// A private serial queue, not a global one: it may always start a thread, so the work starts at once
/// even while the pool's threads are all busy. `value` is touched only on that queue, so the queue's
/// order is the hand-over: `wait`'s block runs after the rendering's. Unchecked Sendable for that reason.
final class EarlyRendering<Value: Sendable>: @unchecked Sendable {
    private let queue = DispatchQueue(label: "vgpukit.early-rendering")
    private var value: Value?

    /// Starts rendering with `body` at once.
    init(_ body: @escaping @Sendable () -> Value) {
        queue.async { self.value = body() }
    }

    /// The rendering, once `body` has returned (nil only if it never stored one, which cannot happen).
    func wait() -> Value? {
        queue.sync { value }
    }
}
