# SPDX-License-Identifier: GPL-2.0
# iotguard's BR2_EXTERNAL tree: every package's .mk.
include $(sort $(wildcard $(BR2_EXTERNAL_IOTGUARD_PATH)/package/*/*.mk))
