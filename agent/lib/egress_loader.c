// SPDX-License-Identifier: GPL-2.0
/* Loading, attaching and pinning the outbound policy's BPF programs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_pin.h"
#include "egress.h"
#include "egress.skel.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "error.h"
#include "genl_client.h"

bool egress_pinned(void)
{
	return access(EGRESS_LINK_PIN_PREFIX "egress_connect4", F_OK) == 0 &&
	       access(EGRESS_LINK_PIN_PREFIX "egress_connect6", F_OK) == 0;
}

static bool is_lsm(const struct bpf_program *prog)
{
	return bpf_program__type(prog) == BPF_PROG_TYPE_LSM;
}

/*
 * Pinned maps of an older, incompatible version: drop their names and load
 * again with new ones (*new_maps). The old links keep their maps, and
 * enforce them, until the new links replace them, which they must then do
 * even where a program's code is the same: a program's tag does not say
 * which maps it uses, and policies are written into the new ones.
 */
static int load(const struct egress_attach_opts *opts, struct egress_bpf **out,
		bool *new_maps, struct iotguard_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .pin_root_path = EGRESS_PIN_DIR);
	struct bpf_program *prog;
	struct bpf_map *map;
	int ret = 0;

	for (int attempt = 0; attempt < 2; attempt++) {
		struct egress_bpf *skel = egress_bpf__open_opts(&open_opts);

		if (!skel)
			return iotguard_fail_errno(err, errno, "opening the egress BPF skeleton");
		bpf_object__for_each_program(prog, skel->obj)
			if (is_lsm(prog) && !opts->lsm)
				bpf_program__set_autoload(prog, false);
		skel->rodata->arrivals_recorded = opts->lsm;
		ret = egress_bpf__load(skel);
		/*
		 * Only the programs write where accepted connections came in,
		 * and the handshakes on their way: root writing them for its
		 * own socket would let the connection's answers out another
		 * way, unjudged. (After the load, lsm/bpf_map refuses them.)
		 */
		if (!ret && (bpf_map_freeze(bpf_map__fd(skel->maps.egress_arrival)) ||
			     bpf_map_freeze(bpf_map__fd(skel->maps.egress_handshakes)))) {
			ret = -errno;
			iotguard_fail_errno(err, errno, "freezing the egress_arrival and "
					    "egress_handshakes maps");
			egress_bpf__destroy(skel);
			return ret;
		}
		if (!ret) {
			*out = skel;
			*new_maps = attempt > 0;
			return 0;
		}
		iotguard_fail_errno(err, -ret, "loading the outbound policy's BPF programs");
		bpf_object__for_each_map(map, skel->obj)
			if (bpf_map__pin_path(map))
				unlink(bpf_map__pin_path(map));
		egress_bpf__destroy(skel);
	}
	return ret;
}

static int attach_one(struct bpf_program *prog, int cgroup_fd, const char *pin,
		      struct iotguard_error *err)
{
	struct bpf_link *link;
	int ret;

	if (is_lsm(prog))
		link = bpf_program__attach_lsm(prog);
	else
		link = bpf_program__attach_cgroup(prog, cgroup_fd);
	if (!link)
		return iotguard_fail_errno(err, errno, "attaching %s", bpf_program__name(prog));
	ret = bpf_pin_link(link, pin, err);
	bpf_link__destroy(link);
	return ret;
}

int egress_attach(const struct egress_attach_opts *opts, struct iotguard_error *err)
{
	struct egress_bpf *skel = NULL;
	struct egress_lock lock = {};
	struct bpf_program *prog;
	bool had_any = false, need = false, new_maps = false;
	int cgroup_fd, ret;
	char pin[128];

	/*
	 * Locked until reboot: the module holds the links, and loading a new
	 * copy could only fail (the lock refuses new LSM programs) or, with
	 * its retry, drop the pinned maps' names. The pinned programs stay,
	 * and policies are still written into their maps.
	 */
	if (!egress_lock_state(&lock) && lock.locked)
		return EGRESS_KEPT;
	if (mkdir(EGRESS_PIN_DIR, 0700) && errno != EEXIST)
		return iotguard_fail_errno(err, errno, "creating %s (is bpffs mounted on "
					   "/sys/fs/bpf?)", EGRESS_PIN_DIR);
	cgroup_fd = open(opts->cgroup_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup_fd < 0)
		return iotguard_fail_errno(err, errno, "opening the cgroup v2 root %s",
					   opts->cgroup_root);
	ret = load(opts, &skel, &new_maps, err);
	if (ret)
		goto out;
	ret = EGRESS_KEPT;
	need = new_maps;
	bpf_object__for_each_program(prog, skel->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		snprintf(pin, sizeof(pin), "%s%s", EGRESS_LINK_PIN_PREFIX,
			 bpf_program__name(prog));
		had_any |= access(pin, F_OK) == 0;
		need |= !bpf_pin_same_program(prog, pin);
	}
	/*
	 * All or none: where accepted connections came in is kept in maps
	 * that are not pinned, which only the programs of one load share (a
	 * handshake recorded by one load's program and looked up by
	 * another's would be lost).
	 */
	bpf_object__for_each_program(prog, skel->obj) {
		if (!need || !bpf_program__autoload(prog))
			continue;
		snprintf(pin, sizeof(pin), "%s%s", EGRESS_LINK_PIN_PREFIX,
			 bpf_program__name(prog));
		ret = attach_one(prog, cgroup_fd, pin, err);
		if (ret)
			break;
		ret = EGRESS_REPLACED;
	}
	if (ret == EGRESS_REPLACED && !had_any)
		ret = EGRESS_ATTACHED;
	egress_bpf__destroy(skel);
out:
	close(cgroup_fd);
	return ret;
}

int egress_set_judge(struct iotguard_error *err)
{
	struct genl_client *client;
	int prog_fd, ret;

	prog_fd = bpf_pin_link_prog_fd(EGRESS_LINK_PIN_PREFIX "egress_packet");
	if (prog_fd < 0)
		return iotguard_fail_errno(err, -prog_fd, "reading the pinned program %s",
					   EGRESS_LINK_PIN_PREFIX "egress_packet");
	ret = genl_client_open(&client);
	if (!ret) {
		ret = genl_client_set_egress_judge(client, prog_fd);
		genl_client_close(client);
	}
	close(prog_fd);
	if (ret)
		return iotguard_fail_errno(err, -ret, "handing the program to the kernel module%s",
					   ret == -ENOENT ? " (is iotguard.ko loaded?)" : "");
	return 0;
}
