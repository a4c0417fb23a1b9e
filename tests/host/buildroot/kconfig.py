# SPDX-License-Identifier: GPL-2.0
"""buildroot/'s Config.in files under kconfiglib, in the stub Buildroot
tree Config.in beside this file: one line per check, "ok NAME" or
"not ok NAME: why", for buildroot_test.sh.
Usage: python3 kconfig.py STUB_CONFIG_IN (BR2_EXTERNAL_IOTGUARD_PATH set)"""
import sys

import kconfiglib

SELECTS = ["LIBBPF", "LIBNL", "LIBCONFIG", "JSON_C", "LIBXCRYPT", "NETTLE", "C_ARES", "ZLIB"]
TOOLCHAIN = ["BR2_TOOLCHAIN_USES_GLIBC", "BR2_USE_WCHAR", "BR2_TOOLCHAIN_HAS_THREADS",
             "BR2_TOOLCHAIN_HAS_SYNC_4", "BR2_TOOLCHAIN_HEADERS_AT_LEAST_5_9"]


def result(ok, name, why=""):
    print(("ok " if ok else "not ok ") + name + ("" if ok else ": " + why))


def main():
    kconf = kconfiglib.Kconfig(sys.argv[1], warn_to_stderr=False)
    result(not kconf.warnings, "kconfig.parses_without_warnings", "; ".join(kconf.warnings))
    undefined = sorted(s.name for s in kconf.unique_defined_syms + list(kconf.syms.values())
                       if not s.nodes and s.name.startswith("BR2_"))
    result(not undefined, "kconfig.names_only_buildroot_symbols", " ".join(undefined))

    pkg = kconf.syms["BR2_PACKAGE_IOTGUARD"]
    for name in TOOLCHAIN:
        kconf.syms[name].set_value(2)
    # Without a kernel to build the module against, the package cannot be chosen.
    pkg.set_value(2)
    comment = [n for n in kconf.node_iter() if n.item == kconfiglib.COMMENT
               and "iotguard" in n.prompt[0]]
    comment_shown = bool(comment) and kconfiglib.expr_value(comment[0].dep) == 2
    result(pkg.tri_value == 0 and comment_shown, "kconfig.needs_a_kernel",
           "value %d, comment shown: %s" % (pkg.tri_value, comment_shown))

    kconf.syms["BR2_LINUX_KERNEL"].set_value(2)
    pkg.set_value(2)
    result(pkg.tri_value == 2, "kconfig.selectable_with_kernel_and_glibc",
           "BR2_PACKAGE_IOTGUARD=%s" % pkg.str_value)
    off = [s for s in SELECTS if kconf.syms["BR2_PACKAGE_" + s].tri_value != 2]
    result(not off, "kconfig.selects_its_libraries", "not selected: " + " ".join(off))
    pahole = kconf.syms["BR2_LINUX_KERNEL_NEEDS_HOST_PAHOLE"].tri_value == 2
    result(pahole, "kconfig.kernel_gets_pahole_for_btf", "BR2_LINUX_KERNEL_NEEDS_HOST_PAHOLE unset")

    # A musl or uClibc toolchain has no libxcrypt: not selectable.
    kconf.syms["BR2_TOOLCHAIN_USES_GLIBC"].set_value(0)
    result(pkg.tri_value == 0, "kconfig.needs_glibc", "BR2_PACKAGE_IOTGUARD=%s" % pkg.str_value)


if __name__ == "__main__":
    main()
