# SPDX-License-Identifier: GPL-2.0
# iotguard.ko, built from the source tree this layer is in with the kernel
# class's own commands (the top-level Makefile's `modules` and
# `modules_install`), and loaded at boot.
SUMMARY = "iotguard kernel module: security state, genetlink control, network gate"
LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://COPYING;md5=b234ee4d69f5fce4486a80fdaf4a4263"

# The layer ships inside iotguard's source tree, which is what it builds.
# To build a release instead, set SRC_URI (and SRCREV) in a bbappend and
# drop externalsrc.
inherit module externalsrc
EXTERNALSRC = "${@os.path.abspath(d.getVar('FILE_DIRNAME') + '/../../..')}"
EXTERNALSRC_BUILD = "${EXTERNALSRC}"

MAKE_TARGETS = "modules"
MODULES_INSTALL_TARGET = "modules_install"

RPROVIDES:${PN} += "kernel-module-iotguard"
KERNEL_MODULE_AUTOLOAD += "iotguard"
