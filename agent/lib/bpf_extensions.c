// SPDX-License-Identifier: GPL-2.0
/* Is any extension (freplace) program loaded: the lock's check. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "bpf_extensions.h"

static int prog_info(__u32 id, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);
	int fd, ret;

	memset(info, 0, sizeof(*info));
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	ret = bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
	close(fd);
	return ret;
}

/* The program the extension prog_id is attached to by a link: its id, or 0. */
static __u32 extended_program(__u32 prog_id)
{
	__u32 id = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id), ret;

		if (fd < 0)
			continue;
		ret = bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (!ret && info.type == BPF_LINK_TYPE_TRACING && info.prog_id == prog_id)
			return info.tracing.target_obj_id;
	}
	return 0;
}

int bpf_no_extensions(struct iotguard_error *err)
{
	struct bpf_prog_info info, target;
	char attached[128] = "";
	__u32 id = 0, target_id;
	int ret;

	for (;;) {
		if (bpf_prog_get_next_id(id, &id))
			return errno == ENOENT ? 0 :
			       iotguard_fail_errno(err, errno, "listing the loaded BPF programs");
		ret = prog_info(id, &info);
		/* Unloaded since it was listed. */
		if (ret == -ENOENT)
			continue;
		if (ret)
			return iotguard_fail_errno(err, -ret, "reading BPF program %u", id);
		if (info.type == BPF_PROG_TYPE_EXT)
			break;
	}
	target_id = extended_program(id);
	if (target_id && !prog_info(target_id, &target))
		snprintf(attached, sizeof(attached), ", attached to program %u (%s),", target_id,
			 target.name);
	return iotguard_fail(err, EBUSY, "BPF program %u (%s) is an extension (freplace)%s which "
			     "can replace what the login guard's and the outbound policy's "
			     "programs decide: unload it first", id, info.name, attached);
}
