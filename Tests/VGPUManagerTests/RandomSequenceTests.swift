import Foundation
import Testing
import VGPUCore
@testable import VGPUManager
import VGPUSimulator
import VGPUTestSupport

/// Thousands of random create / destroy / open / fault sequences, on one simulated L40S and from many
/// tasks at once. After every operation the map must be consistent with itself and with GSP-RM; after
/// every sequence everything must be free again, and each release hook must have run exactly once.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct RandomSequenceTests {
    /// `VGPUKIT_RANDOM_SEQUENCES` overrides the count (CI runs the default).
    static let sequences = Int(ProcessInfo.processInfo.environment["VGPUKIT_RANDOM_SEQUENCES"] ?? "") ?? 2000
    static let types = ["1Q", "2Q", "3Q", "4Q", "6Q", "8Q", "12Q", "16Q", "24Q", "1B", "2B", "4A"]

    @Test func randomSequencesKeepTheInvariantsAndReturnEverything() throws {
        let m = try ManagerFixture.manager()
        var rng = SplitMix64(seed: 0x5eed_0007)
        var faults = 0, refusals = 0
        for sequence in 0..<Self.sequences {
            var live: [DeviceID] = []
            var held: [HeldReference<VGPUDriver>] = []
            for _ in 0..<Int(rng.next() % 10) + 1 {
                switch rng.next() % 10 {
                case 0..<5:
                    if rng.next() % 8 == 0 {
                        m.inject(.create(VGPUCreateStep.allCases.randomElement(using: &rng)!))
                        faults += 1
                    }
                    do { live.append(try m.create(Self.types.randomElement(using: &rng)!).id) } catch { refusals += 1 }
                case 5..<8:
                    if !live.isEmpty { _ = try m.destroy(live.remove(at: Int(rng.next() % UInt64(live.count)))) }
                case 8:
                    if let id = live.randomElement(using: &rng) { held.append(HeldReference(try m.open(id))) }
                default:
                    if !held.isEmpty { held.remove(at: Int(rng.next() % UInt64(held.count))).reference = nil }
                }
                let problems = ManagerFixture.violations(m)
                try #require(problems.isEmpty, "sequence \(sequence): \(problems)")
            }
            for id in live { _ = try m.destroy(id) }
            held.removeAll()
            try #require(ManagerFixture.isEmpty(m), "sequence \(sequence) did not return everything")
        }
        let c = m.core.counters
        #expect(c.released == c.created && m.core.liveDevices.isEmpty)
        #expect(m.releaseRuns.count == c.created && m.releaseRuns.values.allSatisfy { $0 == 1 })
        #expect(c.created > Self.sequences && faults > Self.sequences / 10 && refusals > 0)
    }

    /// Eight tasks create and destroy on one GPU at once. Every create either succeeds or is refused for
    /// lack of a resource; GSP-RM, which checks each bootload against the vGPUs it runs, never sees an
    /// FB range, channel or VF given twice.
    @Test func concurrentTasksNeverShareAResource() async throws {
        let m = try ManagerFixture.manager()
        let failures = await withTaskGroup(of: [String].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var rng = SplitMix64(seed: UInt64(task + 1) * 0x1234_5678)
                    var mine: [DeviceID] = []
                    var unexpected: [String] = []
                    for _ in 0..<60 {
                        if mine.isEmpty || rng.next() % 3 != 0 {
                            do { mine.append(try m.create(Self.types.randomElement(using: &rng)!).id) } catch {
                                if case .step(let step, _)? = error as? VGPUManagerError, step == .bootload || step == .confirmBoot { unexpected.append("\(error)") }
                            }
                        } else {
                            do { _ = try m.destroy(mine.removeFirst()) } catch { unexpected.append("destroy: \(error)") }
                        }
                        if rng.next() % 4 == 0 { unexpected += ManagerFixture.violations(m) }
                    }
                    for id in mine { do { _ = try m.destroy(id) } catch { unexpected.append("destroy: \(error)") } }
                    return unexpected
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(failures == [])
        #expect(ManagerFixture.isEmpty(m))
        let c = m.core.counters
        #expect(c.created > 50 && c.released == c.created && m.releaseRuns.values.allSatisfy { $0 == 1 })
    }
}
