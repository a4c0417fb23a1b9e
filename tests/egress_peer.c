// SPDX-License-Identifier: GPL-2.0
/* The outbound policy tests' counting peer and the device's side of each path. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "egress.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "netpath.h"
#include "sessions.h"
#include "util.h"

/* The peer of this process's tests, for settle(). */
static struct arrivals *watched;

/* Everything queued: a pass of the peer's loop leaves nothing uncounted. */
static void count_tcp(int fd, volatile int *counter)
{
	int c;

	while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		__atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
		close(c);
	}
}

static void count_udp(int fd, volatile int *counter)
{
	char buf[64];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		__atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
}

/* A TCP listener or UDP socket on addr (IPv4 or IPv6 text) and port; -1 on failure. */
int peer_socket(const char *addr, int type, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(addr, port, &ss);
	int one = 1, fd = socket(ss.ss_family, type | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) ||
	    (type == SOCK_STREAM && listen(fd, 128))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int listen_any(int type, int port)
{
	return peer_socket("::", type, port);
}

struct arrivals *peer_up(pid_t *pid)
{
	struct arrivals *arr = mmap(NULL, sizeof(*arr), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (arr == MAP_FAILED)
		return NULL;
	memset(arr, 0, sizeof(*arr));
	*pid = start_peer(arr);
	for (int i = 0; *pid > 0 && i < 3000 && !arr->ready; i++)
		usleep(1000);
	if (*pid > 0 && arr->ready)
		return arr;
	peer_down(arr, *pid);
	return NULL;
}

void peer_down(struct arrivals *arr, pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (arr)
		munmap(arr, sizeof(*arr));
}

/* In the peer namespace: count arrivals until killed. */
pid_t start_peer(struct arrivals *arr)
{
	pid_t pid = fork();

	if (pid) {
		watched = arr;
		return pid;
	}
	if (enter_attacker())
		_exit(1);
	/* TCP Fast Open on the server side, for the TFO case. */
	{
		int fd = open("/proc/sys/net/ipv4/tcp_fastopen", O_WRONLY);

		if (fd >= 0) {
			if (write(fd, "3", 1) < 0)
				_exit(1);
			close(fd);
		}
	}
	int t_open = listen_any(SOCK_STREAM, PORT_OPEN), t_shut = listen_any(SOCK_STREAM, PORT_SHUT);
	int u_open = listen_any(SOCK_DGRAM, UDP_OPEN), u_shut = listen_any(SOCK_DGRAM, UDP_SHUT);

	if (t_open < 0 || t_shut < 0 || u_open < 0 || u_shut < 0)
		_exit(1);
	arr->ready = 1;
	for (;;) {
		count_tcp(t_open, &arr->tcp_open);
		count_tcp(t_shut, &arr->tcp_shut);
		count_udp(u_open, &arr->udp_open);
		count_udp(u_shut, &arr->udp_shut);
		__atomic_add_fetch(&arr->passes, 1, __ATOMIC_SEQ_CST);
		usleep(1000);
	}
}

int sockaddr_of(const char *addr, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		return sizeof(*in);
	}
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &in6->sin6_addr);
	return sizeof(*in6);
}

/* connect() from the device: 0 or -errno. */
int dev_connect(int type, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(addr, port, &ss);
	int fd = socket(ss.ss_family, type, 0), ret;

	if (fd < 0)
		return -errno;
	ret = connect(fd, (struct sockaddr *)&ss, len) ? -errno : 0;
	if (!ret && type == SOCK_DGRAM && send(fd, "x", 1, 0) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* An unconnected sendto(): 0 or -errno. */
int dev_sendto(const char *addr, int port, int flags, int type)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(addr, port, &ss);
	int fd = socket(ss.ss_family, type, 0), ret;

	if (fd < 0)
		return -errno;
	ret = sendto(fd, "x", 1, flags, (struct sockaddr *)&ss, len) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* sendmmsg() of two datagrams: the count sent, or -errno. */
int dev_sendmmsg(const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(addr, port, &ss);
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct mmsghdr m[2] = {};
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0), ret;

	for (int i = 0; i < 2; i++) {
		m[i].msg_hdr.msg_name = &ss;
		m[i].msg_hdr.msg_namelen = len;
		m[i].msg_hdr.msg_iov = &iov;
		m[i].msg_hdr.msg_iovlen = 1;
	}
	ret = sendmmsg(fd, m, 2, 0);
	ret = ret < 0 ? -errno : ret;
	close(fd);
	return ret;
}

/* A ping socket's echo request: connect()ed or sendto(). 0 or -errno. */
int dev_ping(const char *addr, bool use_connect)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(addr, 0, &ss);
	struct icmphdr echo = { .type = ss.ss_family == AF_INET ? ICMP_ECHO : 128 };
	int fd = socket(ss.ss_family, SOCK_DGRAM,
			ss.ss_family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6), ret;

	if (fd < 0)
		return -errno;
	if (use_connect)
		ret = connect(fd, (struct sockaddr *)&ss, len) ||
		      send(fd, &echo, sizeof(echo), 0) < 0 ? -errno : 0;
	else
		ret = sendto(fd, &echo, sizeof(echo), 0, (struct sockaddr *)&ss, len) < 0 ?
		      -errno : 0;
	close(fd);
	return ret;
}

