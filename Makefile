# SPDX-License-Identifier: GPL-2.0
#
# iotguard: one build for the kernel module, the BPF programs, the agent and
# the tests.  `make help` lists the targets.
#
# Variables an integrator may set:
#   KERNEL_SRC     kernel build tree for the module (Yocto passes this);
#                  default: the headers of the Debian test kernel KERNEL
#   KERNEL         test kernel series for the default KERNEL_SRC: 6.1 or 6.12
#   KERNELS        test kernels `make check` boots (default: 6.1 6.12)
#   CROSS_COMPILE, ARCH, CC, CLANG, BPFTOOL, PKG_CONFIG
#   VMLINUX_BTF    kernel image with BTF for vmlinux.h (default: extracted
#                  from /boot/vmlinuz of the 6.1 test kernel)
#   DESTDIR, PREFIX, SYSCONFDIR  for `make install`
#   CFLAGS, LDFLAGS  the toolchain's own; hardening we add only where these
#                  have not chosen (e.g. -D_FORTIFY_SOURCE=3 is kept)
#   WERROR=1       warnings fail the build (`make check` sets it)

.DEFAULT_GOAL := all

TOP := $(CURDIR)
BUILD := $(TOP)/build
KSELFTEST := $(BUILD)/kselftest

KERNEL ?= 6.1
KERNELS ?= 6.1 6.12
kernel_release = $(shell $(TOP)/scripts/kernel-release $(1))
KERNEL_SRC ?= /lib/modules/$(call kernel_release,$(KERNEL))/build

ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config

HOST_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
ARCH ?= $(HOST_ARCH)
BPF_ARCH := $(patsubst x86_64,x86,$(patsubst aarch64,arm64,$(ARCH)))

PREFIX ?= /usr
SYSCONFDIR ?= /etc
DESTDIR ?=

