// SPDX-License-Identifier: GPL-2.0
/* The kernel module's generic netlink family: commands, status, and family watches. */
#include <errno.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include "genl_client.h"

struct genl_client {
	struct nl_sock *sock;
	int family;
};

/*
 * libnl reports its own codes (-NLE_*), which strerror cannot name and
 * callers cannot test: they want -ENOENT for a module not loaded and
 * -EPERM or -EACCES for a refusal. Every error leaves this file as -errno.
 */
static int genl_to_errno(int nl_err)
{
	switch (-nl_err) {
	case 0: return 0;
	case NLE_PERM: return -EPERM;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_INVAL: return -EINVAL;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NOACCESS: return -EACCES;
	case NLE_RANGE: return -ERANGE;
	default: return -EIO;
	}
}

int genl_client_open(struct genl_client **out)
{
	struct genl_client *client;
	int ret;

	client = calloc(1, sizeof(*client));
	if (!client)
		return -ENOMEM;
	client->sock = nl_socket_alloc();
	if (!client->sock) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = genl_connect(client->sock);
	if (ret < 0)
		goto err_sock;
	client->family = genl_ctrl_resolve(client->sock, IOTGUARD_GENL_NAME);
	if (client->family < 0) {
		ret = client->family;
		goto err_sock;
	}
	*out = client;
	return 0;

err_sock:
	nl_socket_free(client->sock);
err_free:
	free(client);
	return genl_to_errno(ret);
}

void genl_client_close(struct genl_client *client)
{
	if (!client)
		return;
	nl_socket_free(client->sock);
	free(client);
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	*(bool *)arg = true;
	return NL_STOP;
}

/*
 * Send msg and read until its acknowledgement (or error): a reply and the
 * ack arrive as two datagrams, and one nl_recvmsgs() reads only the first.
 * An ack left unread would be taken for the next command's, and that
 * command's error (EPERM from a lock, say) for the one after.
 */
static int send_cmd(struct genl_client *client, struct nl_msg *msg,
		    nl_recvmsg_msg_cb_t on_reply, void *arg)
{
	struct nl_cb *own = nl_socket_get_cb(client->sock);
	struct nl_cb *cb = nl_cb_clone(own);
	bool acked = false;
	int ret;

	nl_cb_put(own);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &acked);
	if (on_reply)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_reply, arg);
	ret = nl_send_auto(client->sock, msg);
	while (ret >= 0 && !acked)
		ret = nl_recvmsgs(client->sock, cb);
	nl_cb_put(cb);
	return genl_to_errno(ret < 0 ? ret : 0);
}

