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

    /// Arguments after which no module is needed: help, version, completion scripts, and
    /// `firmware --elf` (one file through libelf). Loading anyway would only compete with them for the
    /// runtime's start-up work.
    static let needsNoModules: Set<String> = ["-h", "--help", "help", "--version", "--elf",
                                              "--generate-completion-script", "--experimental-dump-help"]

    /// Starts loading unless `arguments` show that the command will not ask; a wrong guess costs only
    /// time (`registry()` then loads on the spot). When `arguments` are a plain probe's, the probe is
    /// then drafted on the same thread (`EarlyProbe`).
    static func start(for arguments: [String]) {
        guard !arguments.contains(where: needsNoModules.contains) else { return }
        start(thenProbe: EarlyProbe.options(for: arguments))
    }

    /// Starts loading, once, and then drafts a probe with `early` options if given.
    static func start(thenProbe early: HostProbe.Options? = nil) {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        loaded.enter()
        if early != nil { EarlyProbe.expect() }
        // A queue of its own: private queues may always start a thread, so loading cannot wait for a
        // busy pool.
        DispatchQueue(label: "vgpukit.module-preload").async {
            let result = Result { () throws(BuiltInModuleError) in try BuiltInModules.registry() }
            outcome.withLock { $0 = result }
            loaded.leave()
            guard let early else { return }
            switch result {
            case .success(let registry): EarlyProbe.draft(early, registry: registry)
            case .failure: EarlyProbe.abandon()
            }
        }
    }

    /// The registry: waits for the load under way, or loads now if none was started.
    static func registry() throws(BuiltInModuleError) -> ModuleRegistry {
        start()
        loaded.wait()
        guard let result = outcome.withLock({ $0 }) else { return try BuiltInModules.registry() }
        return try result.get()
    }
}