/*
 * What the device sent has reached the peer's queues by the time the
 * call returned (veth delivers in the sender's softirq); two whole passes
 * of the peer's loop from now have counted it, however busy the machine.
 */
void settle(void)
{
	int from = watched ? watched->passes : 0;

	usleep(WAIT_MS * 1000);
	for (int ms = 0; watched && watched->passes < from + 2 && ms < SETTLE_MAX_MS; ms += 10)
		usleep(10 * 1000);
}

static int take_event(void *ctx, void *data, size_t size)
{
	if (size == sizeof(struct egress_event))
		memcpy(ctx, data, size);
	return 0;
}

int egress_watch_open(struct egress_watch *w)
{
	int err;

	memset(w, 0, sizeof(*w));
	/* The watchers' buffer: the agent, if running, reads the other. */
	w->fd = bpf_obj_get(EGRESS_WATCH_PIN);
	if (w->fd < 0)
		return -errno;
	w->rb = ring_buffer__new(w->fd, take_event, &w->ev, NULL);
	if (!w->rb) {
		err = -errno;
		close(w->fd);
		return err;
	}
	while (ring_buffer__consume(w->rb) > 0)
		;
	memset(&w->ev, 0, sizeof(w->ev));
	return 0;
}

int egress_watch_next(struct egress_watch *w, int timeout_ms)
{
	int n;

	memset(&w->ev, 0, sizeof(w->ev));
	n = ring_buffer__poll(w->rb, timeout_ms);
	return n > 0 ? 0 : n == 0 ? -ETIME : n;
}

void egress_watch_close(struct egress_watch *w)
{
	ring_buffer__free(w->rb);
	close(w->fd);
}

__u64 egress_stat(int which)
{
	__u64 stats[__EGRESS_STAT_MAX] = {};

	return egress_read_stats(stats) ? 0 : stats[which];
}

__u64 denied_reaching(__u64 target)
{
	__u64 now = egress_stat(EGRESS_STAT_DENIED);

	for (int ms = 0; now < target && ms < SETTLE_MAX_MS; ms += 10) {
		usleep(10 * 1000);
		now = egress_stat(EGRESS_STAT_DENIED);
	}
	return now;
}

/*
 * A counter of the IP stack of network namespace netns (NULL: this
 * process's): "Icmp:InEchoReps" (/proc/net/snmp, a header line and a
 * value line per protocol) or "Icmp6InEchoReplies" (/proc/net/snmp6, a
 * name and a value per line). -1 if there is none.
 */
long snmp_in(const char *netns, const char *name)
{
	const char *colon = strchr(name, ':');
	char cmd[256], out[16384], *line, *next, *save = NULL;

	snprintf(cmd, sizeof(cmd), "%s%s cat /proc/net/snmp%s", netns ? IP " netns exec " : "",
		 netns ? netns : "", colon ? "" : "6");
	if (run_capture(cmd, out, sizeof(out)) || strlen(out) + 1 >= sizeof(out))
		return -1;
	for (line = strtok_r(out, "\n", &save); line; line = next) {
		next = strtok_r(NULL, "\n", &save);
		if (!colon) {
			size_t n = strlen(name);

			if (!strncmp(line, name, n) && (line[n] == ' ' || line[n] == '\t'))
				return strtol(line + n, NULL, 10);
			continue;
		}
		if (!next || strncmp(line, name, colon - name + 1))
			continue;
		/* The header names the fields; the next line has the values in order. */
		for (char *hs = NULL, *vs = NULL, *h = strtok_r(line, " ", &hs),
			  *v = strtok_r(next, " ", &vs); h && v;
		     h = strtok_r(NULL, " ", &hs), v = strtok_r(NULL, " ", &vs))
			if (!strcmp(h, colon + 1))
				return strtol(v, NULL, 10);
		return -1;
	}
	return -1;
}

long peer_snmp(const char *name)
{
	return snmp_in(NETNS, name);
}

#define IN_ACC IP " netns exec " ACC_NS " "

/* A client of the device's listener l (on port), connected from src; it holds on until killed. */
static pid_t held_client(int l, const char *netns_path, const char *src, int port)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(netns_path, O_RDONLY | O_CLOEXEC), c;
		struct sockaddr_storage me, to;
		socklen_t ml = sockaddr_of(src, 0, &me);
		socklen_t tl = sockaddr_of(me.ss_family == AF_INET6 ? DEVICE_ADDR6 : DEVICE_ADDR,
					   port, &to);

		close(l);
		if (fd < 0 || setns(fd, CLONE_NEWNET))
			_exit(1);
		c = socket(me.ss_family, SOCK_STREAM, 0);
		if (c < 0 || bind(c, (struct sockaddr *)&me, ml) ||
		    connect(c, (struct sockaddr *)&to, tl))
			_exit(2);
		pause();
		_exit(0);
	}
	return pid;
}

