"""A stable, privacy-respecting device fingerprint: SHA-256 over a fixed salt and the machine's
identifiers. The raw identifiers never leave this module; only the hash is returned.

It is the TypeScript SDK's ``generateMachineId()`` (src/sdk/machine-id.ts), input for input, so an
app and its helpers in either language get one id on one machine. The TypeScript side reads its
inputs through Node (``os.hostname()``, ``os.platform()``, ``os.arch()``, ``os.cpus()[0].model``);
this module reads the same values where Node's libuv reads them. Change both or neither.
"""

from __future__ import annotations

import hashlib
import platform
import socket
import subprocess
import sys
from typing import List, Optional

BASE_SALT = "traffic-orchestrator/machine-id/v1"
MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")


def _os_machine_id() -> str:
    for path in MACHINE_ID_FILES:
        try:
            with open(path, encoding="utf-8") as f:
                value = f.read().strip()
        except OSError:
            continue
        if value:
            return value
    return ""


def _node_platform() -> str:
    """``os.platform()``: linux, darwin, win32, freebsd, openbsd, sunos, aix."""
    p = sys.platform
    for prefix in ("freebsd", "openbsd", "netbsd", "sunos", "aix"):
        if p.startswith(prefix):
            return prefix
    if p.startswith("linux"):
        return "linux"
    return p


_ARCH = {
    "x86_64": "x64",
    "amd64": "x64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "i386": "ia32",
    "i486": "ia32",
    "i586": "ia32",
    "i686": "ia32",
    "x86": "ia32",
    "ppc64le": "ppc64",
    "ppc64": "ppc64",
    "s390x": "s390x",
    "riscv64": "riscv64",
    "loongarch64": "loong64",
    "mips": "mips",
    "mipsel": "mipsel",
}


def _node_arch() -> str:
    """``os.arch()``: x64, arm64, ia32, arm, ppc64, s390x, riscv64, loong64, …"""
    m = platform.machine().lower()
    if m.startswith("armv") or m == "arm":
        return "arm"
    return _ARCH.get(m, m)


# libuv names 64-bit ARM cores after the "CPU part" line of /proc/cpuinfo, from this table.
_ARM64_PARTS = {
    "0x811": "ARM810", "0x920": "ARM920", "0x922": "ARM922", "0x926": "ARM926",
    "0x940": "ARM940", "0x946": "ARM946", "0x966": "ARM966", "0xa20": "ARM1020",
    "0xa22": "ARM1022", "0xa26": "ARM1026", "0xb02": "ARM11 MPCore", "0xb36": "ARM1136",
    "0xb56": "ARM1156", "0xb76": "ARM1176", "0xc05": "Cortex-A5", "0xc07": "Cortex-A7",
    "0xc08": "Cortex-A8", "0xc09": "Cortex-A9", "0xc0d": "Cortex-A17", "0xc0f": "Cortex-A15",
    "0xc0e": "Cortex-A17", "0xc14": "Cortex-R4", "0xc15": "Cortex-R5", "0xc17": "Cortex-R7",
    "0xc18": "Cortex-R8", "0xc20": "Cortex-M0", "0xc21": "Cortex-M1", "0xc23": "Cortex-M3",
    "0xc24": "Cortex-M4", "0xc27": "Cortex-M7", "0xc60": "Cortex-M0+", "0xd01": "Cortex-A32",
    "0xd03": "Cortex-A53", "0xd04": "Cortex-A35", "0xd05": "Cortex-A55", "0xd06": "Cortex-A65",
    "0xd07": "Cortex-A57", "0xd08": "Cortex-A72", "0xd09": "Cortex-A73", "0xd0a": "Cortex-A75",
    "0xd0b": "Cortex-A76", "0xd0c": "Neoverse-N1", "0xd0d": "Cortex-A77", "0xd0e": "Cortex-A76AE",
    "0xd13": "Cortex-R52", "0xd20": "Cortex-M23", "0xd21": "Cortex-M33", "0xd41": "Cortex-A78",
    "0xd42": "Cortex-A78AE", "0xd4a": "Neoverse-E1", "0xd4b": "Cortex-A78C",
}  # fmt: skip


def _linux_cpu_model() -> Optional[str]:
    """The first CPU's model as libuv reads it from /proc/cpuinfo (None when unreadable, where
    Node's os.cpus() is empty)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
    except OSError:
        return None
    arch = _node_arch()
    markers = {
        "arm": ("model name\t: ", "Processor\t: "),
        "arm64": ("CPU part\t: ",),
        "ppc64": ("cpu\t\t: ",),
        "mips": ("cpu model\t\t: ",),
        "mipsel": ("cpu model\t\t: ",),
        "loong64": ("cpu family\t\t: ",),
    }.get(arch, ("model name\t: ",))
    for line in lines:
        for marker in markers:
            if line.startswith(marker):
                value = line[len(marker) :]
                if arch == "arm64":
                    value = _ARM64_PARTS.get(value, "unknown")
                return value[:63]  # libuv keeps at most 63 characters
    return "unknown"


def _cpu_model() -> str:
    """``os.cpus()[0]?.model.trim() ?? ''``."""
    model: Optional[str]
    if sys.platform.startswith("linux"):
        model = _linux_cpu_model()
    elif sys.platform == "darwin":
        try:
            out = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True, timeout=5
            )
            model = out.stdout.rstrip("\n") if out.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            model = None
    elif sys.platform == "win32":
        try:
            import winreg

            with winreg.OpenKey(
                winreg.HKEY_LOCAL_MACHINE, r"HARDWARE\DESCRIPTION\System\CentralProcessor\0"
            ) as key:
                model = str(winreg.QueryValueEx(key, "ProcessorNameString")[0])
        except OSError:
            model = None
    else:
        model = platform.processor() or None
    return (model or "").strip()


def machine_id_parts(salt: Optional[str] = None) -> List[str]:
    """The hashed inputs, in order (for diagnosing a mismatch with another SDK; never send them)."""
    return [
        BASE_SALT,
        salt or "",
        _os_machine_id(),
        socket.gethostname(),
        _node_platform(),
        _node_arch(),
        _cpu_model(),
    ]


def generate_machine_id(salt: Optional[str] = None) -> str:
    """64 lowercase hex characters; the same across runs and processes on one machine. ``salt``
    namespaces the id: two apps with different salts get unrelated ids."""
    h = hashlib.sha256()
    # Length-prefixed (UTF-8 bytes), so that moving characters between fields cannot give the same input.
    for part in machine_id_parts(salt):
        h.update(f"{len(part.encode('utf-8'))}:{part};".encode("utf-8"))
    return h.hexdigest()
