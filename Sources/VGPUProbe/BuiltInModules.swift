import VGPUCore

/// The architecture modules compiled into this build. Which ones is Package.swift's `generations` list:
/// the EmbedBuiltInModules plugin writes `GeneratedModules` from VGPUProbe's dependencies, so no source
/// file names a concrete module.
public enum BuiltInModules {
    /// Loads every built-in module and registers them, in selection order.
    ///
    /// - Throws: `BuiltInModuleError` when a module's embedded manifest is invalid or two modules claim
    ///   the same chip or device ids: build defects the module tests catch, reported here without a trap.
    public static func registry() throws(BuiltInModuleError) -> ModuleRegistry {
        let modules: [any ArchitectureModule]
        do { modules = try GeneratedModules.all() } catch { throw .manifest(error) }
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
