import Foundation
import Testing
import VGPUTestSupport

/// The default `vgpu-probe` on the fixture hosts, as a user runs it.
struct ProbeCommandTests {
    func probe(_ host: String, _ extra: [String] = []) throws -> ProbeBinary.Result {
        try ProbeBinary.run(["--sysfs-root", FixtureHosts.root(host), "--firmware-root", RealFirmware.root] + extra)
    }

    func json(_ r: ProbeBinary.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func l40HostJSON() throws {
        let run = try probe("l40-two-gpus", ["--json"])
        #expect(run.status == 1, "the second L40 has no VFs enabled")
        let doc = try json(run)
        #expect(doc["schema"] as? String == "vgpukit.probe/2")
        #expect(doc["functionsScanned"] as? Int == 41)
        let gpus = try #require(doc["gpus"] as? [[String: Any]])
        #expect(gpus.map { $0["address"] as? String } == ["0000:41:00.0", "0000:c1:00.0"])
        let first = gpus[0]
        #expect(first["name"] as? String == "AD102GL [L40]")
        #expect(first["chip"] as? String == "AD102")
        #expect((first["identity"] as? [String: Any])?["source"] as? String == "BOOT_42")
        #expect((first["readiness"] as? [String: Any])?["ready"] as? Bool == true)
        #expect((first["vfs"] as? [Any])?.count == 32)
        let sriov = try #require(first["sriov"] as? [String: Any])
        #expect(sriov["totalVFs"] as? Int == 32)
        #expect(sriov["capabilityOffset"] as? Int == 0xbcc)
        #expect((first["firmware"] as? [String: Any])?["ok"] as? Bool == true)
        let second = (gpus[1]["readiness"] as? [String: Any])?["checks"] as? [[String: Any]]
        #expect(second?.first { $0["name"] as? String == "vfs-enabled" }?["ok"] as? Bool == false)
    }

    @Test func verdictsOnEachHost() throws {
        let fw = ["--no-firmware"]
        #expect(try probe("mixed", fw).status == 0)
        let t4 = try probe("t4", fw)
        #expect(t4.status == 0, "a T4 hosts vGPUs as mediated devices: its VF device id of 0 is normal")
        #expect(t4.stdout.contains("identified by BOOT_42") && t4.stdout.contains("[ok] mdev-types"))
        let rtx = try probe("rtx4090", fw)
        #expect(rtx.stdout.contains("no SR-IOV capability"))
        #expect(rtx.stdout.contains("Other NVIDIA functions: 0000:01:00.1 [10de:22ba]"))
        let suspended = try probe("l40-suspended", fw)
        #expect(suspended.stdout.contains("identified by pci-id-table"))
        #expect(suspended.stdout.contains("never wakes a device"))
        let unprivileged = try probe("l40-unprivileged", fw)
        #expect(unprivileged.stdout.contains("from sriov_* files"))
        let none = try probe("no-nvidia", fw)
        #expect(none.status == 1)
        #expect(none.stdout.contains("No NVIDIA GPU found."))
    }

    @Test func selectorsAndErrors() throws {
        let one = try json(try probe("l40-two-gpus", ["--no-firmware", "--json", "-s", "c1:00.0"]))
        #expect((one["gpus"] as? [[String: Any]])?.map { $0["address"] as? String } == ["0000:c1:00.0"])
        let byID = try json(try probe("mixed", ["--no-firmware", "--json", "-d", "10de:26b9"]))
        #expect((byID["gpus"] as? [Any])?.count == 1)
        let noMatch = try json(try probe("mixed", ["--no-firmware", "--json", "-d", ":26b5"]))
        #expect((noMatch["gpus"] as? [Any])?.count == 0)
        #expect(try probe("l4", ["-s", "zz:00.0"]).status == 64)
        #expect(try probe("l4", ["-d", "10de"]).status == 64)
        let missing = try ProbeBinary.run(["--sysfs-root", "/nonexistent", "--json"])
        #expect(missing.status == 66)
        #expect(missing.stdout.contains("\"schema\" : \"vgpukit.error/1\""), "a --json failure is answered in JSON")
        #expect(missing.stderr.contains("bus/pci/devices"))
    }
}

/// The second generation: the probe identifies the Ampere fixture host through the Ampere module.
struct AmpereHostTests {
    @Test func a40HostIsIdentifiedAndReady() throws {
        let run = try ProbeBinary.run(["--sysfs-root", FixtureHosts.root("a40"), "--no-firmware", "--json"])
        #expect(run.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let gpu = try #require((doc["gpus"] as? [[String: Any]])?.first)
        #expect(gpu["chip"] as? String == "GA102")
        #expect(gpu["architecture"] as? String == "Ampere")
        #expect(gpu["module"] as? String == "ampere")
        #expect((gpu["identity"] as? [String: Any])?["source"] as? String == "BOOT_42")
        #expect((gpu["vgpuTypes"] as? [[String: Any]])?.first { $0["name"] as? String == "NVIDIA A40-12Q" }?["fits"] as? Int == 4)
        #expect(((gpu["engines"] as? [String: Any])?["engines"] as? [[String: Any]])?.first?["name"] as? String == "gr0")
    }
}
