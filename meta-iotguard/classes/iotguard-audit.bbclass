# SPDX-License-Identifier: GPL-2.0
# Image class: fail an image that would ship a universal default password
# (or the device secret), and give its os-release the support period
# (SUPPORT_END=). In local.conf or the image recipe:
#   IMAGE_CLASSES += "iotguard-audit"
# iotguardctl is iotguard-native's: the same audit as on the device.
do_rootfs[depends] += "iotguard-native:do_populate_sysroot"

iotguard_audit_rootfs() {
	# Exit 5: an account with an empty or known-default password, one
	# that cannot be judged, or the device secret in the image.
	if ! ${STAGING_BINDIR_NATIVE}/iotguardctl audit --root ${IMAGE_ROOTFS}; then
		bbfatal "iotguardctl audit --root ${IMAGE_ROOTFS} failed: this image must not ship (the table above says why)"
	fi
	IOTGUARDCTL=${STAGING_BINDIR_NATIVE}/iotguardctl iotguard-os-release-support-end ${IMAGE_ROOTFS} \
		--policy ${IMAGE_ROOTFS}${sysconfdir}/iotguard/iotguard.conf
}

ROOTFS_POSTPROCESS_COMMAND += "iotguard_audit_rootfs"
