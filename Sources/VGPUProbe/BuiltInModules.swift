import VGPUAda
import VGPUAmpere
import VGPUCore

/// The architecture modules compiled into this build: the one place the probe names concrete modules.
///
/// Adding a generation adds one line here (the new-generation plugin prints it).
public enum BuiltInModules {
    /// Loads every built-in module and registers them, in selection order.
    ///
    /// - Throws: `BuiltInModuleError` when a module's embedded manifest is invalid or two modules claim
    ///   the same chip or device ids: build defects the module tests catch, reported here without a trap.
    public static func registry() throws(BuiltInModuleError) -> ModuleRegistry {
        let modules: [any ArchitectureModule]
        do {
            modules = [
                try AdaModule(),
                try AmpereModule(),
            ]
        } catch {
            throw .manifest(error)
        }
        do {
            return try ModuleRegistry(modules: modules)
        } catch {
            throw .conflict(error)
        }
    }
}

/// Why the built-in modules could not be loaded.
public enum BuiltInModuleError: Error, CustomStringConvertible {
    /// A module's embedded manifest failed validation.
    case manifest(ManifestError)
    /// Two modules claim the same thing.
    case conflict(ModuleRegistry.ConflictError)

    /// The underlying message.
    public var description: String {
        switch self {
        case .manifest(let e): "built-in firmware manifest is invalid: \(e)"
        case .conflict(let e): "built-in modules conflict: \(e)"
        }
    }
}
