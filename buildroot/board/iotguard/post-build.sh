#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Buildroot post-build script for an image with iotguard: fail the build if
# the image would ship a universal default password (or the device secret),
# and put the policy's support period into os-release (SUPPORT_END=).
#
#   BR2_ROOTFS_POST_BUILD_SCRIPT="$(BR2_EXTERNAL_IOTGUARD_PATH)/board/iotguard/post-build.sh"
#
# Buildroot runs it with TARGET_DIR as $1 and HOST_DIR in the environment;
# iotguardctl is host-iotguard's, built for this machine.
set -eu
target=${1:?usage: post-build.sh TARGET_DIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
PATH=${HOST_DIR:?HOST_DIR is not set: run this from Buildroot}/bin:$PATH
# os-release-support-end reads the policy with this one, not a tree's own.
IOTGUARDCTL=$HOST_DIR/bin/iotguardctl
export PATH IOTGUARDCTL

# Exit 5: an account with an empty or known-default password, one that
# cannot be judged, or the device secret in the image. The table says which.
if ! "$IOTGUARDCTL" audit --root "$target"; then
	echo "post-build.sh: iotguardctl audit --root $target failed: this image must not ship" >&2
	exit 1
fi
"$top/scripts/os-release-support-end" "$target" --policy "$target/etc/iotguard/iotguard.conf"
