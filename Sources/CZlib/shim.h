// zlib (Debian zlib1g-dev), for the gzip stream of `vgpu-probe snapshot`'s archive.
#ifndef VGPUKIT_CZLIB_SHIM_H
#define VGPUKIT_CZLIB_SHIM_H
#include <zlib.h>
#endif
