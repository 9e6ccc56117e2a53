import Dispatch

/// `map` on all cores, results in input order.
enum ConcurrentMap {
    /// Applies `transform` to every element concurrently and returns the results in order.
    ///
    /// `transform` must be safe to call from several threads at once; its results need not be Sendable,
    /// since each is written by one iteration and read only after all have finished.
    static func map<Element, Result>(_ elements: [Element], _ transform: (Element) -> Result) -> [Result] {
        guard elements.count > 1 else { return elements.map(transform) }
        return withoutActuallyEscaping(transform) { transform in
            let slots = Slots<Result>(count: elements.count)
            let work = Work(elements: elements, transform: transform, slots: slots)
            DispatchQueue.concurrentPerform(iterations: elements.count) { work.run($0) }
            return slots.results()
        }
    }

    /// The inputs, the transform and the outputs, shared by the iterations. Unchecked Sendable:
    /// iteration i reads element i and writes slot i only, and `concurrentPerform` returns after
    /// every iteration, before the results are read.
    private struct Work<Element, Result>: @unchecked Sendable {
        let elements: [Element]
        let transform: (Element) -> Result
        let slots: Slots<Result>
        func run(_ i: Int) { slots.store(transform(elements[i]), at: i) }
    }

    /// One result per iteration.
    private final class Slots<Result>: @unchecked Sendable {
        private let base: UnsafeMutablePointer<Result?>
        private let count: Int

        init(count: Int) {
            base = .allocate(capacity: count)
            base.initialize(repeating: nil, count: count)
            self.count = count
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }

        func store(_ value: Result, at i: Int) { base[i] = value }

        /// Every result, in order (each slot was stored exactly once).
        func results() -> [Result] { (0..<count).map { base[$0]! } }
    }
}
