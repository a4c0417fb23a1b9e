################################################################################
#
# iotguard
#
################################################################################
# SPDX-License-Identifier: GPL-2.0
# The iotguard package: the module (kernel-module), the BPF programs and
# the agent (generic-package), installed with iotguard's own install
# targets; and host-iotguard, the iotguardctl that audits the image.

# This tree ships inside iotguard's source tree, which is what it builds.
IOTGUARD_SITE = $(BR2_EXTERNAL_IOTGUARD_PATH)/..
IOTGUARD_SITE_METHOD = local
IOTGUARD_LICENSE = GPL-2.0
IOTGUARD_LICENSE_FILES = COPYING

# host-clang compiles the BPF programs; host-llvm needs its BPF target
# for that (below); host-bpftool makes vmlinux.h and the skeletons.
IOTGUARD_DEPENDENCIES = host-pkgconf host-clang host-llvm host-bpftool \
	libbpf libnl libconfig json-c libxcrypt nettle c-ares zlib \
	host-iotguard

# Buildroot builds LLVM's BPF target only for BR2_PACKAGE_LLVM_BPF, which
# would also put LLVM on the target; HOST_LLVM_CONF_OPTS reads this list
# when it is expanded, after every .mk is read.
ifeq ($(BR2_PACKAGE_IOTGUARD),y)
LLVM_TARGETS_TO_BUILD += BPF
endif

# What iotguard's Makefile needs to know about this build (see `make help`):
# the kernel it builds against, whose vmlinux gives the BPF programs their
# BTF, the tools, and where the files go.
IOTGUARD_COMMON_MAKE_OPTS = \
	ARCH=$(KERNEL_ARCH) \
	KERNEL_SRC=$(LINUX_DIR) \
	VMLINUX_BTF=$(LINUX_DIR)/vmlinux \
	CLANG=$(HOST_DIR)/bin/clang \
	BPFTOOL=$(HOST_DIR)/sbin/bpftool \
	PREFIX=/usr \
	SYSCONFDIR=/etc
IOTGUARD_MAKE_OPTS = $(IOTGUARD_COMMON_MAKE_OPTS) \
	CROSS_COMPILE="$(TARGET_CROSS)" \
	LIBBPF_INCLUDE=$(STAGING_DIR)/usr/include

# The module: kernel-module runs `make -C $(LINUX_DIR) M=$(@D) modules`
# and modules_install on the top-level Kbuild after the build and install
# steps below. KCFLAGS reaches every object of the module, iotguard.mod.o
# included: no build path in the installed module (as in `make modules`).
IOTGUARD_MODULE_MAKE_OPTS = KCFLAGS="-ffile-prefix-map=$(@D)/=./"

# The kernel options the module and the BPF programs need: those of
# kernel/iotguard.cfg (tests/host/buildroot_test.sh holds the two equal).
# CONFIG_LSM keeps the board's list and gets bpf added: a list without it
# leaves the BPF LSM inactive.

