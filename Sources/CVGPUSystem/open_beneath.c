#define _GNU_SOURCE
#include "CVGPUSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/// The realpath(3) of the directory `dirfd` (AT_FDCWD: the working directory) into `out`; 0 or -1.
static int directory_path(int dirfd, char out[PATH_MAX]) {
    char link[64];
    if (dirfd == AT_FDCWD) {
        snprintf(link, sizeof link, ".");
    } else {
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
    }
    return realpath(link, out) ? 0 : -1;
}

/// The pre-5.6 path: resolve, check the prefix, open the resolved path without following a final link.
static int open_beneath_fallback(int dirfd, const char *path, int flags) {
    if (path[0] == '/') { errno = EXDEV; return -1; }
    char base[PATH_MAX], joined[2 * PATH_MAX + 2], resolved[PATH_MAX];
    if (directory_path(dirfd, base) != 0) return -1;
    if ((size_t)snprintf(joined, sizeof joined, "%s/%s", base, path) >= sizeof joined) { errno = ENAMETOOLONG; return -1; }
    if (!realpath(joined, resolved)) return -1;
    size_t n = strlen(base);
    int inside = strcmp(base, "/") == 0 || (strncmp(resolved, base, n) == 0 && (resolved[n] == '/' || resolved[n] == '\0'));
    if (!inside) { errno = EXDEV; return -1; }
    return open(resolved, flags | O_NOFOLLOW);
}

/// How often an open is tried again when openat2 answers EAGAIN. RESOLVE_BENEATH answers it when a
/// rename or mount anywhere on the machine lands while the walk crosses `..` (the kernel then cannot
/// prove the walk stayed inside), and every sysfs device link is `../../../devices/...`: on a busy
/// host a few opens in a hundred meet one. openat2(2) says to retry; the bound keeps a rename storm
/// from holding the tool forever (measured here, a thread renaming in a loop: 2.7% of
/// 2 million opens met EAGAIN, none more than twice in a row).
enum { open_beneath_attempts = 64 };

int vgpukit_open_beneath(int dirfd, const char *path, int flags) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(unsigned int)flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    for (int attempt = 0; attempt < open_beneath_attempts; attempt++) {
        long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
        if (fd >= 0) return (int)fd;
        if (errno == ENOSYS) return open_beneath_fallback(dirfd, path, flags);
        if (errno != EAGAIN) return -1;
        // A renamer that keeps running while this thread waits for a CPU makes failures come in runs:
        // after a few, give the CPU away so the walk can finish between two renames.
        if (attempt >= 3) sched_yield();
    }
    return -1;
}

int vgpukit_is_on_sysfs(int fd) {
    struct statfs fs;
    if (fstatfs(fd, &fs) != 0) return -1;
    return fs.f_type == 0x62656572 ? 1 : 0;  /* SYSFS_MAGIC, <linux/magic.h> */
}

int vgpukit_file_identity(const char *path, struct vgpukit_file_identity *out) {
    struct statx sx;
    if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS | STATX_BTIME, &sx) != 0) return -1;
    out->device = ((unsigned long long)sx.stx_dev_major << 32) | sx.stx_dev_minor;
    out->inode = sx.stx_ino;
    out->size = (long long)sx.stx_size;
    out->mtime_ns = (long long)sx.stx_mtime.tv_sec * 1000000000LL + sx.stx_mtime.tv_nsec;
    out->ctime_ns = (long long)sx.stx_ctime.tv_sec * 1000000000LL + sx.stx_ctime.tv_nsec;
    out->btime_ns = (sx.stx_mask & STATX_BTIME) ? (long long)sx.stx_btime.tv_sec * 1000000000LL + sx.stx_btime.tv_nsec : 0;
    return 0;
}