static struct nl_msg *new_cmd(struct genl_client *client, uint8_t cmd,
			      int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, client->family,
				0, flags, cmd, IOTGUARD_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static struct nla_policy status_policy[IOTGUARD_A_MAX + 1] = {
	[IOTGUARD_A_VERSION] = { .type = NLA_STRING },
	[IOTGUARD_A_MODE] = { .type = NLA_U32 },
	[IOTGUARD_A_CRED_STATE] = { .type = NLA_U32 },
	[IOTGUARD_A_POLICY_GENERATION] = { .type = NLA_U64 },
	[IOTGUARD_A_COUNTERS] = { .type = NLA_NESTED },
	[IOTGUARD_A_LOCKED] = { .type = NLA_U8 },
	[IOTGUARD_A_LOGIN_PORTS] = { .type = NLA_NESTED },
	[IOTGUARD_A_PROV_IFNAME] = { .type = NLA_STRING },
	[IOTGUARD_A_PROV_NET4] = { .type = NLA_NESTED },
	[IOTGUARD_A_PROV_NET6] = { .type = NLA_NESTED },
	[IOTGUARD_A_THROTTLE_BURST] = { .type = NLA_U32 },
	[IOTGUARD_A_THROTTLE_INTERVAL_MS] = { .type = NLA_U32 },
	[IOTGUARD_A_THROTTLE_TABLE_SIZE] = { .type = NLA_U32 },
	[IOTGUARD_A_THROTTLE_ENTRIES] = { .type = NLA_U32 },
	[IOTGUARD_A_HELD_LINKS] = { .type = NLA_U32 },
	[IOTGUARD_A_PROV_IFINDEX] = { .type = NLA_U32 },
	[IOTGUARD_A_THROTTLE_PRESSURE] = { .type = NLA_U8 },
	[IOTGUARD_A_EGRESS_JUDGE] = { .type = NLA_U32 },
};

static void parse_subnet(struct nlattr *nest, struct gate_subnet *subnet,
			 size_t addr_len)
{
	struct nlattr *tb[IOTGUARD_NET_A_MAX + 1];

	memset(subnet, 0, sizeof(*subnet));
	if (!nest || nla_parse_nested(tb, IOTGUARD_NET_A_MAX, nest, NULL) ||
	    !tb[IOTGUARD_NET_A_ADDR] || !tb[IOTGUARD_NET_A_PREFIX_LEN] ||
	    (size_t)nla_len(tb[IOTGUARD_NET_A_ADDR]) != addr_len)
		return;
	memcpy(subnet->addr, nla_data(tb[IOTGUARD_NET_A_ADDR]), addr_len);
	subnet->prefix_len = nla_get_u8(tb[IOTGUARD_NET_A_PREFIX_LEN]);
	subnet->set = true;
}

static void parse_gate(struct nlattr **attrs, struct module_status *status)
{
	struct gate_settings *gate = &status->gate;
	struct nlattr *port;
	int rem;

	if (attrs[IOTGUARD_A_LOCKED])
		status->locked = nla_get_u8(attrs[IOTGUARD_A_LOCKED]);
	if (attrs[IOTGUARD_A_HELD_LINKS])
		status->held_links = nla_get_u32(attrs[IOTGUARD_A_HELD_LINKS]);
	if (attrs[IOTGUARD_A_EGRESS_JUDGE])
		status->egress_judge = nla_get_u32(attrs[IOTGUARD_A_EGRESS_JUDGE]);
	if (attrs[IOTGUARD_A_LOGIN_PORTS])
		nla_for_each_nested(port, attrs[IOTGUARD_A_LOGIN_PORTS], rem)
			if (nla_type(port) == IOTGUARD_A_LOGIN_PORT)
				gate_settings_add_port(gate, nla_get_u16(port));
	if (attrs[IOTGUARD_A_PROV_IFNAME])
		nla_strlcpy(gate->prov_ifname, attrs[IOTGUARD_A_PROV_IFNAME],
			    sizeof(gate->prov_ifname));
	if (attrs[IOTGUARD_A_PROV_IFINDEX])
		gate->prov_ifindex = nla_get_u32(attrs[IOTGUARD_A_PROV_IFINDEX]);
	parse_subnet(attrs[IOTGUARD_A_PROV_NET4], &gate->net4, 4);
	parse_subnet(attrs[IOTGUARD_A_PROV_NET6], &gate->net6, 16);
	if (attrs[IOTGUARD_A_THROTTLE_BURST])
		gate->throttle_burst = nla_get_u32(attrs[IOTGUARD_A_THROTTLE_BURST]);
	if (attrs[IOTGUARD_A_THROTTLE_INTERVAL_MS])
		gate->throttle_interval_ms = nla_get_u32(attrs[IOTGUARD_A_THROTTLE_INTERVAL_MS]);
	if (attrs[IOTGUARD_A_THROTTLE_TABLE_SIZE])
		status->throttle_table_size = nla_get_u32(attrs[IOTGUARD_A_THROTTLE_TABLE_SIZE]);
	if (attrs[IOTGUARD_A_THROTTLE_ENTRIES])
		status->throttle_entries = nla_get_u32(attrs[IOTGUARD_A_THROTTLE_ENTRIES]);
	if (attrs[IOTGUARD_A_THROTTLE_PRESSURE])
		status->throttle_pressure = nla_get_u8(attrs[IOTGUARD_A_THROTTLE_PRESSURE]);
}

static int parse_status(struct nl_msg *msg, void *arg)
{
	struct module_status *status = arg;
	struct nlattr *attrs[IOTGUARD_A_MAX + 1];
	struct nlattr *ctrs[IOTGUARD_CTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, IOTGUARD_A_MAX,
			  status_policy) < 0)
		return NL_SKIP;
	if (attrs[IOTGUARD_A_VERSION])
		nla_strlcpy(status->version, attrs[IOTGUARD_A_VERSION],
			    sizeof(status->version));
	if (attrs[IOTGUARD_A_MODE])
		status->mode = nla_get_u32(attrs[IOTGUARD_A_MODE]);
	if (attrs[IOTGUARD_A_CRED_STATE])
		status->cred_state = nla_get_u32(attrs[IOTGUARD_A_CRED_STATE]);
	if (attrs[IOTGUARD_A_POLICY_GENERATION])
		status->policy_generation =
			nla_get_u64(attrs[IOTGUARD_A_POLICY_GENERATION]);
	if (attrs[IOTGUARD_A_COUNTERS] &&
	    !nla_parse_nested(ctrs, IOTGUARD_CTR_MAX,
			      attrs[IOTGUARD_A_COUNTERS], NULL)) {
		for (int i = IOTGUARD_CTR_PAD + 1; i <= IOTGUARD_CTR_MAX; i++)
			if (ctrs[i])
				status->counters[i] = nla_get_u64(ctrs[i]);
	}
	parse_gate(attrs, status);
	return NL_OK;
}

int genl_client_get_status(struct genl_client *client,
			   struct module_status *status)
{
	struct nl_msg *msg = new_cmd(client, IOTGUARD_CMD_GET_STATUS, 0);
	int ret;

	if (!msg)
		return -ENOMEM;
	memset(status, 0, sizeof(*status));
	ret = send_cmd(client, msg, parse_status, status);
	nlmsg_free(msg);
	return ret;
}

int genl_client_set_mode(struct genl_client *client, uint32_t mode,
			 uint32_t flags)
{
	struct nl_msg *msg = new_cmd(client, IOTGUARD_CMD_SET_MODE, 0);
	int ret = -ENOMEM;

	if (!msg)
		return ret;
	if (nla_put_u32(msg, IOTGUARD_A_MODE, mode) == 0 &&
	    (!flags || nla_put_u32(msg, IOTGUARD_A_FLAGS, flags) == 0))
		ret = send_cmd(client, msg, NULL, NULL);
	nlmsg_free(msg);
	return ret;
}

int genl_client_set_cred_state(struct genl_client *client, uint32_t cred_state)
{
	struct nl_msg *msg = new_cmd(client, IOTGUARD_CMD_SET_CRED_STATE, 0);
	int ret = -ENOMEM;

	if (!msg)
		return ret;
	if (nla_put_u32(msg, IOTGUARD_A_CRED_STATE, cred_state) == 0)
		ret = send_cmd(client, msg, NULL, NULL);
	nlmsg_free(msg);
	return ret;
}

static int put_subnet(struct nl_msg *msg, int type, const struct gate_subnet *subnet,
		      size_t addr_len)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	if (!nest)
		return -EMSGSIZE;
	/* An empty nest clears the exemption. */
	if (subnet->set &&
	    (nla_put(msg, IOTGUARD_NET_A_ADDR, (int)addr_len, subnet->addr) ||
	     nla_put_u8(msg, IOTGUARD_NET_A_PREFIX_LEN, subnet->prefix_len)))
		return -EMSGSIZE;
	/* libnl drops an empty nest unless asked to keep it. */
	nla_nest_end_keep_empty(msg, nest);
	return 0;
}

static int put_gate(struct nl_msg *msg, const struct gate_settings *gate)
{
	struct nlattr *ports = nla_nest_start(msg, IOTGUARD_A_LOGIN_PORTS);

	if (!ports)
		return -EMSGSIZE;
	for (size_t i = 0; i < gate->port_count; i++)
		if (nla_put_u16(msg, IOTGUARD_A_LOGIN_PORT, gate->ports[i]))
			return -EMSGSIZE;
	nla_nest_end_keep_empty(msg, ports);
	if (nla_put_string(msg, IOTGUARD_A_PROV_IFNAME, gate->prov_ifname) ||
	    put_subnet(msg, IOTGUARD_A_PROV_NET4, &gate->net4, 4) ||
	    put_subnet(msg, IOTGUARD_A_PROV_NET6, &gate->net6, 16) ||
	    nla_put_u32(msg, IOTGUARD_A_THROTTLE_BURST, gate->throttle_burst) ||
	    nla_put_u32(msg, IOTGUARD_A_THROTTLE_INTERVAL_MS, gate->throttle_interval_ms))
		return -EMSGSIZE;
	return 0;
}

int genl_client_set_gate(struct genl_client *client, const struct gate_settings *gate)
{
	struct nl_msg *msg = new_cmd(client, IOTGUARD_CMD_SET_GATE, 0);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = put_gate(msg, gate);
	if (!ret)
		ret = send_cmd(client, msg, NULL, NULL);
	nlmsg_free(msg);
	return ret;
}

int genl_client_lock(struct genl_client *client, const int *link_fds, size_t n_links)
{
	struct nl_msg *msg = new_cmd(client, IOTGUARD_CMD_LOCK, 0);
	struct nlattr *nest;
	int ret = -ENOMEM;

	if (!msg)
		return -ENOMEM;
	if (n_links) {
		nest = nla_nest_start(msg, IOTGUARD_A_LINKS);
		if (!nest)
			goto out;
		for (size_t i = 0; i < n_links; i++)
			if (nla_put_u32(msg, IOTGUARD_A_LINK_FD, (uint32_t)link_fds[i]))
				goto out;
		nla_nest_end(msg, nest);
	}
	ret = send_cmd(client, msg, NULL, NULL);
out:
	nlmsg_free(msg);
	return ret;
}

int genl_client_set_egress_judge(struct genl_client *client, int prog_fd)
{
	struct nl_msg *msg = new_cmd(client, IOTGUARD_CMD_SET_EGRESS_JUDGE, 0);
	int ret = -EMSGSIZE;

	if (!msg)
		return -ENOMEM;
	if (!nla_put_u32(msg, IOTGUARD_A_PROG_FD, (uint32_t)prog_fd))
		ret = send_cmd(client, msg, NULL, NULL);
	nlmsg_free(msg);
	return ret;
}

/* The genetlink controller and its multicast group for family changes. */
#define CTRL_FAMILY "nlctrl"
#define CTRL_NOTIFY_GROUP "notify"

struct genl_watch {
	struct nl_sock *sock;
	int appeared;
};

static int on_ctrl_notification(struct nl_msg *msg, void *arg)
{
	struct genl_watch *watch = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *attrs[CTRL_ATTR_MAX + 1];

	if (gh->cmd != CTRL_CMD_NEWFAMILY ||
	    genlmsg_parse(nlh, 0, attrs, CTRL_ATTR_MAX, NULL) < 0 ||
	    !attrs[CTRL_ATTR_FAMILY_NAME])
		return NL_SKIP;
	if (!strcmp(nla_get_string(attrs[CTRL_ATTR_FAMILY_NAME]), IOTGUARD_GENL_NAME))
		watch->appeared = 1;
	return NL_OK;
}

int genl_subscribe(const char *family, const char *group, nl_recvmsg_msg_cb_t on_msg,
		   void *arg, struct nl_sock **out)
{
	struct nl_sock *sock = nl_socket_alloc();
	int id, ret;

	if (!sock)
		return -ENOMEM;
	ret = genl_connect(sock);
	if (ret < 0)
		goto err;
	id = genl_ctrl_resolve_grp(sock, family, group);
	if (id < 0) {
		ret = id;
		goto err;
	}
	nl_socket_disable_seq_check(sock);
	nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, on_msg, arg);
	ret = nl_socket_add_membership(sock, id);
	if (ret < 0)
		goto err;
	ret = nl_socket_set_nonblocking(sock);
	if (ret < 0)
		goto err;
	*out = sock;
	return 0;

err:
	nl_socket_free(sock);
	return genl_to_errno(ret);
}

/*
 * genl_watch_* and genl_events_* (genl_events.c) share the shape of a
 * subscription (open, close, fd, read), each with its own state and
 * callback; what they share in logic is genl_subscribe().
 */
int genl_watch_open(struct genl_watch **out)
{
	struct genl_watch *watch = calloc(1, sizeof(*watch));
	int ret;

	if (!watch)
		return -ENOMEM;
	ret = genl_subscribe(CTRL_FAMILY, CTRL_NOTIFY_GROUP, on_ctrl_notification, watch,
			     &watch->sock);
	if (ret) {
		free(watch);
		return ret;
	}
	*out = watch;
	return 0;
}

void genl_watch_close(struct genl_watch *watch)
{
	if (!watch)
		return;
	nl_socket_free(watch->sock);
	free(watch);
}

int genl_watch_fd(const struct genl_watch *watch)
{
	return nl_socket_get_fd(watch->sock);
}

int genl_watch_read(struct genl_watch *watch)
{
	watch->appeared = 0;
	while (nl_recvmsgs_default(watch->sock) >= 0)
		;
	return watch->appeared;
}

/*
 * Whether this process holds CAP_NET_ADMIN, which the module's mutations
 * ask for (GENL_ADMIN_PERM): without it a refusal says nothing of the lock.
 * Asked of the kernel, not inferred from the uid: a daemon may run as
 * another user with the capability.
 */
static bool has_net_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	return data[CAP_NET_ADMIN / 32].effective & (1U << (CAP_NET_ADMIN % 32));
}

bool genl_client_refused_by_lock(struct genl_client *client, int err,
				 struct module_status *status)
{
	struct genl_client *own = NULL;
	struct module_status st;

	if ((err != -EPERM && err != -EACCES) || !has_net_admin())
		return false;
	if (!client && genl_client_open(&own))
		return false;
	if (!status)
		status = &st;
	err = genl_client_get_status(client ? client : own, status);
	genl_client_close(own);
	return !err && status->locked;
}
