# SPDX-License-Identifier: GPL-2.0
"""meta-iotguard's recipes read as BitBake would for what can be checked
without it, one line per check ("ok NAME" or "not ok NAME: why"), for
yocto_test.sh: BBFILES finds every recipe and append; every file:// entry
is found where the fetcher looks (FILESPATH: the recipe's BP, BPN and files
directories, then FILESEXTRAPATHS); every LIC_FILES_CHKSUM md5 is the
file's; the kernel append adds nothing unless DISTRO_FEATURES has iotguard.
Usage: python3 layer.py LAYER_DIR"""
import glob
import hashlib
import os
import re
import sys

LAYER = os.path.abspath(sys.argv[1])
SRC = os.path.dirname(LAYER)  # EXTERNALSRC: the tree the layer is in
FRAGMENT = "iotguard.cfg"


def result(ok, name, why=""):
    print(("ok " if ok else "not ok ") + name + ("" if ok else ": " + why))


def read(path):
    with open(path, encoding="utf-8") as f:
        # BitBake joins continued lines.
        return f.read().replace("\\\n", " ")


def assignments(text, var):
    """Values given to VAR (=, ?=, +=, :append, :prepend, := ...)."""
    pat = re.compile(r'^%s(?::[\w${}-]+)*\s*(?:\?\?=|\?=|\+=|\.=|=\+|=\.|:=|=)\s*"(.*)"\s*$'
                     % re.escape(var), re.M)
    return pat.findall(text)


class Data:
    """The part of BitBake's datastore the inline python here uses."""

    def __init__(self, features):
        self.features = features

    def getVar(self, name):
        return {"DISTRO_FEATURES": self.features}[name]


class Utils:
    @staticmethod
    def contains(var, item, truevalue, falsevalue, d):
        return truevalue if item in d.getVar(var).split() else falsevalue


class Bb:
    utils = Utils


def expand_python(value, features):
    """VALUE with each ${@...} evaluated for DISTRO_FEATURES = FEATURES."""
    return re.sub(r"\$\{@(.*?)\}(?=\s|$|\")",
                  lambda m: str(eval(m.group(1), {"bb": Bb, "d": Data(features)})), value)


def recipe_files():
    return sorted(glob.glob(LAYER + "/recipes-*/*/*.bb") + glob.glob(LAYER + "/recipes-*/*/*.bbappend"))


def check_bbfiles():
    conf = read(LAYER + "/conf/layer.conf")
    pats = " ".join(assignments(conf, "BBFILES")).replace("${LAYERDIR}", LAYER).split()
    found = set()
    for p in pats:
        found.update(glob.glob(p))
    every = set(glob.glob(LAYER + "/recipes-*/**/*.bb*", recursive=True))
    missed = sorted(os.path.relpath(f, LAYER) for f in every - found)
    result(not missed, "layer.bbfiles_finds_every_recipe", " ".join(missed))
    ok = all(assignments(conf, v) for v in ("BBFILE_COLLECTIONS", "BBFILE_PATTERN_iotguard",
                                            "BBFILE_PRIORITY_iotguard",
                                            "LAYERSERIES_COMPAT_iotguard"))
    result(ok, "layer.conf_declares_the_collection", "a BBFILE_*/LAYERSERIES_COMPAT_ is missing")


def filespath(path):
    """Where the fetcher looks for file:// entries of the recipe or append at PATH."""
    here = os.path.dirname(path)
    base = os.path.basename(path).split(".bb")[0]
    bpn = base.split("_")[0]
    dirs = [os.path.join(here, d) for d in (base.replace("_", "-"), bpn, "files")]
    for value in assignments(read(path), "FILESEXTRAPATHS"):
        dirs += [d.replace("${THISDIR}", here) for d in value.split(":") if d]
    return dirs


