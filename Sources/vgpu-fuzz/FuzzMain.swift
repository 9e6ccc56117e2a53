import Foundation
import VGPUFuzz

// Built with -DFUZZING -sanitize=fuzzer (scripts/fuzz.sh) this is a libFuzzer binary: libFuzzer supplies
// main and calls LLVMFuzzerTestOneInput; VGPUKIT_FUZZ_TARGET picks the target. Built normally it replays
// files: `vgpu-fuzz TARGET FILE...`, so crashers and corpus inputs can be rerun without the fuzzer.

nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if selected == nil {
        selected = ProcessInfo.processInfo.environment["VGPUKIT_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:)) ?? .elf
    }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?.run(bytes)
    return 0
}

#if FUZZING
/// libFuzzer's driver, for a program that keeps its own entry point (SwiftPM links executables with
/// `main` aliased to `vgpu_fuzz_main`, so libFuzzer's `main` is not used).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("vgpu_fuzz_main")
func fuzzerEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzOne(data, size) }
}
#else
@main
struct Replay {
    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 2, let target = FuzzTarget(rawValue: args[1]) else {
            FileHandle.standardError.write(Data("usage: vgpu-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE...\n".utf8))
            exit(64)
        }
        for path in args.dropFirst(2) {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("vgpu-fuzz: cannot read \(path)\n".utf8))
                exit(66)
            }
            target.run([UInt8](data))
        }
        print("replayed \(args.count - 2) input(s) through \(target.rawValue)")
    }
}
#endif
