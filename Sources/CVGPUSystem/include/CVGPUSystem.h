// The few system calls VGPUKit needs that Swift cannot call directly (openat2 has no glibc wrapper,
// and syscall(2) is variadic). Everything else goes through swift-system or Glibc.
#ifndef VGPUKIT_CVGPUSYSTEM_H
#define VGPUKIT_CVGPUSYSTEM_H

/// Opens `path` relative to the directory `dirfd` such that every step of the resolution, symbolic
/// links and ".." included, stays beneath that directory (openat2 with RESOLVE_BENEATH and
/// RESOLVE_NO_MAGICLINKS). `flags` are open(2) flags; O_CREAT is not supported.
///
/// Returns the new descriptor, or -1 with errno set: EXDEV or ELOOP when the path leaves the
/// directory or goes through a /proc magic link; EAGAIN (a rename elsewhere raced a `..` in the walk)
/// is tried again, up to 64 attempts in all, before it is passed on. On kernels older than 5.6 (no openat2), the path is
/// resolved with realpath(3), checked to lie beneath the directory, and opened with O_NOFOLLOW: the same
/// verdict, but a link swapped in between the check and the open can win that race.
int vgpukit_open_beneath(int dirfd, const char *path, int flags);

/// 1 when the open file `fd` lives on sysfs, 0 when on another file system, -1 with errno on failure.
/// Only on sysfs is a `resourceN` file a BAR: there its size is fixed and it must be mapped, not read.
int vgpukit_is_on_sysfs(int fd);

/// What the file system says about a file's identity and contents, for a cache key.
struct vgpukit_file_identity {
    unsigned long long device, inode;
    long long size;
    /// Modification, status-change and (where the file system records it, else 0) birth times, in ns.
    long long mtime_ns, ctime_ns, btime_ns;
};

/// Fills `out` for the file at `path` (following links) with statx(2); 0, or -1 with errno.
int vgpukit_file_identity(const char *path, struct vgpukit_file_identity *out);

#endif
