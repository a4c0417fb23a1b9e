// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "netpath.h"
#include "sessions.h"
#include "util.h"

#define CONNECT_TIMEOUT_MS 3000

const char *source4(char *buf, int n)
{
	snprintf(buf, 64, "10.99.0.%d", n);
	return buf;
}

const char *source6(char *buf, int n)
{
	snprintf(buf, 64, "fd00:99::%x", n);
	return buf;
}

const char *other64(char *buf, int n)
{
	snprintf(buf, 64, "fd00:99:0:1::%x", n);
	return buf;
}

int listen_on(int port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int zero = 0, one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4096)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void drain(int listener)
{
	int fd;

	while ((fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(fd);
}

static int fill_addr(const char *text, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*len = sizeof(*in4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return AF_INET6;
	}
	return -1;
}

/* A socket made in the attacker's namespace stays there. */
static int socket_in_type(const char *netns, int family, int type, int protocol)
{
	char path[64];
	int self, target, fd;

	if (!netns)
		return socket(family, type, protocol);
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target = open(path, O_RDONLY | O_CLOEXEC);
	fd = -1;
	if (self >= 0 && target >= 0 && !setns(target, CLONE_NEWNET)) {
		fd = socket(family, type, protocol);
		if (setns(self, CLONE_NEWNET)) {
			/* Never carry on in the wrong namespace. */
			perror("setns back");
			_exit(1);
		}
	}
	if (self >= 0)
		close(self);
	if (target >= 0)
		close(target);
	return fd;
}

static int socket_in(const char *netns, int family)
{
	return socket_in_type(netns, family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
}

static int connect_from(const char *netns, const char *src, const char *dst, int port)
{
	struct sockaddr_storage local, remote;
	struct pollfd pfd = { .events = POLLOUT };
	socklen_t local_len, remote_len, len = sizeof(int);
	int family, err = 0;

	family = fill_addr(dst, port, &remote, &remote_len);
	if (family < 0 || (src && fill_addr(src, 0, &local, &local_len) != family))
		return -EINVAL;
	pfd.fd = socket_in(netns, family);
	if (pfd.fd < 0)
		return -errno;
	if (src && bind(pfd.fd, (struct sockaddr *)&local, local_len)) {
		err = -errno;
		goto out;
	}
	if (!connect(pfd.fd, (struct sockaddr *)&remote, remote_len))
		goto out;
	if (errno != EINPROGRESS) {
		err = -errno;
		goto out;
	}
	if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) != 1) {
		err = -ETIMEDOUT;
		goto out;
	}
	getsockopt(pfd.fd, SOL_SOCKET, SO_ERROR, &err, &len);
	err = -err;
out:
	close(pfd.fd);
	return err;
}

int attacker_connect(const char *src, const char *dst, int port)
{
	return connect_from(NETNS, src, dst, port);
}

int local_connect(const char *dst, int port)
{
	return connect_from(NULL, NULL, dst, port);
}

int setup_rename_paths(void)
{
	int ret = setup_network();

	if (ret || !access("/sys/class/net/" PATH2_DEVICE_IF, F_OK))
		return ret;
	return run_capture(IP " link add " PATH2_DEVICE_IF " type veth peer name veth3 && "
			   IP " link set veth3 netns " NETNS " && "
			   IP " addr add " PATH2_DEVICE_ADDR "/24 dev " PATH2_DEVICE_IF " && "
			   IP " link set " PATH2_DEVICE_IF " up && "
			   IP " -n " NETNS " addr add " PATH2_ATTACKER_ADDR "/24 dev veth3 && "
			   IP " -n " NETNS " link set veth3 up && "
			   IP " link add " PROV_IF " type veth peer name " PROV_IF "p && "
			   IP " link set " PROV_IF " up", NULL, 0);
}

int rename_link(const char *from, const char *to)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), IP " link set dev %s down && " IP " link set dev %s name %s && "
		 IP " link set dev %s up", from, from, to, to);
	return run_capture(cmd, NULL, 0);
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t add_words(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* A bare SYN; the checksum over the pseudo-header of saddr/daddr. */
static void make_syn(struct tcphdr *th, int port, uint32_t seq, const void *saddr,
		     const void *daddr, size_t addr_len)
{
	uint32_t sum;

	memset(th, 0, sizeof(*th));
	th->source = htons((uint16_t)(40000 + seq % 20000));
	th->dest = htons((uint16_t)port);
	th->seq = htonl(seq);
	th->doff = sizeof(*th) / 4;
	th->syn = 1;
	th->window = htons(64240);
	sum = add_words(0, saddr, addr_len);
	sum = add_words(sum, daddr, addr_len);
	sum += IPPROTO_TCP + sizeof(*th);
	sum = add_words(sum, th, sizeof(*th));
	th->check = htons(fold(sum));
}

long syn_flood(int family, const char *dst, int port, unsigned int n,
	       unsigned int per_source)
{
	struct {
		struct iphdr ip;
		struct tcphdr th;
	} p4;	/* no padding: both headers are multiples of 4 bytes */
	struct {
		struct ip6_hdr ip;
		struct tcphdr th;
	} p6;
	struct sockaddr_storage to;
	socklen_t to_len;
	long sent = 0;
	size_t len;
	void *pkt;
	int fd;

	if (n > FLOOD_MAX_SOURCES || fill_addr(dst, 0, &to, &to_len) != family)
		return -EINVAL;
	/* IPPROTO_RAW: we write the IP header, source address included. */
	fd = socket_in_type(NETNS, family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return -errno;
	memset(&p4, 0, sizeof(p4));
	p4.ip.version = 4;
	p4.ip.ihl = sizeof(p4.ip) / 4;
	p4.ip.ttl = 64;
	p4.ip.protocol = IPPROTO_TCP;
	p4.ip.tot_len = htons(sizeof(p4));
	p4.ip.daddr = ((struct sockaddr_in *)&to)->sin_addr.s_addr;
	memset(&p6, 0, sizeof(p6));
	p6.ip.ip6_vfc = 6 << 4;
	p6.ip.ip6_plen = htons(sizeof(p6.th));
	p6.ip.ip6_nxt = IPPROTO_TCP;
	p6.ip.ip6_hlim = 64;
	p6.ip.ip6_dst = ((struct sockaddr_in6 *)&to)->sin6_addr;
	/* fd00:66:0:i::1, one address in each /64 of fd00:66::/48 */
	p6.ip.ip6_src.s6_addr[0] = 0xfd;
	p6.ip.ip6_src.s6_addr[3] = 0x66;
	p6.ip.ip6_src.s6_addr[15] = 1;
	for (unsigned int i = 1; i <= n; i++) {
		if (family == AF_INET) {
			p4.ip.saddr = htonl(0x0a420000 | i);	/* 10.66.0.0/16 */
			make_syn(&p4.th, port, i, &p4.ip.saddr, &p4.ip.daddr, 4);
			pkt = &p4;
			len = sizeof(p4);
		} else {
			p6.ip.ip6_src.s6_addr[6] = (uint8_t)(i >> 8);
			p6.ip.ip6_src.s6_addr[7] = (uint8_t)i;
			make_syn(&p6.th, port, i, &p6.ip.ip6_src, &p6.ip.ip6_dst, 16);
			pkt = &p6;
			len = sizeof(p6);
		}
		for (unsigned int k = 0; k < per_source; k++) {
			if (sendto(fd, pkt, len, 0, (struct sockaddr *)&to, to_len) != (ssize_t)len) {
				sent = -errno;
				goto out;
			}
			sent++;
		}
	}
out:
	close(fd);
	return sent;
}
