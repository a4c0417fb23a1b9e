/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * iotguard generic netlink interface, shared by the kernel module and the
 * userspace agent.
 *
 * Family name: "iotguard" (IOTGUARD_GENL_NAME), version 1.
 *
 * Every attribute is validated strictly: an attribute not listed for a
 * command, a wrong length, a flag bit not defined here or a missing required
 * attribute is refused with EINVAL and changes nothing. Unknown commands get
 * EOPNOTSUPP. Commands marked [admin] need CAP_NET_ADMIN; anyone may read.
 *
 * IOTGUARD_CMD_GET_STATUS (anyone)
 *   request: no attributes
 *   reply:   IOTGUARD_CMD_GET_STATUS with
 *     IOTGUARD_A_VERSION            NLA_NUL_STRING  module version
 *     IOTGUARD_A_MODE               NLA_U32         enum iotguard_mode
 *     IOTGUARD_A_CRED_STATE         NLA_U32         enum iotguard_cred_state
 *     IOTGUARD_A_POLICY_GENERATION  NLA_U64         accepted policy changes
 *                                                   since the module loaded
 *     IOTGUARD_A_COUNTERS           NLA_NESTED
 *       IOTGUARD_CTR_MODE_CHANGES       NLA_U64     set-mode that changed it
 *       IOTGUARD_CTR_REFUSED_REQUESTS   NLA_U64     mutations refused by a
 *                                                   semantic check
 *       IOTGUARD_CTR_CRED_STATE_CHANGES NLA_U64     set-cred-state that changed it
 *
 * IOTGUARD_CMD_SET_MODE [admin]
 *   request:
 *     IOTGUARD_A_MODE   NLA_U32  required; enum iotguard_mode
 *     IOTGUARD_A_FLAGS  NLA_U32  optional; IOTGUARD_SET_F_* bits
 *   reply: none (ack). On success the policy generation is incremented.
 *
 * IOTGUARD_CMD_SET_CRED_STATE [admin]
 *   request:
 *     IOTGUARD_A_CRED_STATE  NLA_U32  required; enum iotguard_cred_state,
 *                                     "default" or "provisioned" (the audit's
 *                                     verdict; "unknown" is only the boot state)
 *   reply: none (ack).
 *
 * The same values are readable by anyone under /sys/kernel/iotguard/.
 */
#ifndef _UAPI_IOTGUARD_H
#define _UAPI_IOTGUARD_H

#define IOTGUARD_GENL_NAME "iotguard"
#define IOTGUARD_GENL_VERSION 1

enum iotguard_cmd {
	IOTGUARD_CMD_UNSPEC,
	IOTGUARD_CMD_GET_STATUS,
	IOTGUARD_CMD_SET_MODE,
	IOTGUARD_CMD_SET_CRED_STATE,
	__IOTGUARD_CMD_MAX
};
#define IOTGUARD_CMD_MAX (__IOTGUARD_CMD_MAX - 1)

/*
 * off:     nothing is enforced or reported.
 * audit:   violations are counted and reported, never refused.
 * enforce: violations are refused. The module starts here: closed until the
 *          agent's first audit says the device is safe.
 */
enum iotguard_mode {
	IOTGUARD_MODE_OFF,
	IOTGUARD_MODE_AUDIT,
	IOTGUARD_MODE_ENFORCE,
	__IOTGUARD_MODE_MAX
};
#define IOTGUARD_MODE_MAX (__IOTGUARD_MODE_MAX - 1)

/* Names shown in sysfs and accepted by iotguardctl, in enum order. */
#define IOTGUARD_MODE_NAMES { "off", "audit", "enforce" }

/*
 * unknown:     no audit has reported yet; treated exactly like default.
 * default:     some login-enabled account has an empty or known-default
 *              password, or is not provisioned yet.
 * provisioned: every login-enabled account has a unique password.
 */
enum iotguard_cred_state {
	IOTGUARD_CRED_UNKNOWN,
	IOTGUARD_CRED_DEFAULT,
	IOTGUARD_CRED_PROVISIONED,
	__IOTGUARD_CRED_MAX
};
#define IOTGUARD_CRED_MAX (__IOTGUARD_CRED_MAX - 1)

/* Names shown in sysfs and by iotguardctl, in enum order. */
#define IOTGUARD_CRED_STATE_NAMES { "unknown", "default", "provisioned" }

/* IOTGUARD_A_FLAGS bits for IOTGUARD_CMD_SET_MODE. */
enum iotguard_set_flag {
	/* Refuse (EPERM) if the new mode is weaker than the current one. */
	IOTGUARD_SET_F_NO_WEAKEN = 1U << 0,
	__IOTGUARD_SET_F_ALL = IOTGUARD_SET_F_NO_WEAKEN
};

enum iotguard_attr {
	IOTGUARD_A_UNSPEC,
	IOTGUARD_A_PAD,
	IOTGUARD_A_VERSION,
	IOTGUARD_A_MODE,
	IOTGUARD_A_FLAGS,
	IOTGUARD_A_CRED_STATE,
	IOTGUARD_A_POLICY_GENERATION,
	IOTGUARD_A_COUNTERS,
	__IOTGUARD_A_MAX
};
#define IOTGUARD_A_MAX (__IOTGUARD_A_MAX - 1)

enum iotguard_counter {
	IOTGUARD_CTR_UNSPEC,
	IOTGUARD_CTR_PAD,
	IOTGUARD_CTR_MODE_CHANGES,
	IOTGUARD_CTR_REFUSED_REQUESTS,
	IOTGUARD_CTR_CRED_STATE_CHANGES,
	__IOTGUARD_CTR_MAX
};
#define IOTGUARD_CTR_MAX (__IOTGUARD_CTR_MAX - 1)

#endif /* _UAPI_IOTGUARD_H */
