// SPDX-License-Identifier: GPL-2.0
/*
 * xdp-pass: attach an XDP program that passes every packet to a network
 * device in native (driver) mode, detach it, or say what is attached, for
 * lab guests that have neither clang nor bpftool nor an iproute2 with XDP:
 *
 *   xdp-pass attach IFNAME    load "r0 = XDP_PASS; exit", attach it
 *   xdp-pass detach IFNAME    detach whatever is attached in driver mode
 *   xdp-pass query IFNAME     print "attached=<IFLA_XDP_ATTACHED value>"
 *
 * Driver mode only (XDP_FLAGS_DRV_MODE): the generic, skb-based mode would
 * never reach the driver's ndo_bpf, which is what the lab tests.  Exit
 * status 0 on success, 1 with a message on stderr otherwise.  Built
 * static by lab.sh on the host; raw bpf(2) and rtnetlink, no libraries.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define BUF_SIZE 8192
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[64];
};

static int prog_load(void)
{
	struct bpf_insn insns[] = {
		/* r0 = XDP_PASS */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const char license[] = "GPL";
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (unsigned long)license;
	return syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

static struct rtattr *put_attr(struct nlmsghdr *nh, unsigned short type,
			       const void *data, unsigned short len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh +
					       NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

/* Send one request, read the answer into @buf; the answer's length. */
static int talk(struct req *r, char *buf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int n;

	if (fd < 0)
		return -1;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	n = recv(fd, buf, BUF_SIZE, 0);
	close(fd);
	return n;
}

/* 0 if @buf holds an ack, else -1 with errno set from the error. */
static int acked(const char *buf, int n)
{
	const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;
	const struct nlmsgerr *e;

	if (n < 0)
		return -1;
	if (!NLMSG_OK(nh, (unsigned int)n) || nh->nlmsg_type != NLMSG_ERROR) {
		errno = EPROTO;
		return -1;
	}
	e = NLMSG_DATA(nh);
	errno = -e->error;
	return e->error ? -1 : 0;
}

static void req_init(struct req *r, unsigned short type, unsigned short flags,
		     int ifindex)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(r->ifi));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | flags;
	r->nh.nlmsg_seq = 1;
	r->ifi.ifi_family = AF_UNSPEC;
	r->ifi.ifi_index = ifindex;
}

/* Attach program @prog_fd (-1: detach) in driver mode. */
static int set_xdp(int ifindex, int prog_fd)
{
	unsigned int flags = XDP_FLAGS_DRV_MODE;
	char buf[BUF_SIZE];
	struct rtattr *nest;
	struct req r;

	req_init(&r, RTM_SETLINK, NLM_F_ACK, ifindex);
	nest = put_attr(&r.nh, IFLA_XDP | NLA_F_NESTED, NULL, 0);
	put_attr(&r.nh, IFLA_XDP_FD, &prog_fd, sizeof(prog_fd));
	put_attr(&r.nh, IFLA_XDP_FLAGS, &flags, sizeof(flags));
	nest->rta_len = (char *)&r.nh + r.nh.nlmsg_len - (char *)nest;
	return acked(buf, talk(&r, buf));
}

/* IFLA_XDP_ATTACHED of @ifindex: XDP_ATTACHED_*, or -1. */
static int query_xdp(int ifindex)
{
	const struct nlmsghdr *nh;
	const struct rtattr *a, *x;
	char buf[BUF_SIZE];
	struct req r;
	int n, len, xl;

	req_init(&r, RTM_GETLINK, 0, ifindex);
	n = talk(&r, buf);
	nh = (const struct nlmsghdr *)buf;
	if (n < 0 || !NLMSG_OK(nh, (unsigned int)n) ||
	    nh->nlmsg_type != RTM_NEWLINK)
		return -1;
	len = IFLA_PAYLOAD(nh);
	for (a = IFLA_RTA(NLMSG_DATA(nh)); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if ((a->rta_type & NLA_TYPE_MASK) != IFLA_XDP)
			continue;
		xl = RTA_PAYLOAD(a);
		for (x = RTA_DATA(a); RTA_OK(x, xl); x = RTA_NEXT(x, xl))
			if (x->rta_type == IFLA_XDP_ATTACHED)
				return *(const unsigned char *)RTA_DATA(x);
	}
	return XDP_ATTACHED_NONE;
}

static int load_and_attach(int ifindex)
{
	int fd = prog_load();

	if (fd < 0) {
		perror("xdp-pass: BPF_PROG_LOAD");
		return 1;
	}
	if (set_xdp(ifindex, fd)) {
		perror("xdp-pass: attach (driver mode)");
		return 1;
	}
	/* The link holds the program now; our descriptor may go. */
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int ifindex, attached;

	if (argc != 3) {
		fprintf(stderr, "usage: xdp-pass attach|detach|query IFNAME\n");
		return 1;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		perror("xdp-pass: if_nametoindex");
		return 1;
	}
	if (!strcmp(argv[1], "attach"))
		return load_and_attach(ifindex);
	if (!strcmp(argv[1], "detach")) {
		if (set_xdp(ifindex, -1)) {
			perror("xdp-pass: detach");
			return 1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "query")) {
		attached = query_xdp(ifindex);
		if (attached < 0) {
			fprintf(stderr, "xdp-pass: RTM_GETLINK failed\n");
			return 1;
		}
		printf("attached=%d\n", attached);
		return 0;
	}
	fprintf(stderr, "xdp-pass: unknown command %s\n", argv[1]);
	return 1;
}
