/* SPDX-License-Identifier: GPL-2.0 */
/* Talks to the iotguard kernel module over generic netlink (libnl-genl-3). */
#ifndef IOTGUARD_GENL_CLIENT_H
#define IOTGUARD_GENL_CLIENT_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "gate_settings.h"
#include "iotguard.h"

struct genl_client;

struct module_status {
	char version[32];
	uint32_t mode;
	uint32_t cred_state;
	uint64_t policy_generation;
	uint64_t counters[__IOTGUARD_CTR_MAX];
	bool locked;
	uint32_t held_links;	/* BPF links the module holds since the lock */
	struct gate_settings gate;
	uint32_t throttle_table_size;
	uint32_t throttle_entries;
	bool throttle_pressure;		/* a table-full refusal lately */
	uint32_t egress_judge;		/* its BPF program id; 0: none */
};

/*
 * Errors are negative errno values. -ENOENT from genl_client_open means the
 * module is not loaded (the family does not exist).
 */
int genl_client_open(struct genl_client **client);
void genl_client_close(struct genl_client *client);
int genl_client_get_status(struct genl_client *client,
			   struct module_status *status);
int genl_client_set_mode(struct genl_client *client, uint32_t mode,
			 uint32_t flags);
int genl_client_set_cred_state(struct genl_client *client, uint32_t cred_state);
/* Send the whole gate configuration; the kernel applies it at once. */
int genl_client_set_gate(struct genl_client *client, const struct gate_settings *gate);
/*
 * Refuse every weakening and the module's unload until reboot, and hold the
 * BPF LSM links link_fds[0..n_links) until then (all or none).
 */
int genl_client_lock(struct genl_client *client, const int *link_fds, size_t n_links);

/*
 * The outbound policy's cgroup_skb/egress program (prog_fd) judges the
 * packets no cgroup hook sees: tunnels' outer packets, forwarded packets.
 */
int genl_client_set_egress_judge(struct genl_client *client, int prog_fd);

/*
 * A non-blocking socket joined to a family's multicast group, delivering
 * each message to on_msg(msg, arg). 0 or -errno.
 */
struct nl_sock;
struct nl_msg;
int genl_subscribe(const char *family, const char *group,
		   int (*on_msg)(struct nl_msg *msg, void *arg), void *arg,
		   struct nl_sock **out);

/*
 * Watch the genetlink controller for the iotguard family appearing, which
 * happens when the module is (re)loaded and starts closed again.
 */
struct genl_watch;
int genl_watch_open(struct genl_watch **watch);
void genl_watch_close(struct genl_watch *watch);
int genl_watch_fd(const struct genl_watch *watch);
/* Drain pending notifications: 1 if the family (re)appeared, else 0. */
int genl_watch_read(struct genl_watch *watch);

/*
 * Whether err, the module's answer to a change asked with CAP_NET_ADMIN, is the
 * refusal of a module locked until reboot (EPERM or EACCES while its status
 * says locked) rather than a want of privilege. Asks the module over
 * client, or over one of its own if client is NULL; the status read goes
 * to *status unless that is NULL.
 */
bool genl_client_refused_by_lock(struct genl_client *client, int err,
				 struct module_status *status);

#endif