define IOTGUARD_LINUX_CONFIG_FIXUPS
	$(call KCONFIG_ENABLE_OPT,CONFIG_MODULES)
	$(call KCONFIG_ENABLE_OPT,CONFIG_MODULE_UNLOAD)
	$(call KCONFIG_DISABLE_OPT,CONFIG_MODULE_FORCE_UNLOAD)
	$(call KCONFIG_ENABLE_OPT,CONFIG_NET)
	$(call KCONFIG_ENABLE_OPT,CONFIG_INET)
	$(call KCONFIG_ENABLE_OPT,CONFIG_IPV6)
	$(call KCONFIG_ENABLE_OPT,CONFIG_NETFILTER)
	$(call KCONFIG_ENABLE_OPT,CONFIG_NF_REJECT_IPV4)
	$(call KCONFIG_ENABLE_OPT,CONFIG_NF_REJECT_IPV6)
	$(call KCONFIG_ENABLE_OPT,CONFIG_SYSFS)
	$(call KCONFIG_ENABLE_OPT,CONFIG_SECURITY)
	$(call KCONFIG_ENABLE_OPT,CONFIG_SECURITYFS)
	$(call KCONFIG_ENABLE_OPT,CONFIG_BPF)
	$(call KCONFIG_ENABLE_OPT,CONFIG_BPF_SYSCALL)
	$(call KCONFIG_ENABLE_OPT,CONFIG_BPF_JIT)
	$(call KCONFIG_ENABLE_OPT,CONFIG_KPROBE_EVENTS)
	$(call KCONFIG_ENABLE_OPT,CONFIG_BPF_LSM)
	$(call KCONFIG_ENABLE_OPT,CONFIG_DEBUG_INFO)
	$(call KCONFIG_ENABLE_OPT,CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT)
	$(call KCONFIG_ENABLE_OPT,CONFIG_DEBUG_INFO_BTF)
	$(call KCONFIG_ENABLE_OPT,CONFIG_CGROUPS)
	$(call KCONFIG_ENABLE_OPT,CONFIG_CGROUP_BPF)
	grep -q '^CONFIG_LSM=' $(call KCONFIG_DOT_CONFIG) || \
		echo 'CONFIG_LSM="$(IOTGUARD_DEFAULT_LSM)"' >> $(call KCONFIG_DOT_CONFIG)
	$(SED) '/^CONFIG_LSM=/{/[",]bpf[",]/!s/"$$/,bpf"/}' $(call KCONFIG_DOT_CONFIG)
endef
# The kernel's own default order (6.1), for a .config that names none.
IOTGUARD_DEFAULT_LSM = landlock,lockdown,yama,loadpin,safesetid,integrity,bpf

define IOTGUARD_BUILD_CMDS
	$(TARGET_MAKE_ENV) $(TARGET_CONFIGURE_OPTS) $(MAKE) -C $(@D) \
		$(IOTGUARD_MAKE_OPTS) bpf agent
endef

# install-agent: the programs, the policy, the deny-lists and the init
# files; install-bpf: the BPF objects. Neither rebuilds anything.
define IOTGUARD_INSTALL_TARGET_CMDS
	$(TARGET_MAKE_ENV) $(TARGET_CONFIGURE_OPTS) $(MAKE) -C $(@D) \
		$(IOTGUARD_MAKE_OPTS) DESTDIR=$(TARGET_DIR) install-agent install-bpf
endef

# install-agent installs the SysV scripts (BusyBox init and SysV init run
# them as they are) and the systemd units. Under systemd the units start iotguard; the SysV scripts would start it a
# second time through systemd's sysv generator.
define IOTGUARD_INSTALL_INIT_SYSTEMD
	rm -f $(TARGET_DIR)/etc/init.d/S20iotguard-module \
		$(TARGET_DIR)/etc/init.d/S30iotguardd
endef

# host-iotguard: iotguardctl for the build machine, which the post-build
# script runs on $(TARGET_DIR). Its BPF programs are never loaded, but
# they are built into it: they get the target kernel's BTF and arch.
HOST_IOTGUARD_DEPENDENCIES = host-pkgconf host-clang host-llvm host-bpftool \
	host-libbpf host-libnl host-libconfig host-json-c host-libxcrypt \
	host-nettle host-c-ares host-zlib linux

define HOST_IOTGUARD_BUILD_CMDS
	$(HOST_MAKE_ENV) $(HOST_CONFIGURE_OPTS) $(MAKE) -C $(@D) \
		$(IOTGUARD_COMMON_MAKE_OPTS) LIBBPF_INCLUDE=$(HOST_DIR)/include \
		$(@D)/build/iotguardctl
endef

define HOST_IOTGUARD_INSTALL_CMDS
	$(INSTALL) -D -m 0755 $(@D)/build/iotguardctl $(HOST_DIR)/bin/iotguardctl
endef

$(eval $(kernel-module))
$(eval $(generic-package))
$(eval $(host-generic-package))
