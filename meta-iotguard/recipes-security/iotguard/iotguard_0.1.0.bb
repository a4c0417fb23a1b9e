# SPDX-License-Identifier: GPL-2.0
# iotguardd, iotguardctl, the BPF programs, the policy and deny-lists, and
# the services (systemd units or SysV scripts, as the distro has); and
# iotguard-native, the iotguardctl that iotguard-audit.bbclass runs on the
# image.
SUMMARY = "iotguard: the law's security baseline for IoT devices (agent, BPF programs)"
DESCRIPTION = "No universal default password, brute-force resistance on remote logins, \
the published disclosure contact and support period, and an outbound-connection policy \
(UK PSTI, ETSI EN 303 645)."
LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://COPYING;md5=b234ee4d69f5fce4486a80fdaf4a4263"

# The layer ships inside iotguard's source tree, which is what it builds
# (each variant in a build directory of its own). To build a release
# instead, set SRC_URI (and SRCREV) in a bbappend and drop externalsrc.
inherit externalsrc pkgconfig systemd update-rc.d
EXTERNALSRC = "${@os.path.abspath(d.getVar('FILE_DIRNAME') + '/../../..')}"
EXTERNALSRC_BUILD = "${WORKDIR}/build"

# clang compiles the BPF programs; bpftool makes vmlinux.h and the skeletons.
DEPENDS = "clang-native bpftool-native libbpf libnl libconfig json-c libxcrypt nettle c-ares zlib"

# The BPF programs are compiled against the target kernel's BTF, from its
# vmlinux (shared by meta-iotguard's linux-yocto append): the package is
# the machine's.
VMLINUX_BTF ?= "${STAGING_KERNEL_BUILDDIR}/vmlinux"
PACKAGE_ARCH = "${MACHINE_ARCH}"
python () {
    if not bb.data.inherits_class('native', d):
        d.appendVarFlag('do_compile', 'depends', ' virtual/kernel:do_shared_workdir')
}
# The native iotguardctl only audits images: the BPF programs built into it
# are never loaded, so the build machine's kernel BTF is enough for them.
VMLINUX_BTF:class-native = "/sys/kernel/btf/vmlinux"

# The Makefile's variables (`make help`): the tools come from the native
# sysroot, the libraries through pkg-config, the compiler from CC.
EXTRA_OEMAKE = "O=${B} ARCH=${TARGET_ARCH} CLANG=clang BPFTOOL=bpftool \
	VMLINUX_BTF=${VMLINUX_BTF} LIBBPF_INCLUDE=${STAGING_INCDIR} \
	PREFIX=${prefix} SYSCONFDIR=${sysconfdir} LOCALSTATEDIR=${localstatedir} \
	RUNSTATEDIR=${runtimedir} SYSTEMDUNITDIR=${systemd_system_unitdir} MANDIR=${mandir}"

do_compile() {
	if [ ! -e "${VMLINUX_BTF}" ]; then
		bbfatal "VMLINUX_BTF: ${VMLINUX_BTF} does not exist: the kernel recipe must share its vmlinux (see meta-iotguard's linux-yocto_%.bbappend)"
	fi
	oe_runmake bpf agent
}

# install-agent: the programs, the policy, the deny-lists, the init files
# and man pages; install-bpf: the BPF objects. Neither rebuilds. The
# systemd class keeps the units or the SysV scripts, as DISTRO_FEATURES say.
do_install() {
	oe_runmake DESTDIR=${D} install-agent install-bpf
}

SYSTEMD_SERVICE:${PN} = "iotguardd.service iotguard-lock.service"
INITSCRIPT_NAME = "S30iotguardd"
INITSCRIPT_PARAMS = "defaults 30 70"

FILES:${PN} += "${nonarch_libdir}/iotguard ${nonarch_libdir}/modules-load.d"
CONFFILES:${PN} = "${sysconfdir}/iotguard/iotguard.conf"
RRECOMMENDS:${PN} += "kernel-module-iotguard"

# iotguard-native: iotguardctl and os-release-support-end, for the image
# audit (classes/iotguard-audit.bbclass).
do_compile:class-native() {
	oe_runmake ${B}/iotguardctl
}
do_install:class-native() {
	install -D -m 0755 ${B}/iotguardctl ${D}${bindir}/iotguardctl
	install -D -m 0755 ${S}/scripts/os-release-support-end \
		${D}${bindir}/iotguard-os-release-support-end
}

BBCLASSEXTEND = "native"
