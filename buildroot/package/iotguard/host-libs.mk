################################################################################
#
# host-libnl, host-libconfig
#
################################################################################
# SPDX-License-Identifier: GPL-2.0
# The host variants of libnl and libconfig, which Buildroot builds for the
# target only and host-iotguard links: each is the target package's own
# source, version, hash and patches, built for the host (what
# $(eval $(host-autotools-package)) in libnl.mk would declare).

# A Buildroot that declares one itself keeps its own.

ifeq ($(filter host-libnl,$(PACKAGES_ALL)),)
$(eval $(call inner-autotools-package,host-libnl,HOST_LIBNL,LIBNL,host))
HOST_LIBNL_PKGDIR = $(LIBNL_PKGDIR)
endif

ifeq ($(filter host-libconfig,$(PACKAGES_ALL)),)
$(eval $(call inner-autotools-package,host-libconfig,HOST_LIBCONFIG,LIBCONFIG,host))
HOST_LIBCONFIG_PKGDIR = $(LIBCONFIG_PKGDIR)
endif