/* What l has to accept, within SETTLE_MAX_MS; -1 if nothing came. */
static int accept_within(int l)
{
	int a = -1;

	for (int ms = 0; a < 0 && ms < SETTLE_MAX_MS; ms += 10) {
		a = accept(l, NULL, NULL);
		if (a < 0)
			usleep(10 * 1000);
	}
	return a;
}

int accept_from_peer(int l, int port, pid_t *client)
{
	*client = held_client(l, "/run/netns/" NETNS, ATTACKER_ADDR, port);
	return *client < 0 ? -1 : accept_within(l);
}

/* The third namespace, holding the peer's address; the device routes it there if route_back. */
static int third_ns_up(bool route_back)
{
	if (sh(IP " netns add " ACC_NS " && "
	       IP " link add ja0 type veth peer name ja1 && "
	       IP " link set ja1 netns " ACC_NS " && "
	       IP " addr add 10.97.0.1/24 dev ja0 && " IP " link set ja0 up && "
	       IN_ACC IP " addr add 10.97.0.2/24 dev ja1 && "
	       IN_ACC IP " addr add " ATTACKER_ADDR "/32 dev ja1 && "
	       IN_ACC IP " link set ja1 up && "
	       IN_ACC IP " route add " DEVICE_ADDR "/32 via 10.97.0.1 src " ATTACKER_ADDR) ||
	    (route_back && sh(IP " route add " ATTACKER_ADDR "/32 via 10.97.0.2 dev ja0")))
		return -1;
	write_text("/proc/sys/net/ipv4/conf/all/rp_filter", "0");
	write_text("/proc/sys/net/ipv4/conf/ja0/rp_filter", "0");
	return 0;
}

int accept_via_third_ns_from(int l, int port, const char *src, pid_t *client)
{
	*client = -1;
	if (third_ns_up(true) ||
	    (!strcmp(src, THIRD_NS_CLIENT) &&
	     sh(IP " addr add " THIRD_NS_OWN "/24 dev ja0 && "
		IN_ACC IP " addr add " THIRD_NS_CLIENT "/24 dev ja1")) ||
	    (!strcmp(src, THIRD_NS_CLIENT6) &&
	     sh(IP " addr add " THIRD_NS_OWN6 "/64 dev ja0 nodad && "
		IN_ACC IP " addr add " THIRD_NS_CLIENT6 "/64 dev ja1 nodad && "
		IN_ACC IP " -6 route add " DEVICE_ADDR6 "/128 via " THIRD_NS_OWN6)))
		return -1;
	*client = held_client(l, "/run/netns/" ACC_NS, src, port);
	return *client < 0 ? -1 : accept_within(l);
}

int accept_via_third_ns(int l, int port, pid_t *client)
{
	return accept_via_third_ns_from(l, port, ATTACKER_ADDR, client);
}

pid_t syn_via_third_ns(int l, int port)
{
	return third_ns_up(false) ? -1 : held_client(l, "/run/netns/" ACC_NS, ATTACKER_ADDR, port);
}

pid_t pending_syn_via_third_ns(int l, int port)
{
	/* The SYN-ACK goes to a hardware address nobody has: the third namespace drops it. */
	if (third_ns_up(true) ||
	    sh(IP " neigh replace 10.97.0.2 lladdr 02:00:00:00:00:99 dev ja0 nud permanent"))
		return -1;
	return held_client(l, "/run/netns/" ACC_NS, ATTACKER_ADDR, port);
}

void third_ns_down(pid_t client)
{
	int status;

	if (client > 0) {
		kill(client, SIGKILL);
		waitpid(client, &status, 0);
	}
	run_capture(IP " link del ja0", NULL, 0);	/* gone already, if the test deleted it */
	sh(IP " netns del " ACC_NS);
}

unsigned int index_in(const char *ns, const char *dev)
{
	char cmd[256], out[256];

	snprintf(cmd, sizeof(cmd), "%s%s cat /sys/class/net/%s/ifindex", *ns ? IP " netns exec " : "",
		 ns, dev);
	if (run_capture(cmd, out, sizeof(out)))
		return 0;
	return (unsigned int)strtoul(out, NULL, 10);
}

int veth_at_index_in_ns(unsigned int idx)
{
	char cmd[256];
	unsigned int last = 1;	/* lo */

	for (int n = 0; last + 1 < idx; n++) {
		/* A pair takes two indexes here; one whose far end is elsewhere, one. */
		snprintf(cmd, sizeof(cmd), IP " -n " IDX_NS " link add jf%d type veth peer name jg%d%s",
			 n, n, last + 2 < idx ? "" : " netns " NETNS);
		if (sh(cmd))
			return -1;
		snprintf(cmd, sizeof(cmd), "jf%d", n);
		last = index_in(IDX_NS, cmd);
		if (!last)
			return -1;
	}
	if (sh(IP " -n " IDX_NS " link add jb0 type veth peer name jb1 netns " NETNS))
		return -1;
	return index_in(IDX_NS, "jb0") == idx ? 0 : -1;
}

unsigned long long judge_dropped(void)
{
	char buf[32];

	if (sysfs_read("counters/egress_judge_dropped", buf, sizeof(buf)))
		return ~0ULL;
	return strtoull(buf, NULL, 10);
}
