/// VGPUPrimitives is part of VGPUCore's vocabulary: `ManifestError` is a `FileFieldError`, and every
/// layer above formats hex with its interpolations. Re-exported so a module that imports VGPUCore sees
/// them directly, not through Swift's transitive visibility of extension members (which SE-0444's
/// MemberImportVisibility would end).
@_exported import VGPUPrimitives
