// SPDX-License-Identifier: GPL-2.0
/* Which generic netlink families the kernel has registered now. */
#include <errno.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include "genl_families.h"

int genl_family_ids(const char *const *names, size_t n, uint16_t *ids,
		    struct iotguard_error *err)
{
	struct nl_cache *cache = NULL;
	struct nl_sock *sock;
	int ret;

	sock = nl_socket_alloc();
	if (!sock)
		return iotguard_fail_errno(err, ENOMEM, "listing generic netlink families");
	ret = genl_connect(sock);
	if (!ret)
		ret = genl_ctrl_alloc_cache(sock, &cache);
	if (ret < 0) {
		ret = iotguard_fail(err, EIO, "listing generic netlink families: %s",
				    nl_geterror(ret));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct genl_family *family = genl_ctrl_search_by_name(cache, names[i]);

		ids[i] = family ? (uint16_t)genl_family_get_id(family) : 0;
		if (family)
			genl_family_put(family);
	}
out:
	nl_cache_free(cache);
	nl_socket_free(sock);
	return ret;
}
