// Umbrella header for libelf (elfutils) as used by VGPUFirmware.
// gelf.h pulls in libelf.h and <elf.h>; nothing else is needed.
#ifndef VGPUKIT_CLIBELF_SHIM_H
#define VGPUKIT_CLIBELF_SHIM_H
#include <gelf.h>
#endif
