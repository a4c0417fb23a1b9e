// SPDX-License-Identifier: GPL-2.0
/*
 * BPF links held by the module from `iotguardctl lock` until reboot.
 *
 * The login guard's LSM links and the outbound policy's cgroup links are
 * pinned in bpffs, and a pin is only a name: root can unlink it, or unmount
 * bpffs, and the last reference goes with it, detaching the program.
 * Holding a reference here keeps each link, and so its program, attached
 * until the module is unloaded, which a lock refuses. Tracing (LSM) links
 * cannot be detached or have their program replaced through
 * BPF_LINK_DETACH / BPF_LINK_UPDATE; cgroup links can, and after lock the
 * login guard refuses both commands (login_guard.bpf.c). Only LSM and
 * cgroup links are taken.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <net/netlink.h>
#include "judge.h"
#include "links.h"
#include "objects.h"
#include "state.h"

/* Kbuild says which form the kernel's namespace import takes, if any. */
#if IOTGUARD_BPF_NS == 2
MODULE_IMPORT_NS("BPF_INTERNAL");
#elif IOTGUARD_BPF_NS == 1
MODULE_IMPORT_NS(BPF_INTERNAL);
#endif

static DEFINE_MUTEX(links_lock);
static struct bpf_link *held[IOTGUARD_MAX_HELD_LINKS];
static unsigned int n_held;

static void link_put(struct bpf_link *link)
{
	bpf_link_put(link);
	iotguard_object_gone(IOTGUARD_OBJ_BPF_REF);
}

static bool is_held(const struct bpf_link *link)
{
	unsigned int i;

	for (i = 0; i < n_held; i++)
		if (held[i] == link)
			return true;
	return false;
}

/*
 * Take a reference to each link whose fd is in the nest: all of them, or
 * none. Links already held are skipped, so a repeated lock is harmless.
 */
int iotguard_links_hold(const struct nlattr *nest, struct netlink_ext_ack *extack)
{
	struct bpf_link *taken[IOTGUARD_MAX_HELD_LINKS];
	unsigned int n_taken = 0, i;
	const struct nlattr *attr;
	int rem, ret = 0;

	mutex_lock(&links_lock);
	nla_for_each_nested(attr, nest, rem) {
		struct bpf_link *link;

		if (nla_type(attr) != IOTGUARD_A_LINK_FD || nla_len(attr) != sizeof(u32)) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "only link fds belong here");
			ret = -EINVAL;
			goto err;
		}
		link = bpf_link_get_from_fd(nla_get_u32(attr));
		if (IS_ERR(link)) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "not a BPF link");
			ret = PTR_ERR(link);
			goto err;
		}
		iotguard_object_new(IOTGUARD_OBJ_BPF_REF);
		if (!(link->type == BPF_LINK_TYPE_TRACING &&
		      link->prog->type == BPF_PROG_TYPE_LSM) &&
		    link->type != BPF_LINK_TYPE_CGROUP) {
			link_put(link);
			NL_SET_ERR_MSG_ATTR(extack, attr, "not a BPF LSM or cgroup link");
			ret = -EINVAL;
			goto err;
		}
		for (i = 0; i < n_taken; i++)
			if (taken[i] == link)
				break;
		if (i < n_taken || is_held(link)) {
			link_put(link);
			continue;
		}
		if (n_held + n_taken == IOTGUARD_MAX_HELD_LINKS) {
			link_put(link);
			NL_SET_ERR_MSG_ATTR(extack, attr, "too many links");
			ret = -E2BIG;
			goto err;
		}
		taken[n_taken++] = link;
	}
	/* A judge set where none was is never a weakening: no unwinding. */
	for (i = 0; i < n_taken; i++) {
		ret = iotguard_judge_from_link(taken[i], extack);
		if (ret)
			goto err;
	}
	for (i = 0; i < n_taken; i++)
		held[n_held++] = taken[i];
	mutex_unlock(&links_lock);
	if (n_taken)
		pr_info("holding %u BPF LSM link(s) until reboot\n", n_held);
	return 0;

err:
	while (n_taken)
		link_put(taken[--n_taken]);
	mutex_unlock(&links_lock);
	return ret;
}

u32 iotguard_links_held(void)
{
	u32 n;

	mutex_lock(&links_lock);
	n = n_held;
	mutex_unlock(&links_lock);
	return n;
}

/*
 * Module exit: only reachable before a lock, or by a forced unload
 * (CONFIG_MODULE_FORCE_UNLOAD). After a lock the references are kept, on
 * purpose: the links, and the programs that guard logins and outbound
 * connections, stay attached until reboot whatever is unpinned later.
 */
void iotguard_links_release(void)
{
	mutex_lock(&links_lock);
	if (n_held && iotguard_state_locked()) {
		pr_warn("forced unload while locked: %u BPF link(s) stay attached until reboot\n",
			n_held);
		while (n_held) {
			held[--n_held] = NULL;
			iotguard_object_gone(IOTGUARD_OBJ_BPF_REF);	/* kept, not leaked */
		}
	}
	while (n_held)
		link_put(held[--n_held]);
	mutex_unlock(&links_lock);
}
