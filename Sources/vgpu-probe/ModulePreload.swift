import Dispatch
import Synchronization
import VGPUCore
import VGPUProbe

/// The built-in modules, loaded on a second core while ArgumentParser parses the command line.
///
/// Both take a few milliseconds (decoding the embedded manifests; reflecting over the commands), and
/// a command needs the modules only once parsing is done, so a probe's start-up pays for the longer of
/// the two rather than their sum. Commands that never ask (`--help`, `firmware --elf`) just exit.
enum ModulePreload {
    private static let loaded = DispatchGroup()
    /// The outcome once loaded; nil while loading, or when `start` was never called.
    private static let outcome = Mutex<Result<ModuleRegistry, BuiltInModuleError>?>(nil)
    private static let started = Atomic<Bool>(false)

    /// Arguments after which no module is needed: help, completion scripts, and
    /// `firmware --elf` (one file through libelf). Loading anyway would only compete with them for the
    /// runtime's start-up work.
    static let needsNoModules: Set<String> = ["-h", "--help", "help", "--elf",
                                              "--generate-completion-script", "--experimental-dump-help"]

    /// Starts loading unless `arguments` show that the command will not ask; a wrong guess costs only
    /// time (`registry()` then loads on the spot).
    static func start(for arguments: [String]) {
        guard !arguments.contains(where: needsNoModules.contains) else { return }
        start()
    }

    /// Starts loading, once.
    static func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        loaded.enter()
        // A queue of its own: private queues may always start a thread, so loading cannot wait for a
        // busy pool.
        DispatchQueue(label: "vgpukit.module-preload").async {
            let result = Result { () throws(BuiltInModuleError) in try BuiltInModules.registry() }
            outcome.withLock { $0 = result }
            loaded.leave()
        }
    }

    /// The registry: waits for the load under way, or loads now, on the calling thread, if none was
    /// started.
    static func registry() throws(BuiltInModuleError) -> ModuleRegistry {
        guard started.load(ordering: .acquiring) else { return try BuiltInModules.registry() }
        loaded.wait()
        guard let result = outcome.withLock({ $0 }) else { return try BuiltInModules.registry() }
        return try result.get()
    }
}
