// swift-tools-version:6.1
//
// VGPUKit: the host-side logic of NVIDIA GPU virtualization (GSP firmware, GSP heap and WPR2
// planning, SR-IOV VF info, vGPU engines and life cycle) as a multi-generation Swift framework.
// docs/architecture.md explains the targets; this file is grouped the same way.

import PackageDescription

// MARK: - GPU generations
//
// One name per generation, one line each: a generation is the folder Sources/VGPU<Name>/ (its module,
// chips, HALs, firmware-manifests/ and vgpu-types/) and Tests/VGPU<Name>Tests/. Adding a name here is all
// Package.swift needs; the targets below, VGPUProbe's dependencies and its built-in module list
// (EmbedBuiltInModules) follow from it. `swift package new-generation` scaffolds the two folders.
let generations = [
    "Ada",
    "Ampere",
    "Turing",
    "Hopper",
    "Blackwell",
]

// MARK: - Dependencies
//
// Each one is the well-kept library for a job we would otherwise hand-write
// (docs/dependencies.md says why each was chosen).
let dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.11.0"),  // LogHandler.log(event:)
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-system", from: "1.7.0"),
]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let systemPackage = Target.Dependency.product(name: "SystemPackage", package: "swift-system")

// MARK: - C libraries

let cTargets: [Target] = [
    // libelf from elfutils, found through pkg-config; all firmware ELF access goes through it.
    .systemLibrary(
        name: "CLibELF",
        pkgConfig: "libelf",
        providers: [.apt(["libelf-dev"])]
    ),
    // The system calls Swift cannot make directly (openat2 for opens confined to a root).
    .target(name: "CVGPUSystem"),
    // zlib, found through pkg-config: the gzip stream of the snapshot archive.
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
]

// MARK: - Framework

let frameworkTargets: [Target] = [
    // The shapes every layer shares and nothing else: the file/field error, little-endian fields, the
    // hex formatter. No Foundation, so the firmware-format readers can use it and stay small.
    .target(name: "VGPUPrimitives"),
    // Value types and protocols; performs no I/O of its own.
    .target(name: "VGPUCore", dependencies: ["VGPUPrimitives"]),
    // Safe input files: regular files only (never a FIFO or device), opened without blocking, confined
    // to a root where asked, read with one bounded loop.
    .target(name: "VGPUSystem", dependencies: ["CVGPUSystem", "CZlib", systemPackage]),
    // Firmware file formats: the libelf-backed GSP image reader and NVIDIA's bin containers. Nothing
    // else (no Foundation, no crypto), so a tool that only reads images stays small and starts fast.
    .target(name: "VGPUFirmwareFormats", dependencies: ["CLibELF", "VGPUPrimitives", "VGPUSystem", systemPackage]),
    // Firmware verification: manifests resolved under a firmware root, sizes, digests, the digest cache.
    .target(name: "VGPUFirmware", dependencies: ["VGPUFirmwareFormats", "VGPUCore", "VGPUSystem", crypto, systemPackage]),
    // Per-family tables named after the chip that introduced them (GA102 LIBOS3 heap, TU102 LIBOS2
    // heap), shared by the modules that use them so no module depends on another.
    .target(name: "VGPUHAL", dependencies: ["VGPUCore"]),
    // The checks every architecture module must pass, run from each module's test target in one line.
    .target(name: "VGPUConformance", dependencies: ["VGPUCore", "VGPUFirmware", "VGPUHost"]),
    // Linux sysfs discovery: PCI functions, config space, SR-IOV, BAR0 identity registers.
    .target(name: "VGPUHost", dependencies: ["VGPUCore", "VGPUPrimitives", "VGPUSystem", systemPackage]),
    // A simulated GPU (registers, falcons, DMA memory, a GSP that checks its meta) for boot runs.
    .target(name: "VGPUSimulator", dependencies: ["VGPUCore", "VGPUPrimitives", crypto]),
    // vGPU life cycle over a GSPRMChannel (the simulator's, or a device's): the device core's hooks,
    // FB/channel/BAR1/VF allocation, the bootload and teardown controls, unwinding on failure.
    .target(name: "VGPUManager", dependencies: ["VGPUCore"]),
    // The probe's report model and renderers; depends on the registry, not on concrete modules,
    // except for the one built-in module list in BuiltInModules.swift.
    .target(name: "VGPUProbe",
            dependencies: ["VGPUCore", "VGPUSystem", "VGPUFirmwareFormats", "VGPUFirmware", "VGPUHost", "VGPUSimulator", "VGPUManager", logging]
                + generations.map { .target(name: "VGPU\($0)") },
            plugins: ["EmbedBuiltInModules"]),
]

// MARK: - Architecture modules
//
// One target per GPU generation, from `generations`. Each embeds its firmware-manifests/ and vgpu-types/
// folders at build time (EmbedFirmwareManifest).

let architectureTargets: [Target] = generations.map { name in
    .target(name: "VGPU\(name)", dependencies: ["VGPUCore", "VGPUHAL"], exclude: ["firmware-manifests", "vgpu-types"],
            plugins: ["EmbedFirmwareManifest"])
}

// MARK: - Executables and plugins

