import Foundation
import Testing
import VGPUTestSupport

/// `types` and the probe plan beside the vGPUs that exist (`nvidia/current_vgpu_type` of each VF), not
/// only for an empty GPU (main: an L40S hosting two 12Q vGPUs was said to fit four more).
struct VGPUsInUseTests {
    static let host = FixtureHosts.root("l40s-in-use")

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try ProbeBinary.run(arguments + ["--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
    }

    /// The probe names each VF's vGPU (as the fixture's current_vgpu_type files say) and counts what
    /// more fits: NVIDIA's L40S-12Q allows 4 per GPU, two exist, so 2; other sizes none (equal-size mode).
    @Test func theProbeCountsWhatExists() throws {
        let gpu = try #require((try Self.json(["--sysfs-root", Self.host, "--no-firmware"])["gpus"] as? [[String: Any]])?.first)
        let vfs = try #require(gpu["vfs"] as? [[String: Any]])
        for vf in vfs {
            let address = try #require(vf["address"] as? String)
            let current = try String(contentsOfFile: Self.host + "/bus/pci/devices/\(address)/nvidia/current_vgpu_type", encoding: .utf8)
            let id = Int(current.trimmingCharacters(in: .newlines)) ?? -1
            let vgpu = vf["vgpu"] as? [String: Any]
            #expect((vgpu?["id"] as? Int ?? 0) == id, "\(address)")
            if id == 1153 { #expect(vgpu?["name"] as? String == "NVIDIA L40S-12Q") }
        }
        let types = try #require(gpu["vgpuTypes"] as? [[String: Any]])
        func fits(_ name: String) -> Int? { types.first { $0["name"] as? String == name }?["fits"] as? Int }
        #expect(fits("NVIDIA L40S-12Q") == 2 && fits("NVIDIA L40S-12A") == 2)
        #expect(fits("NVIDIA L40S-6Q") == 0 && fits("NVIDIA L40S-48Q") == 0)
        // The driver's list on a free VF is what still fits, so nothing differs but the unpublished C-series.
        let creatable = try #require(gpu["creatableTypes"] as? [String: Any])
        #expect(creatable["vf"] as? String == "0000:41:00.6")
        #expect((creatable["differences"] as? [String])?.allSatisfy { $0.contains("C-series") } == true, "\(creatable)")
    }

    /// The fleet outputs advertise what the driver offers: 12C fits by the catalogue, but NVIDIA's list on
    /// the free VF lacks it (C-series needs NVIDIA AI Enterprise), so it has no label and fits 0 in
    /// Prometheus, as the text says "not offered". A driver that offers nothing (a header-only list)
    /// leaves no type label at all. main labelled 12C, and every type after the list emptied.
    @Test func theFleetOutputsAdvertiseOnlyWhatTheDriverOffers() throws {
        let nfd = try ProbeBinary.run(["--sysfs-root", Self.host, "--no-firmware", "--format", "nfd"])
        let prefix = "vgpukit.feature.node.kubernetes.io/vgpu-type."
        #expect(nfd.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) } == [prefix + "NVIDIA-L40S-12A=true", prefix + "NVIDIA-L40S-12Q=true"], "\(nfd.stdout)")
        let prometheus = try ProbeBinary.run(["--sysfs-root", Self.host, "--no-firmware", "--format", "prometheus"])
        #expect(prometheus.stdout.contains("vgpukit_gpu_vgpu_type_fits{address=\"0000:41:00.0\",chip=\"AD102\",type=\"NVIDIA L40S-12C\"} 0"), "\(prometheus.stdout)")
        #expect(prometheus.stdout.contains("vgpukit_gpu_vgpu_types_creatable{address=\"0000:41:00.0\",chip=\"AD102\"} 2"))

        let dir = try ScratchDirectory("offers-nothing")
        let copy = try FixtureHosts.copy("l40s-in-use", in: dir)
        for vf in ["0000:41:00.6", "0000:41:00.7"] {
            _ = try dir.write("host/devices/pci0000:40/0000:40:01.1/\(vf)/nvidia/creatable_vgpu_types", Array("ID    : vGPU Name\n".utf8))
        }
        let none = try ProbeBinary.run(["--sysfs-root", copy, "--no-firmware", "--format", "nfd"])
        #expect(!none.stdout.contains(prefix), "\(none.stdout)")
        let zero = try ProbeBinary.run(["--sysfs-root", copy, "--no-firmware", "--format", "prometheus"])
        #expect(zero.stdout.contains("vgpukit_gpu_vgpu_types_creatable{address=\"0000:41:00.0\",chip=\"AD102\"} 0"), "\(zero.stdout)")
    }

    /// On vGPU 16's mdev VFs the driver's offer is the VF's NVIDIA mdev types with an instance available.
    /// main read only vGPU 17's list, so on a40-mdev NFD labelled the seven C-series types the VFs do not
    /// list, and a type with no instance left.
    @Test func mdevVFsOfferTheirAvailableTypes() throws {
        let dir = try ScratchDirectory("mdev-offers")
        let host = try FixtureHosts.copy("a40-mdev", in: dir)
        let prefix = "vgpukit.feature.node.kubernetes.io/vgpu-type."
        let stock = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware", "--format", "nfd"])
        #expect(stock.stdout.contains(prefix + "NVIDIA-A40-12Q=true") && !stock.stdout.contains("A40-12C"), "\(stock.stdout)")
        let text = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware"])
        #expect(text.stdout.contains("driver offers 22 type(s) on 0000:41:00.4:"), "\(text.stdout)")
        for vf in ["0000:41:00.4", "0000:41:00.5", "0000:41:00.6", "0000:41:00.7"] {
            _ = try dir.write("host/devices/pci0000:40/0000:40:01.1/\(vf)/mdev_supported_types/nvidia-563/available_instances", Array("0\n".utf8))
        }
        let none = try ProbeBinary.run(["--sysfs-root", host, "--no-firmware", "--format", "prometheus"])
        #expect(none.stdout.contains("vgpukit_gpu_vgpu_type_fits{address=\"0000:41:00.0\",chip=\"GA102\",type=\"NVIDIA A40-12Q\"} 0"), "\(none.stdout)")
        #expect(none.stdout.contains("vgpukit_gpu_vgpu_types_creatable{address=\"0000:41:00.0\",chip=\"GA102\"} 21"), "\(none.stdout)")
    }

    /// vGPUs that exist as mediated devices (a link in `mdev_supported_types/<type>/devices/`) count as
    /// in use: on Turing's GPU itself, and on each VF of vGPU 16 and earlier. main counted only
    /// `nvidia/current_vgpu_type`, so a T4 already hosting a 16Q still "fit" 1Q x16 to 16Q x1, and the
    /// fleet outputs labelled every type.
    @Test func mediatedDevicesThatExistAreInUse() throws {
        let dir = try ScratchDirectory("mdev-in-use")
        let t4 = try FixtureHosts.copy("t4", in: dir)
        let gpu = "devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0"
        let uuid = "0e1a1c4e-1111-2222-3333-444455556666"
        try FileManager.default.createDirectory(atPath: "\(t4)/\(gpu)/\(uuid)", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(t4)/\(gpu)/mdev_supported_types/nvidia-234/devices", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(t4)/\(gpu)/mdev_supported_types/nvidia-234/devices/\(uuid)", withDestinationPath: "../../../\(uuid)")
        let text = try ProbeBinary.run(["--sysfs-root", t4, "--no-firmware"])
        #expect(text.stdout.contains("note          vGPUs in use as mediated devices on the GPU: GRID T4-16Q x1: what more fits is counted beside them"), "\(text.stdout)")
        #expect(!text.stdout.contains("vGPU Q-types"), "a 16 GiB T4 hosting a 16Q fits no more")
        let nfd = try ProbeBinary.run(["--sysfs-root", t4, "--no-firmware", "--format", "nfd"])
        #expect(!nfd.stdout.contains("/vgpu-type."), "\(nfd.stdout)")
        let types = try ProbeBinary.run(["types", "-s", "3b:00.0", "--sysfs-root", t4, "--place", "1x16Q"])
        #expect(types.status == 1 && types.stdout.contains("Placement: 0 of 1 placed"), "\(types.stdout)")
        // A snapshot keeps them (main copied the types without devices/, so its re-probe saw a free GPU).
        let snapshot = try ProbeBinary.run(["snapshot", "--sysfs-root", t4, "--no-firmware", "--output", dir.file("snap")])
        #expect(snapshot.status == 0, "\(snapshot.stderr)")
        let again = try ProbeBinary.run(["--sysfs-root", dir.file("snap"), "--no-firmware"])
        #expect(again.stdout.contains("vGPUs in use as mediated devices on the GPU: GRID T4-16Q x1"), "\(again.stdout)")

        let vfDir = try ScratchDirectory("mdev-in-use-vf")
        let a40 = try FixtureHosts.copy("a40-mdev", in: vfDir)
        let vf = "devices/pci0000:40/0000:40:01.1/0000:41:00.4"
        try FileManager.default.createDirectory(atPath: "\(a40)/\(vf)/mdev_supported_types/nvidia-566/devices/\(uuid)", withIntermediateDirectories: true)
        let doc = try Self.json(["--sysfs-root", a40, "--no-firmware"])
        let vfs = try #require((doc["gpus"] as? [[String: Any]])?.first?["vfs"] as? [[String: Any]])
        let first = try #require(vfs.first { $0["address"] as? String == "0000:41:00.4" })
        #expect((first["vgpu"] as? [String: Any])?["name"] as? String == "NVIDIA A40-48Q", "\(first)")
        _ = try ProbeBinary.run(["snapshot", "--sysfs-root", a40, "--no-firmware", "--output", vfDir.file("snap")])
        let snapped = try Self.json(["--sysfs-root", vfDir.file("snap"), "--no-firmware"])
        #expect(NSArray(array: snapped["gpus"] as? [Any] ?? []).isEqual(to: doc["gpus"] as? [Any] ?? [0]), "a re-probe of the snapshot sees the mediated device")
    }

    /// `types -s` plans a placement after the existing vGPUs: two more 12Q fit, a third does not.
    @Test func typesPlacesBesideWhatExists() throws {
        let doc = try Self.json(["types", "-s", "41:00.0", "--sysfs-root", Self.host, "--place", "3x12Q"])
        #expect((doc["inUse"] as? [[String: Any]])?.count == 2)
        let placement = try #require(doc["placement"] as? [String: Any])
        #expect(placement["existing"] as? [String] == ["NVIDIA L40S-12Q", "NVIDIA L40S-12Q"])
        let placed = try #require(placement["placements"] as? [[String: Any]]).map { $0["placed"] as? Bool }
        #expect(placed == [true, true, false])
        #expect((placement["placements"] as? [[String: Any]])?.last?["reason"] as? String == "NVIDIA L40S-12Q allows at most 4 per GPU")
        let text = try ProbeBinary.run(["types", "-s", "41:00.0", "--sysfs-root", Self.host])
        #expect(text.stdout.contains("in use: 2 vGPU(s): NVIDIA L40S-12Q on 0000:41:00.4, NVIDIA L40S-12Q on 0000:41:00.5"), "\(text.stdout)")
    }
}
