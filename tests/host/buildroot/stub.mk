# SPDX-License-Identifier: GPL-2.0
#
# Buildroot's package infrastructure, reduced to what buildroot/'s .mk files
# use, for buildroot_test.sh: it reads external.mk as Buildroot does and
# runs or prints (make -n) each step's commands as Buildroot would.
#   make -f stub.mk EXTERNAL=DIR BUILD_DIR=DIR TARGET_DIR=DIR LINUX_DIR=DIR
#	[INIT=sysv|systemd] TARGET
# TARGET: show (the variables), BUILD_DIR/PKG/build, .../install-target,
# .../install-host, BUILD_DIR/iotguard/module (kernel-module's two hooks
# alone), linux-fixups (every package's LINUX_CONFIG_FIXUPS on
# LINUX_DIR/.config).

BR2_EXTERNAL_IOTGUARD_PATH := $(EXTERNAL)
BR2_PACKAGE_IOTGUARD := y
HOST_DIR := /br/host
STAGING_DIR := /br/staging
TARGET_CROSS :=
KERNEL_ARCH := x86_64
INIT ?= sysv
BR2_INIT_SYSV := $(if $(filter sysv,$(INIT)),y)
BR2_INIT_SYSTEMD := $(if $(filter systemd,$(INIT)),y)

INSTALL := install
SED := sed -i -e
SHARP_SIGN := \#
define sep


endef
TARGET_MAKE_ENV := PATH=$(HOST_DIR)/bin:$(PATH)
TARGET_CONFIGURE_OPTS := CC=gcc
HOST_MAKE_ENV := $(TARGET_MAKE_ENV)
HOST_CONFIGURE_OPTS := CC=gcc
LINUX_MAKE_ENV := $(TARGET_MAKE_ENV)
# As linux.mk, with the build machine's depmod left out.
LINUX_MAKE_FLAGS := HOSTCC=gcc ARCH=$(KERNEL_ARCH) INSTALL_MOD_PATH=$(TARGET_DIR) \
	CROSS_COMPILE="$(TARGET_CROSS)" DEPMOD=true
LINUX_BUILDDIR := $(LINUX_DIR)
LINUX_KCONFIG_DOTCONFIG := .config

# The packages Buildroot declares that iotguard's depend on, target and host.
PACKAGES_ALL := linux toolchain libbpf libnl libconfig json-c libxcrypt nettle c-ares zlib \
	host-pkgconf host-clang host-llvm host-bpftool host-libbpf host-json-c \
	host-libxcrypt host-nettle host-c-ares host-zlib host-elfutils
LIBNL_PKGDIR := /br/package/libnl/
LIBCONFIG_PKGDIR := /br/package/libconfig/

# package/pkg-utils.mk and package/Makefile.in, as Buildroot defines them.
UPPERCASE = $(shell echo '$(1)' | tr 'a-z-' 'A-Z_')
pkgdir = $(dir $(lastword $(MAKEFILE_LIST)))
pkgname = $(lastword $(subst /, ,$(pkgdir)))
KCONFIG_DOT_CONFIG = $(strip $(if $(strip $(1)),$(1),$($(PKG)_BUILDDIR)/$($(PKG)_KCONFIG_DOTCONFIG)))
define KCONFIG_MUNGE_DOT_CONFIG
	$(SED) "/\\<$(strip $(1))\\>/d" $(call KCONFIG_DOT_CONFIG,$(3))
	echo '$(strip $(2))' >> $(call KCONFIG_DOT_CONFIG,$(3))
endef
KCONFIG_ENABLE_OPT = $(call KCONFIG_MUNGE_DOT_CONFIG,$(1),$(1)=y,$(2))
KCONFIG_SET_OPT = $(call KCONFIG_MUNGE_DOT_CONFIG,$(1),$(1)=$(2),$(3))
KCONFIG_DISABLE_OPT = $(call KCONFIG_MUNGE_DOT_CONFIG,$(1),$(SHARP_SIGN) $(1) is not set,$(2))