# ---------------------------------------------------------------- BPF ----
# The BPF build sees only our headers, the libbpf headers copied into the
# build tree and a vmlinux.h: -nostdinc keeps host include paths out.
BPF_DIR := $(BUILD)/bpf
LIBBPF_INCLUDE ?= $(shell $(PKG_CONFIG) --variable=includedir libbpf 2>/dev/null || echo /usr/include)
BPF_HEADERS := bpf_helpers.h bpf_helper_defs.h bpf_tracing.h bpf_core_read.h bpf_endian.h
BPF_SOURCES := $(wildcard bpf/*.bpf.c)
BPF_OBJECTS := $(patsubst bpf/%.bpf.c,$(BPF_DIR)/%.o,$(BPF_SOURCES))
BPF_SKELETONS := $(patsubst bpf/%.bpf.c,$(BPF_DIR)/%.skel.h,$(BPF_SOURCES))
# No build path in what is installed: the object's BTF names its source,
# and the skeleton embeds that object in iotguardd.
PREFIX_MAP := -ffile-prefix-map=$(TOP)=.
# Warnings fail the build in our own CI only (`make check` sets WERROR=1): a
# newer compiler in an integrator's toolchain must not stop their build.
WERROR ?= 0
WERROR_FLAG := $(if $(filter 1,$(WERROR)),-Werror)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -nostdinc \
	-I$(BPF_DIR)/include -I$(BPF_DIR) -Ibpf -Wall $(WERROR_FLAG) $(PREFIX_MAP)

VMLINUX_BTF ?= $(BPF_DIR)/vmlinux-$(call kernel_release,6.1)

$(BPF_DIR)/include/bpf/%.h: $(LIBBPF_INCLUDE)/bpf/%.h
	@mkdir -p $(@D)
	cp $< $@

$(BPF_DIR)/vmlinux-%:
	@mkdir -p $(@D)
	$(KSELFTEST)/scripts/extract-vmlinux /boot/vmlinuz-$* > $@.tmp
	mv $@.tmp $@

$(BPF_DIR)/vmlinux.h: $(VMLINUX_BTF)
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file $< format c > $@.tmp
	mv $@.tmp $@

$(BPF_DIR)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(BPF_DIR)/vmlinux.h \
		$(addprefix $(BPF_DIR)/include/bpf/,$(BPF_HEADERS))
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# `gen object` strips DWARF, so the skeleton embeds only what loads.
$(BPF_DIR)/%.o: $(BPF_DIR)/%.bpf.o
	$(BPFTOOL) gen object $@ $<

$(BPF_DIR)/%.skel.h: $(BPF_DIR)/%.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp
	mv $@.tmp $@

bpf: $(BPF_OBJECTS) $(BPF_SKELETONS)

# -------------------------------------------------------------- agent ----
# agent/lib is libiotguard.a; agent/daemon and agent/ctl are one program
# each, linked against it. Each part sees only its own headers and the
# library's, so the library cannot reach up into a tool; `lib-check` links the
# whole archive alone, so it cannot need a tool's symbols either.
AGENT_DIR := $(BUILD)/agent
AGENT_PKGS := libnl-genl-3.0 libconfig json-c libbpf libxcrypt nettle zlib libcares
# Evaluated once, on first use, and never for targets that do not build C
# (`make help`, `make deps` on a machine without the -dev packages yet).
pkg_value = $(shell $(PKG_CONFIG) $(1) $(AGENT_PKGS))
AGENT_PKG_CFLAGS = $(eval AGENT_PKG_CFLAGS := $(call pkg_value,--cflags))$(AGENT_PKG_CFLAGS)
AGENT_PKG_LIBS = $(eval AGENT_PKG_LIBS := $(call pkg_value,--libs))$(AGENT_PKG_LIBS)
CFLAGS ?= -O2 -g
WARN_CFLAGS := -Wall -Wextra $(WERROR_FLAG) -Wformat=2 -Wshadow -Wstrict-prototypes
# Hardening the caller's CFLAGS have not chosen already: a distribution's
# own (-D_FORTIFY_SOURCE=3, say) wins instead of clashing with ours.
caller_sets = $(findstring $(1),$(CFLAGS))
HARDEN_CFLAGS := $(if $(call caller_sets,_FORTIFY_SOURCE),,-D_FORTIFY_SOURCE=2) \
	$(if $(call caller_sets,-fstack-protector),,-fstack-protector-strong) -fPIE \
	$(if $(call caller_sets,-fstack-clash-protection),,-fstack-clash-protection)
HARDEN_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
USER_CPPFLAGS := -std=c11 -D_GNU_SOURCE -I$(TOP)/kmod/uapi -I$(TOP)/bpf -I$(TOP)/agent/lib \
	-I$(BPF_DIR)
AGENT_CFLAGS = $(USER_CPPFLAGS) $(WARN_CFLAGS) $(HARDEN_CFLAGS) $(AGENT_PKG_CFLAGS) $(CFLAGS) \
	$(PREFIX_MAP)
AGENT_LDFLAGS := $(HARDEN_LDFLAGS) $(LDFLAGS)
# The include path of each part: its own folder above the library's.
agent_part = $(firstword $(subst /, ,$(1)))
AGENT_INCLUDE_lib :=
AGENT_INCLUDE_daemon := -I$(TOP)/agent/daemon
AGENT_INCLUDE_ctl := -I$(TOP)/agent/ctl

LIB_OBJS := $(patsubst agent/%.c,$(AGENT_DIR)/%.o,$(wildcard agent/lib/*.c))
DAEMON_OBJS := $(patsubst agent/%.c,$(AGENT_DIR)/%.o,$(wildcard agent/daemon/*.c))
CTL_OBJS := $(patsubst agent/%.c,$(AGENT_DIR)/%.o,$(wildcard agent/ctl/*.c))
LIBIOTGUARD := $(AGENT_DIR)/lib/libiotguard.a

# pkg-config says which package is missing before any compiler error does.
# Order-only and cheap: it runs on every build and never causes a rebuild.
pkg-check:
	@$(PKG_CONFIG) --exists --print-errors $(AGENT_PKGS) || { \
		echo "make: the packages above are missing; scripts/deps installs them" >&2; exit 1; }

# The skeletons are order-only: -MMD records which object includes one.
$(AGENT_DIR)/%.o: agent/%.c | pkg-check $(BPF_SKELETONS)
	@mkdir -p $(@D)
	$(CC) $(AGENT_CFLAGS) $(AGENT_INCLUDE_$(call agent_part,$*)) -MMD -MP -c $< -o $@

$(LIBIOTGUARD): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/iotguardd: $(DAEMON_OBJS) $(LIBIOTGUARD)
	$(CC) $(AGENT_LDFLAGS) -o $@ $^ $(AGENT_PKG_LIBS)

$(BUILD)/iotguardctl: $(CTL_OBJS) $(LIBIOTGUARD)
	$(CC) $(AGENT_LDFLAGS) -o $@ $^ $(AGENT_PKG_LIBS)

# Every library object, linked with nothing of the tools: an undefined
# symbol here is the library calling up into iotguardd or iotguardctl.
$(AGENT_DIR)/lib-check: $(LIBIOTGUARD)
	printf 'int main(void) { return 0; }\n' | $(CC) -o $@ -x c - -x none \
		-Wl,--whole-archive $< -Wl,--no-whole-archive $(AGENT_PKG_LIBS) -lm

agent: $(BUILD)/iotguardd $(BUILD)/iotguardctl $(AGENT_DIR)/lib-check

# ------------------------------------------------------------- module ----
# `make modules` builds iotguard.ko in place against KERNEL_SRC, as Yocto's
# module class and `make -C $KERNEL_SRC M=$PWD` do.
KMOD_SOURCES := Kbuild $(wildcard kmod/*.c kmod/*.h kmod/uapi/*.h)
# No build path in the installed module (Yocto's buildpaths check): KCFLAGS
# reaches every object, iotguard.mod.o included, which ccflags-y does not.
KMOD_MAKE := $(MAKE) -C $(KERNEL_SRC) M=$(TOP) KCFLAGS="$(KCFLAGS) -ffile-prefix-map=$(TOP)/=./"

modules:
	$(KMOD_MAKE) modules

modules_install:
	$(KMOD_MAKE) modules_install

# The test kernels each get their own copy of the sources, so that objects
# built for one never mix with the other's.
$(BUILD)/kmod/%/iotguard.ko: $(KMOD_SOURCES)
	@mkdir -p $(@D)/kmod/uapi
	for f in $(KMOD_SOURCES); do cp -p $$f $(@D)/$$f; done
	$(MAKE) -C /lib/modules/$*/build M=$(@D) modules

# ------------------------------------------------------------- tests -----
HOST_TEST_DIR := $(BUILD)/tests/host
GUEST_TEST_DIR := $(BUILD)/tests/guest
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
HOST_TESTS := $(patsubst tests/host/%.c,$(HOST_TEST_DIR)/%,$(wildcard tests/host/*_test.c))

# The host tests link the library built again under the sanitizers.
SAN_DIR := $(BUILD)/agent-san
SAN_LIB_OBJS := $(patsubst agent/%.c,$(SAN_DIR)/%.o,$(wildcard agent/lib/*.c))
LIBIOTGUARD_SAN := $(SAN_DIR)/lib/libiotguard.a
HOST_TEST_CFLAGS = $(USER_CPPFLAGS) $(WARN_CFLAGS) -Wno-shadow -O1 -g $(SAN_FLAGS) \
	$(AGENT_PKG_CFLAGS)

$(SAN_DIR)/%.o: agent/%.c | pkg-check $(BPF_SKELETONS)
	@mkdir -p $(@D)
	$(CC) $(HOST_TEST_CFLAGS) -MMD -MP -c $< -o $@

$(LIBIOTGUARD_SAN): $(SAN_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# What the tests read from the source tree, and the iotguardctl they run.
HOST_TEST_DEFINES := -DDEFAULT_POLICY='"$(TOP)/policy/iotguard.conf"' \
	-DDENYLIST_DIR='"$(TOP)/policy/credentials"' -DIOTGUARDCTL='"$(BUILD)/iotguardctl"' \
	-DMUD_FIXTURES='"$(TOP)/tests/host/mud"' -DSOURCE_TOP='"$(TOP)"'

$(HOST_TEST_DIR)/%_test: tests/host/%_test.c $(LIBIOTGUARD_SAN) $(BUILD)/iotguardctl \
		| $(KSELFTEST)/.done
	@mkdir -p $(@D)
	$(CC) $(HOST_TEST_CFLAGS) -isystem $(KSELFTEST)/tools/testing/selftests \
		$(HOST_TEST_DEFINES) -MMD -MP -o $@ $< $(LIBIOTGUARD_SAN) $(AGENT_PKG_LIBS) -lm

host-tests: $(HOST_TESTS)

guest-tests: $(KSELFTEST)/.done $(BPF_SKELETONS) $(LIBIOTGUARD)
	$(MAKE) -C tests OUTPUT=$(GUEST_TEST_DIR) CC="$(CC)" \
		KSELFTEST=$(KSELFTEST)/tools/testing/selftests \
		EXTRA_CFLAGS="$(USER_CPPFLAGS) $(WARN_CFLAGS) -Wno-shadow -O2 -g" \
		EXTRA_LDLIBS="$(shell $(PKG_CONFIG) --libs libbpf libxcrypt)" \
		AGENT_LIB="$(LIBIOTGUARD)" AGENT_LIBS="$(AGENT_PKG_LIBS) -lm"

$(BUILD)/bench/audit_bench: bench/audit_bench.c $(LIBIOTGUARD)
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(WARN_CFLAGS) -O2 -MMD -MP -o $@ $^ $(AGENT_PKG_LIBS) -lm

# Benchmarks: ratios against a baseline measured in the same run.
bench: deps
	@$(MAKE) --no-print-directory all guest-tests $(BUILD)/bench/audit_bench
	@scripts/bench

# Extracting kselftest's harness installs nothing: only scripts/deps does.
$(KSELFTEST)/.done: scripts/kselftest-harness
	scripts/kselftest-harness

deps:
	scripts/deps

# Runs the host unit tests, then the guest suite on each kernel in KERNELS,
# and ends with one line "N passed, N failed, N skipped" over all of them.
check: deps
	@$(MAKE) --no-print-directory WERROR=1 all host-tests guest-tests
	@scripts/check $(KERNELS)

# -------------------------------------------------------------- image ----
image-%: agent bpf guest-tests $(BUILD)/kmod/%/iotguard.ko
	scripts/mkimage $*

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

# ------------------------------------------------------------ install ----
# One target per package a distribution makes: the agent (the programs,
# the policy, the deny-lists, the init scripts), the BPF objects, the
# module. Each installs what is built and builds only what is missing or
# out of date: a package's install step never rebuilds.
install-agent: $(BUILD)/iotguardd $(BUILD)/iotguardctl
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(SYSCONFDIR)/iotguard/credentials $(DESTDIR)$(SYSCONFDIR)/init.d
	install -m 0755 $(BUILD)/iotguardd $(DESTDIR)$(PREFIX)/sbin/iotguardd
	install -m 0755 $(BUILD)/iotguardctl $(DESTDIR)$(PREFIX)/bin/iotguardctl
	install -m 0644 policy/iotguard.conf $(DESTDIR)$(SYSCONFDIR)/iotguard/iotguard.conf
	install -m 0644 policy/credentials/*.txt $(DESTDIR)$(SYSCONFDIR)/iotguard/credentials/
	install -m 0755 scripts/init.d/S20iotguard-module scripts/init.d/S30iotguardd \
		$(DESTDIR)$(SYSCONFDIR)/init.d/

install-bpf: $(BPF_OBJECTS)
	install -d $(DESTDIR)$(PREFIX)/lib/iotguard/bpf
	install -m 0644 $(BPF_OBJECTS) $(DESTDIR)$(PREFIX)/lib/iotguard/bpf/

# Kbuild decides what is out of date; it runs only when a source is newer
# than the module or the module is missing.
$(TOP)/iotguard.ko: $(KMOD_SOURCES)
	$(KMOD_MAKE) modules

install-module: $(TOP)/iotguard.ko
	$(KMOD_MAKE) INSTALL_MOD_PATH=$(DESTDIR) DEPMOD=true modules_install

install: install-agent install-bpf install-module

all: modules bpf agent

clean:
	-$(MAKE) -C $(KERNEL_SRC) M=$(TOP) clean 2>/dev/null
	rm -rf $(BUILD)/bpf $(BUILD)/agent $(BUILD)/agent-san $(BUILD)/kmod $(BUILD)/tests \
		$(BUILD)/image $(BUILD)/iotguardd $(BUILD)/iotguardctl

help:
	@echo "make            build the module, the BPF objects and skeletons, iotguardd and iotguardctl"
	@echo "make demo       boot the demo device in QEMU and show its iotguard status"
	@echo "make check      host unit tests, then the kselftest suite in QEMU on each of KERNELS"
	@echo "make bench      audit cost in crypt calls; setuid(), inbound and outbound costs as ratios"
	@echo "make install    install into DESTDIR with PREFIX and SYSCONFDIR: install-agent,"
	@echo "                install-bpf and install-module, each alone for its own package"
	@echo "make modules / modules_install   the kernel module alone, against KERNEL_SRC"
	@echo "make clean      remove build products"

-include $(wildcard $(AGENT_DIR)/*/*.d $(SAN_DIR)/*/*.d $(HOST_TEST_DIR)/*.d \
	$(BUILD)/bench/*.d)

.PHONY: all bpf agent pkg-check modules modules_install install-agent install-bpf install-module host-tests guest-tests deps check bench \
	demo install clean help
.SECONDARY:
