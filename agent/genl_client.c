// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include "genl_client.h"

struct genl_client {
	struct nl_sock *sock;
	int family;
};

/* libnl reports its own error codes; callers want errno values. */
static int to_errno(int nl_err)
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
	return to_errno(ret);
}

void genl_client_close(struct genl_client *client)
{
	if (!client)
		return;
	nl_socket_free(client->sock);
	free(client);
}

static int send_cmd(struct genl_client *client, struct nl_msg *msg,
		    nl_recvmsg_msg_cb_t on_reply, void *arg)
{
	int ret;

	if (on_reply)
		nl_socket_modify_cb(client->sock, NL_CB_VALID, NL_CB_CUSTOM,
				    on_reply, arg);
	ret = nl_send_auto(client->sock, msg);
	if (ret >= 0)
		ret = nl_wait_for_ack(client->sock);
	if (ret >= 0 && on_reply)
		ret = 0;
	nl_socket_modify_cb(client->sock, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	return to_errno(ret < 0 ? ret : 0);
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
};

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

int genl_watch_open(struct genl_watch **out)
{
	struct genl_watch *watch;
	int group, ret;

	watch = calloc(1, sizeof(*watch));
	if (!watch)
		return -ENOMEM;
	watch->sock = nl_socket_alloc();
	if (!watch->sock) {
		ret = -NLE_NOMEM;
		goto err_free;
	}
	ret = genl_connect(watch->sock);
	if (ret < 0)
		goto err_sock;
	group = genl_ctrl_resolve_grp(watch->sock, CTRL_FAMILY, CTRL_NOTIFY_GROUP);
	if (group < 0) {
		ret = group;
		goto err_sock;
	}
	nl_socket_disable_seq_check(watch->sock);
	nl_socket_modify_cb(watch->sock, NL_CB_VALID, NL_CB_CUSTOM,
			    on_ctrl_notification, watch);
	ret = nl_socket_add_membership(watch->sock, group);
	if (ret < 0)
		goto err_sock;
	ret = nl_socket_set_nonblocking(watch->sock);
	if (ret < 0)
		goto err_sock;
	*out = watch;
	return 0;

err_sock:
	nl_socket_free(watch->sock);
err_free:
	free(watch);
	return to_errno(ret);
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