let toolTargets: [Target] = [
    .executableTarget(name: "vgpu-probe", dependencies: ["VGPUProbe", "VGPUManager", "VGPUSystem", argumentParser, logging, systemPackage],
                      plugins: ["EmbedBuildInfo"]),
    // `gsp-elf FILE...`: a GSP image's sections through libelf, like `readelf -S`. A binary of its own,
    // without the argument parser or Foundation, so it starts as fast as readelf (docs/performance.md).
    .executableTarget(name: "gsp-elf", dependencies: ["VGPUFirmwareFormats", systemPackage], plugins: ["EmbedBuildInfo"]),
    // Fuzz targets (VGPUFuzz) and their driver: a libFuzzer binary with -DFUZZING, a corpus replayer without.
    .target(name: "VGPUFuzz", dependencies: ["VGPUCore", "VGPUPrimitives", "VGPUFirmwareFormats", "VGPUFirmware", "VGPUHost", "VGPUManager", "VGPUProbe"]),
    .executableTarget(name: "vgpu-fuzz", dependencies: ["VGPUFuzz"]),
    // Build-time helper for EmbedFirmwareManifest: turns a manifest JSON file into a Swift source file.
    .executableTarget(name: "embed-manifest", path: "Plugins/EmbedFirmwareManifestTool"),
    // Build-time helper for EmbedBuildInfo: the commit HEAD names, read from .git without running git.
    .executableTarget(name: "embed-build-info", path: "Plugins/EmbedBuildInfoTool"),
    .plugin(name: "EmbedBuildInfo", capability: .buildTool(), dependencies: ["embed-build-info"]),
    // Writes VGPUProbe's built-in module list from its dependencies (the generations).
    .plugin(name: "EmbedBuiltInModules", capability: .buildTool()),
    .plugin(
        name: "EmbedFirmwareManifest",
        capability: .buildTool(),
        dependencies: ["embed-manifest"]
    ),
    // swift package --allow-writing-to-package-directory new-generation --name NAME --chips c1=0xID,...
    .plugin(
        name: "NewGeneration",
        capability: .command(
            intent: .custom(verb: "new-generation", description: "Scaffold a GPU generation module, its manifest and conformance tests"),
            permissions: [.writeToPackageDirectory(reason: "writes Sources/VGPU<Name>/ and Tests/VGPU<Name>Tests/")]
        )
    ),
]

// MARK: - Tests

// Each generation's tests: its conformance line and its own checks.
let generationTestTargets: [Target] = generations.map { name in
    .testTarget(name: "VGPU\(name)Tests", dependencies: [.target(name: "VGPU\(name)"), "VGPUConformance", "VGPUFirmware", "VGPUHost", "VGPUTestSupport"])
}

let testTargets: [Target] = generationTestTargets + [
    // Locating the real firmware root and building malformed inputs; shared by the test targets.
    .target(name: "VGPUTestSupport", dependencies: ["VGPUConformance", "CZlib"], path: "Tests/VGPUTestSupport"),
    .testTarget(name: "VGPUPrimitivesTests", dependencies: ["VGPUPrimitives"]),
    .testTarget(name: "VGPUCoreTests", dependencies: ["VGPUCore", "VGPUTestSupport"]),
    .testTarget(name: "VGPUSystemTests", dependencies: ["VGPUSystem", "VGPUTestSupport"]),
    .testTarget(name: "VGPUFirmwareFormatsTests", dependencies: ["VGPUFirmwareFormats", "VGPUFirmware", "VGPUTestSupport"]),
    .testTarget(name: "VGPUFirmwareTests", dependencies: ["VGPUFirmwareFormats", "VGPUFirmware", "VGPUTestSupport"]),
    // The HAL tables and boot paths, against NVIDIA's own values (Tests/Fixtures/nvidia-vectors.json), for
    // every built-in generation (VGPUProbe's registry).
    .testTarget(name: "VGPUHALTests", dependencies: ["VGPUCore", "VGPUHAL", "VGPUAda", "VGPUAmpere", "VGPUProbe", "VGPUTestSupport"]),
    // The simulated GPU: its GSP queues, and boots of real plans on it.
    .testTarget(name: "VGPUSimulatorTests", dependencies: ["VGPUCore", "VGPUHAL", "VGPUFirmwareFormats", "VGPUSimulator", "VGPUAda", "VGPUProbe", "VGPUTestSupport"]),
    // The named bad-input corpus, through each parser and through the fuzz target that reaches it.
    .testTarget(name: "VGPUFuzzTests", dependencies: ["VGPUCore", "VGPUFirmwareFormats", "VGPUFirmware", "VGPUHost", "VGPUFuzz", "VGPUTestSupport"]),
    .testTarget(name: "VGPUHostTests", dependencies: ["VGPUHost", "VGPUTestSupport"]),
    .testTarget(name: "VGPUManagerTests", dependencies: ["VGPUManager", "VGPUProbe", "VGPUSimulator", "VGPUTestSupport"]),
    .testTarget(
        name: "VGPUProbeTests",
        dependencies: ["VGPUProbe", "VGPUTestSupport", "vgpu-probe", "gsp-elf"]
    ),
]

let package = Package(
    name: "VGPUKit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vgpu-probe", targets: ["vgpu-probe"]),
        .executable(name: "gsp-elf", targets: ["gsp-elf"]),
        .library(name: "VGPUCore", targets: ["VGPUCore"]),
        .library(name: "VGPUFirmwareFormats", targets: ["VGPUFirmwareFormats"]),
        .library(name: "VGPUFirmware", targets: ["VGPUFirmware"]),
        .library(name: "VGPUHost", targets: ["VGPUHost"]),
        .library(name: "VGPUProbe", targets: ["VGPUProbe"]),
        .library(name: "VGPUSimulator", targets: ["VGPUSimulator"]),
        .library(name: "VGPUManager", targets: ["VGPUManager"]),
    ] + generations.map { .library(name: "VGPU\($0)", targets: ["VGPU\($0)"]) },
    dependencies: dependencies,
    targets: cTargets + frameworkTargets + architectureTargets + toolTargets + testTargets,
    swiftLanguageModes: [.v6]
)
