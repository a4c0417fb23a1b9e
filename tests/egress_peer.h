/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outbound policy's guest tests: a peer in the "attacker" namespace
 * (sessions.h) that counts what arrives on each port, and the device's
 * side of every outbound path.
 */
#ifndef IOTGUARD_TEST_EGRESS_PEER_H
#define IOTGUARD_TEST_EGRESS_PEER_H

#include <stdbool.h>
#include <linux/types.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "egress.h"

#define PEER6 "fd00:99::2"
#define PORT_OPEN 4430		/* the tests' tables allow these two */
#define UDP_OPEN 5300
#define PORT_SHUT 4431		/* and not these */
#define UDP_SHUT 5301
/* settle(): at least this long, and until the peer has passed twice, at most SETTLE_MAX_MS. */
#define WAIT_MS 100
#define SETTLE_MAX_MS 30000

/*
 * Each egress test's limit, setup included. Loading the programs or a
 * policy through the agent took 4-13 s under TCG on a busy 2-core host, a
 * DNS refresh 3/4 of a 30 s TTL; the limit leaves a wide margin.
 */
#define EGRESS_TEST_TIMEOUT_S 180

/* Arrivals at the peer, per port, counted by a child in its namespace. */
struct arrivals {
	volatile int tcp_open, tcp_shut, udp_open, udp_shut, ready;
	volatile int passes;	/* of the peer's counting loop */
};

/* Fork the counting peer (arr in shared memory); it runs until killed. */
pid_t start_peer(struct arrivals *arr);
/* Its arrivals in fresh shared memory, the peer started (*pid) and ready; NULL on failure. */
struct arrivals *peer_up(pid_t *pid);
/* Stop the peer and free its arrivals. */
void peer_down(struct arrivals *arr, pid_t pid);
/* A TCP listener (backlog 128) or UDP socket, non-blocking, on addr and port; -1 on failure. */
int peer_socket(const char *addr, int type, int port);
/* addr (IPv4 or IPv6 text) and port into *ss; the length. */
int sockaddr_of(const char *addr, int port, struct sockaddr_storage *ss);
/* connect() from the device (and a datagram for UDP): 0 or -errno. */
int dev_connect(int type, const char *addr, int port);
/* An unconnected sendto(): 0 or -errno. */
int dev_sendto(const char *addr, int port, int flags, int type);
/* sendmmsg() of two datagrams: the count sent, or -errno. */
int dev_sendmmsg(const char *addr, int port);
/* A ping socket's echo request, connect()ed or by sendto(): 0 or -errno. */
int dev_ping(const char *addr, bool use_connect);
/* The watchers' ring buffer of refusals (EGRESS_WATCH_PIN), and the last event read. */
struct egress_watch {
	struct ring_buffer *rb;
	int fd;
	struct egress_event ev;
};
/* Open it, past what earlier tests left: 0 or -errno. */
int egress_watch_open(struct egress_watch *w);
/* The next refusal within timeout_ms into w->ev: 0, or -ETIME (none), or -errno. */
int egress_watch_next(struct egress_watch *w, int timeout_ms);
void egress_watch_close(struct egress_watch *w);
/* The outbound programs' count of one kind (enum egress_stat); 0 if unreadable. */
__u64 egress_stat(int which);
/*
 * The refusal count once it reaches target: a refused packet may leave
 * later than the call that queued it (softirq, a retransmit), on a busy
 * machine seconds later. Waits at most SETTLE_MAX_MS.
 */
__u64 denied_reaching(__u64 target);
/* Wait until what was sent to the peer is counted (see egress_peer.c). */
void settle(void);
/*
 * A counter of the IP stack of network namespace netns (NULL: this
 * process's): "Icmp:InEchoReps" (/proc/net/snmp) or "Icmp6InEchoReplies"
 * (/proc/net/snmp6); -1 if none.
 */
long snmp_in(const char *netns, const char *name);
/* The same in the peer's namespace. */
long peer_snmp(const char *name);
/*
 * An inbound connection from the peer's address to the device's listener
 * l (on port) that came over a third network namespace: root gave that
 * namespace the peer's address, routed the address there over the veth
 * ja0 (the device's end) and connected from it. The accepted socket, or
 * -1; *client is the child holding the connecting end.
 */
int accept_via_third_ns(int l, int port, pid_t *client);
/*
 * The same namespace and route, but the client connects from src: the
 * peer's address, or THIRD_NS_CLIENT (THIRD_NS_CLIENT6), an address of
 * the tunnels' inner network (which the tests' tables allow) on the same
 * link, where the device's end has THIRD_NS_OWN (THIRD_NS_OWN6).
 */
#define THIRD_NS_OWN "10.77.9.1"
#define THIRD_NS_CLIENT "10.77.9.2"
/* The same for IPv6, in JUDGE_INNER_NET6; the client reaches DEVICE_ADDR6. */
#define THIRD_NS_OWN6 "fd00:7a:9::1"
#define THIRD_NS_CLIENT6 "fd00:7a:9::2"
int accept_via_third_ns_from(int l, int port, const char *src, pid_t *client);
/*
 * The same namespace, but the device's route to the peer's address stays
 * the peer's link: a client there sends the device's listener l (on
 * port) a SYN from the peer's address, which nothing answers there. The
 * client (which closes l), or -1.
 */
pid_t syn_via_third_ns(int l, int port);
/*
 * The same over a route back by ja0, whose SYN-ACKs are lost (sent to a
 * hardware address nobody has): the listener keeps the handshake pending
 * and retransmits its SYN-ACK, routed anew each time. The client (which
 * closes l), or -1.
 */
pid_t pending_syn_via_third_ns(int l, int port);
#define ACC_NS "egress-acc"
/* The same from the peer itself (its namespace): the accepted socket or -1, the client in *client. */
int accept_from_peer(int l, int port, pid_t *client);
/* Its end: the client killed, ja0 and the namespace removed. */
void third_ns_down(pid_t client);
/* A namespace of the lock test's, where root makes devices to move. */
#define IDX_NS "egress-idx"
/* dev's index in network namespace ns ("" for the test's own), or 0. */
unsigned int index_in(const char *ns, const char *dev);
/*
 * A veth jb0 in namespace IDX_NS at index idx, its far end jb1 in the
 * peer's namespace: fillers take IDX_NS's indexes before idx (a namespace
 * gives each new device its next index). 0, or -1 if idx was passed.
 */
int veth_at_index_in_ns(unsigned int idx);

/* Packets the module's judge dropped (egress_judge_dropped); ~0 if unreadable. */
unsigned long long judge_dropped(void);

#endif
