import Foundation
import Testing
import VGPUCore
import VGPUFirmware
import VGPUTestSupport

/// The digest cache: a repeated verification uses it, a changed file misses it, --verify-all bypasses it.
struct DigestCacheTests {
    @Test func cacheIsUsedRefreshedAndBypassable() throws {
        let dir = try ScratchDirectory("cache")
        let bytes = ELFImageBuilder.gspLike().build().bytes
        let path = try dir.write("root/gsp.bin", bytes)
        let digest = try Oracle.sha256sum(path)
        let entry = FirmwareManifest.File(role: .gsp, path: "gsp.bin", size: bytes.count, sha256: digest, fwversion: "535.113.01",
                                          signatureSection: ".fwsignature_ad10x")
        let cachePath = dir.file("cache/digests.json")
        func verify(verifyAll: Bool = false) -> (FirmwareFileReport, FirmwareVerifier) {
            let cache = DigestCache(path: cachePath)
            let v = FirmwareVerifier(root: FirmwareRoot(path: dir.file("root")), cache: cache, verifyAll: verifyAll)
            let r = v.verify(entry)
            cache.save()
            return (r, v)
        }
        let first = verify()
        #expect(first.0.isOK && first.1.hashed == 1 && first.1.cached == 0)
        let second = verify()
        #expect(second.0.isOK && second.1.hashed == 0 && second.1.cached == 1)

        // Same size and mtime, different bytes (as `cp -p` or `touch -r` leave a rewritten file): the
        // changed ctime misses the cache, and the forced path hashes regardless.
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        var tampered = bytes
        tampered[100] ^= 0xff
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(tampered))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: path)
        let restored = verify()
        #expect(restored.1.hashed == 1 && restored.1.cached == 0)
        #expect(restored.0.findings.map(\.kind) == [.wrongDigest])
        let forced = verify(verifyAll: true)
        #expect(forced.1.hashed == 1)
        #expect(forced.0.findings.map(\.kind) == [.wrongDigest])

        // An ordinary change (new mtime) misses the cache on its own.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: path)
        let changed = verify()
        #expect(changed.1.hashed == 1 && changed.0.findings.map(\.kind) == [.wrongDigest])
    }

    @Test func corruptCacheFileStartsEmpty() throws {
        let dir = try ScratchDirectory("cache")
        try dir.write("digests.json", Array("{not json".utf8))
        let cache = DigestCache(path: dir.file("digests.json"))
        let key = try #require(DigestCache.Key.of(dir.file("digests.json")))
        #expect(cache.digest(for: key) == nil)
    }

    /// Two probes that save at the same time keep both sets of entries: saves merge under a lock.
    @Test func concurrentSavesLoseNothing() throws {
        let dir = try ScratchDirectory("cache")
        let cachePath = dir.file("cache/digests.json")
        let files = try (0..<40).map { i in try dir.write("f\(i)", [UInt8(i)]) }
        let caches = (0..<4).map { _ in DigestCache(path: cachePath) }
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let cache = caches[i % caches.count]
            if let key = DigestCache.Key.of(files[i]) { cache.store(String(repeating: "a", count: 64), for: key) }
            cache.save()
        }
        let reread = DigestCache(path: cachePath)
        let known = try files.filter { reread.digest(for: try #require(DigestCache.Key.of($0))) != nil }
        #expect(known.count == files.count)
    }
}

/// Where the cache may be written: a read-only diagnosis as root leaves no file behind.
struct DigestCachePolicyTests {
    /// As root the default cache (under HOME or XDG_CACHE_HOME) is read-only; VGPUKIT_CACHE_DIR makes
    /// it writable; as another user it is written (main: written wherever HOME pointed, /root under sudo).
    @Test func rootWritesOnlyWhereAsked() {
        let home = ["HOME": "/root"]
        let asRoot = DigestCache.location(environment: home, runningAsRoot: true)
        #expect(asRoot.path == "/root/.cache/vgpukit/firmware-digests.json" && !asRoot.writable)
        #expect(asRoot.readOnlyReason?.contains("VGPUKIT_CACHE_DIR") == true)
        let xdg = DigestCache.location(environment: ["HOME": "/root", "XDG_CACHE_HOME": "/var/cache"], runningAsRoot: true)
        #expect(xdg.path == "/var/cache/vgpukit/firmware-digests.json" && !xdg.writable)
        let chosen = DigestCache.location(environment: ["HOME": "/root", "VGPUKIT_CACHE_DIR": "/srv/c"], runningAsRoot: true)
        #expect(chosen.path == "/srv/c/firmware-digests.json" && chosen.writable)
        let user = DigestCache.location(environment: ["HOME": "/home/op"], runningAsRoot: false)
        #expect(user.path == "/home/op/.cache/vgpukit/firmware-digests.json" && user.writable)
        // An empty VGPUKIT_CACHE_DIR is unset, not "the current directory, writable".
        #expect(!DigestCache.location(environment: ["HOME": "/root", "VGPUKIT_CACHE_DIR": ""], runningAsRoot: true).writable)
    }

    /// A read-only cache is read (its digests are used) and never written.
    @Test func readOnlyCacheIsReadNotWritten() throws {
        let dir = try ScratchDirectory("cache-ro")
        let bytes = ELFImageBuilder.gspLike().build().bytes
        _ = try dir.write("root/gsp.bin", bytes)
        let entry = FirmwareManifest.File(role: .gsp, path: "gsp.bin", size: bytes.count, sha256: try Oracle.sha256sum(dir.file("root/gsp.bin")),
                                          fwversion: "535.113.01", signatureSection: ".fwsignature_ad10x")
        let path = dir.file("cache/digests.json")
        let readOnly = DigestCache.location(environment: ["VGPUKIT_CACHE_DIR": "", "XDG_CACHE_HOME": dir.file("xdg")], runningAsRoot: true)
        let cache = DigestCache(readOnly)
        _ = FirmwareVerifier(root: FirmwareRoot(path: dir.file("root")), cache: cache).verify(entry)
        cache.save()
        #expect(!FileManager.default.fileExists(atPath: dir.file("xdg")), "nothing written for a read-only cache")
        // Written by a writable one, then read (not re-hashed) through the read-only one.
        let written = DigestCache(path: path)
        _ = FirmwareVerifier(root: FirmwareRoot(path: dir.file("root")), cache: written).verify(entry)
        written.save()
        let reader = DigestCache(.init(path: path, readOnly: true))
        let v = FirmwareVerifier(root: FirmwareRoot(path: dir.file("root")), cache: reader)
        #expect(v.verify(entry).isOK && v.hashed == 0 && v.cached == 1)
    }
}
