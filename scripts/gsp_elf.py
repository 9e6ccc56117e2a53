"""A small ELF64 LE RISC-V relocatable with the GSP image's section scheme (.fwimage, .fwversion,
.fwsignature_<family>), for fuzz seeds and the bad-input corpus: the real 38 MB image is too large to
mutate or commit, and its section scheme is what the reader checks."""
import struct


def gsp_elf(version=b"535.113.01\0", families=(b"ad10x", b"ga10x"), omit=(), extra=()):
    """The image; `omit` drops sections by name, `extra` appends (name, data) sections."""
    sections = [(b".fwimage", 1, 3, bytes(range(256)) * 4), (b".fwversion", 1, 0, version)]
    sections += [(b".fwsignature_" + f, 1, 0, b"\x5a" * 512) for f in families]
    sections = [s for s in sections if s[0] not in omit] + [(n, 1, 0, d) for n, d in extra]
    names = b"\0"
    offsets = []
    for n, *_ in sections + [(b".shstrtab", 3, 0, b"")]:
        offsets.append(len(names))
        names += n + b"\0"
    sections.append((b".shstrtab", 3, 0, names))
    body, placed = bytearray(b"\0" * 64), []
    for _, _, _, data in sections:
        placed.append((len(body), len(data)))
        body += data
    while len(body) % 8:
        body += b"\0"
    shoff = len(body)
    body += b"\0" * 64
    for i, (_, typ, flags, _) in enumerate(sections):
        body += struct.pack("<IIQQQQIIQQ", offsets[i], typ, flags, 0, placed[i][0], placed[i][1], 0, 0, 1, 0)
    hdr = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9
    hdr += struct.pack("<HHIQQQIHHHHHH", 1, 243, 1, 0, 0, shoff, 0, 64, 0, 0, 64, len(sections) + 1, len(sections))
    body[0:64] = hdr
    return bytes(body)


def layout(data):
    """(e_shoff, number of section headers) of an image."""
    return struct.unpack_from("<Q", data, 40)[0], struct.unpack_from("<H", data, 60)[0]
