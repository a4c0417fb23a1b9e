# SPDX-License-Identifier: GPL-2.0
# linux-yocto with what iotguard needs, only for a distro that asks for it
# (DISTRO_FEATURES:append = " iotguard"): the layer alone changes nothing.
# The fragment is the source tree's kernel/iotguard.cfg, found beside this
# layer; iotguard.scc names it.
FILESEXTRAPATHS:prepend := "${THISDIR}/files:${THISDIR}/../../../kernel:"
SRC_URI:append = "${@bb.utils.contains('DISTRO_FEATURES', 'iotguard', ' file://iotguard.scc file://iotguard.cfg', '', d)}"

# iotguard's BPF programs take their BTF from vmlinux, which the kernel
# class does not share with the recipes built against it: put it beside
# the other build artifacts (STAGING_KERNEL_BUILDDIR). Another kernel recipe
# needs the same three lines for the iotguard recipe to build.
iotguard_share_vmlinux() {
	install -m 0644 ${B}/vmlinux ${STAGING_KERNEL_BUILDDIR}/vmlinux
}
do_shared_workdir[postfuncs] += "${@bb.utils.contains('DISTRO_FEATURES', 'iotguard', 'iotguard_share_vmlinux', '', d)}"
