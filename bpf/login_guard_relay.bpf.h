/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of login_guard.bpf.c's object: a login session may not relay
 * (no outgoing connection, no listening socket: SSH -L and -R) while
 * any account is flagged.
 */
#ifndef IOTGUARD_LOGIN_GUARD_RELAY_BPF_H
#define IOTGUARD_LOGIN_GUARD_RELAY_BPF_H

/*
 * SSH forwarding runs inside the session process: refuse it while any
 * account is flagged (or before the first audit). Internet sockets and
 * stream Unix sockets relay; datagram Unix sockets (syslog) do not.
 */
static bool relays(struct socket *sock, int family)
{
	if (family == AF_INET || family == AF_INET6)
		return true;
	return family == AF_UNIX && BPF_CORE_READ(sock, type) == SOCK_STREAM;
}

static int relay_check(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct login_task *t = task_state(task);
	char comm[LOGIN_GUARD_COMM_LEN];
	struct login_program_key exe;
	struct settings s;
	__u32 uid;

	if (!t || (t->flags & (LOGIN_TASK_LOGIN | LOGIN_TASK_SESSION)) !=
		  (LOGIN_TASK_LOGIN | LOGIN_TASK_SESSION))
		return 0;
	read_settings(&s);
	if (s.audited && !s.flagged)
		return 0;
	if (on_console())
		return 0;
	describe_current(&exe, comm);
	uid = BPF_CORE_READ(task, cred, uid.val);
	count(LOGIN_GUARD_STAT_RELAY_DENIED);
	report(LOGIN_GUARD_REASON_RELAY, uid, s.audit_only, &exe, comm);
	return s.audit_only ? 0 : -EPERM;
}

SEC("lsm/socket_connect")
int BPF_PROG(login_guard_connect, struct socket *sock, struct sockaddr *address,
	     int addrlen, int ret)
{
	if (ret)
		return ret;
	if (!relays(sock, BPF_CORE_READ(address, sa_family)))
		return 0;
	return relay_check();
}

SEC("lsm/socket_listen")
int BPF_PROG(login_guard_listen, struct socket *sock, int backlog, int ret)
{
	if (ret)
		return ret;
	if (!relays(sock, BPF_CORE_READ(sock, sk, __sk_common.skc_family)))
		return 0;
	return relay_check();
}

/* sendto() with an address: UDP, and TCP Fast Open's implicit connect. */
SEC("lsm/socket_sendmsg")
int BPF_PROG(login_guard_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	int family;

	if (ret)
		return ret;
	if (!BPF_CORE_READ(msg, msg_name))
		return 0;
	family = BPF_CORE_READ(sock, sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	return relay_check();
}

#endif /* IOTGUARD_LOGIN_GUARD_RELAY_BPF_H */