def check_file_uris():
    missing = []
    for path in recipe_files():
        text = read(path)
        for name in re.findall(r"file://([^\s;\"']+)", text):
            if "LIC_FILES_CHKSUM" in text and re.search(r"LIC_FILES_CHKSUM.*file://%s"
                                                       % re.escape(name), text):
                continue
            if name == FRAGMENT and not os.path.isfile(os.path.join(SRC, "kernel", FRAGMENT)):
                continue  # check_fragment says so
            if not any(os.path.isfile(os.path.join(d, name)) for d in filespath(path)):
                missing.append("%s: file://%s" % (os.path.relpath(path, LAYER), name))
        # A .scc names its fragments: they must be fetched with it.
        for scc in re.findall(r"file://([^\s;\"']+\.scc)", text):
            scc_path = next(os.path.join(d, scc) for d in filespath(path)
                            if os.path.isfile(os.path.join(d, scc)))
            for cfg in re.findall(r"^kconf\s+\S+\s+(\S+)", read(scc_path), re.M):
                if "file://" + cfg not in text:
                    missing.append("%s names %s, not fetched" % (scc, cfg))
    result(not missing, "layer.every_file_uri_is_found", "; ".join(missing))


def check_fragment():
    """The kernel append's fragment is the tree's kernel/iotguard.cfg, no copy."""
    name = "layer.kernel_fragment_is_the_trees_kernel_iotguard_cfg"
    tree = os.path.join(SRC, "kernel", FRAGMENT)
    if not os.path.isfile(tree):
        print("ok %s # SKIP no kernel/%s in this tree" % (name, FRAGMENT))
        return
    append = LAYER + "/recipes-kernel/linux/linux-yocto_%.bbappend"
    found = [os.path.join(d, FRAGMENT) for d in filespath(append)
             if os.path.isfile(os.path.join(d, FRAGMENT))]
    result(bool(found) and os.path.samefile(found[0], tree), name, "found: %s" % found)


def check_services():
    """The units and the init script the recipe registers are the tree's."""
    recipe = read(glob.glob(LAYER + "/recipes-security/iotguard/iotguard_*.bb")[0])
    units = " ".join(assignments(recipe, "SYSTEMD_SERVICE")).split()
    scripts = " ".join(assignments(recipe, "INITSCRIPT_NAME")).split()
    name = "layer.services_are_the_trees"
    if not os.path.isdir(os.path.join(SRC, "scripts", "systemd")):
        print("ok %s # SKIP no scripts/systemd in this tree" % name)
        return
    missing = [u for u in units if not os.path.isfile(os.path.join(SRC, "scripts/systemd", u))]
    missing += [i for i in scripts if not os.path.isfile(os.path.join(SRC, "scripts/init.d", i))]
    result(bool(units and scripts) and not missing, name,
           "units %s, init scripts %s; not in the tree: %s" % (units, scripts, " ".join(missing)))


def check_licences():
    bad, count = [], 0
    for path in recipe_files():
        for value in assignments(read(path), "LIC_FILES_CHKSUM"):
            for name, md5 in re.findall(r"file://([^;\s]+);md5=([0-9a-f]+)", value):
                count += 1
                try:
                    with open(os.path.join(SRC, name), "rb") as f:
                        have = hashlib.md5(f.read()).hexdigest()
                except OSError as e:
                    have = str(e)
                if have != md5:
                    bad.append("%s: %s md5 %s, the recipe says %s"
                               % (os.path.basename(path), name, have, md5))
    result(count >= 2 and not bad, "layer.lic_files_chksum_matches",
           "; ".join(bad) or "no LIC_FILES_CHKSUM")


def check_gating():
    append = LAYER + "/recipes-kernel/linux/linux-yocto_%.bbappend"
    text = read(append)
    exprs = re.findall(r'^\S+\s*(?:\+=|=)\s*"(.*\$\{@.*)"\s*$', text, re.M)
    off = [expand_python(e, "ipv6 systemd").strip() for e in exprs]
    on = [expand_python(e, "ipv6 systemd iotguard").strip() for e in exprs]
    result(bool(exprs) and not any(off), "layer.kernel_append_changes_nothing_by_default",
           "without the feature: %s" % off)
    joined = " ".join(on)
    result("file://iotguard.scc" in joined and "file://iotguard.cfg" in joined,
           "layer.kernel_append_adds_the_fragment_for_the_feature", "with it: %s" % on)
    unconditional = [line for line in text.splitlines()
                     if re.match(r"^(SRC_URI|KERNEL_FEATURES|do_\w+\[)", line) and "${@" not in line]
    result(not unconditional, "layer.kernel_append_has_no_unconditional_change",
           "; ".join(unconditional))


check_bbfiles()
check_file_uris()
check_fragment()
check_services()
check_licences()
check_gating()