# package/pkg-kernel-module.mk: the two hooks it adds, with its commands
# (the same command but for the make target, as Buildroot has them).
define inner-kernel-module
$(2)_DEPENDENCIES += linux
$(2)_MODULE_SUBDIRS ?= .
define $(2)_KERNEL_MODULES_BUILD
	$$(foreach d,$$($(2)_MODULE_SUBDIRS), \
		$$(LINUX_MAKE_ENV) $$(MAKE) -C $$(LINUX_DIR) $$(LINUX_MAKE_FLAGS) \
			$$($(2)_MODULE_MAKE_OPTS) PWD=$$(@D)/$$(d) M=$$(@D)/$$(d) modules$$(sep))
endef
$(2)_POST_BUILD_HOOKS += $(2)_KERNEL_MODULES_BUILD
define $(2)_KERNEL_MODULES_INSTALL
	$$(foreach d,$$($(2)_MODULE_SUBDIRS), \
		$$(LINUX_MAKE_ENV) $$(MAKE) -C $$(LINUX_DIR) $$(LINUX_MAKE_FLAGS) \
			$$($(2)_MODULE_MAKE_OPTS) PWD=$$(@D)/$$(d) M=$$(@D)/$$(d) modules_install$$(sep))
endef
$(2)_POST_INSTALL_TARGET_HOOKS += $(2)_KERNEL_MODULES_INSTALL
endef
kernel-module = $(call inner-kernel-module,$(pkgname),$(call UPPERCASE,$(pkgname)))

# package/pkg-generic.mk: each step's commands, then its hooks, in a rule
# whose target is in the package's build directory (what $(@D) names).
run_hooks = $(foreach hook,$($(1)),$($(hook))$(sep))
define inner-generic-package
ifneq ($(filter $(1),$(PACKAGES_ALL)),)
$$(error Package '$(1)' defined a second time)
endif
PACKAGES_ALL += $(1)
$(2)_PKGDIR := $(pkgdir)
$(2)_DIR := $(BUILD_DIR)/$(1)
$(BUILD_DIR)/$(1)/build:
	$$($(2)_BUILD_CMDS)
	$$(call run_hooks,$(2)_POST_BUILD_HOOKS)
$(BUILD_DIR)/$(1)/install-target:
	$$($(2)_INSTALL_TARGET_CMDS)
	$$(if $$(BR2_INIT_SYSTEMD),$$($(2)_INSTALL_INIT_SYSTEMD))
	$$(if $$(BR2_INIT_SYSV),$$($(2)_INSTALL_INIT_SYSV))
	$$(call run_hooks,$(2)_POST_INSTALL_TARGET_HOOKS)
$(BUILD_DIR)/$(1)/install-host:
	$$($(2)_INSTALL_CMDS)
$(BUILD_DIR)/$(1)/module:
	$$(call run_hooks,$(2)_POST_BUILD_HOOKS)
	$$(call run_hooks,$(2)_POST_INSTALL_TARGET_HOOKS)
endef
generic-package = $(call inner-generic-package,$(pkgname),$(call UPPERCASE,$(pkgname)),target)
host-generic-package = $(call inner-generic-package,host-$(pkgname),$(call UPPERCASE,host-$(pkgname)),host)
inner-autotools-package = $(call inner-generic-package,$(1),$(2),$(4))

# Buildroot's Makefile: the external tree's makefile after every package's.
include $(EXTERNAL)/external.mk

# linux.mk's LINUX_KCONFIG_FIXUP_CMDS: every package's fixups, PKG being
# LINUX (so KCONFIG_* edit LINUX_DIR/.config).
linux-fixups: PKG = LINUX
linux-fixups:
	$(foreach pkg,$(PACKAGES_ALL),$($(call UPPERCASE,$(pkg))_LINUX_CONFIG_FIXUPS)$(sep))

show:
	@:
	$(foreach v,PACKAGES_ALL IOTGUARD_DEPENDENCIES HOST_IOTGUARD_DEPENDENCIES IOTGUARD_SITE \
		IOTGUARD_SITE_METHOD IOTGUARD_LICENSE IOTGUARD_LICENSE_FILES LLVM_TARGETS_TO_BUILD \
		HOST_LIBNL_PKGDIR HOST_LIBCONFIG_PKGDIR,$(info $(v)=$($(v))))

.PHONY: linux-fixups show
