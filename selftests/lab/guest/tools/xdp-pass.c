// SPDX-License-Identifier: GPL-2.0
/*
 * xdp-pass: attach a tiny XDP program to a network device in native
 * (driver) mode, detach it, say what is attached, or print the device's
 * ethtool statistics, for lab guests that have neither clang nor bpftool
 * nor ethtool nor an iproute2 with XDP:
 *
 *   xdp-pass attach IFNAME [PROG]  load PROG (default pass), attach it;
 *                                  one already attached is replaced
 *   xdp-pass detach IFNAME         detach whatever is attached in driver mode
 *   xdp-pass query IFNAME          print "attached=<IFLA_XDP_ATTACHED value>"
 *   xdp-pass stats IFNAME          print "name value", one ethtool -S
 *                                  counter a line
 *
 * PROG, each hand-assembled BPF:
 *   pass      XDP_PASS for every packet
 *   drop      XDP_DROP for every packet
 *   aborted   XDP_ABORTED for every packet
 *   tx        an ICMP echo request (IPv4, no options) becomes its echo
 *             reply in place (MACs and addresses swapped, type 0, the
 *             checksum updated) and goes back out: XDP_TX; the rest passes
 *   redirect  the same reply, sent by bpf_redirect() to IFNAME itself
 *             (through the driver's ndo_xdp_xmit); the rest passes
 *
 * Driver mode only (XDP_FLAGS_DRV_MODE): the generic, skb-based mode would
 * never reach the driver's ndo_bpf, which is what the lab tests.  Exit
 * status 0 on success, 1 with a message on stderr otherwise (the kernel's
 * extack message too, when it gives one).  Built static by lab.sh on the
 * host; raw bpf(2), rtnetlink and SIOCETHTOOL, no libraries.
 */
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#define BUF_SIZE 8192
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[64];
};

#define MAX_INSNS 64

/* A program being assembled: forward jumps to "pass" patched at the end. */
struct prog {
	struct bpf_insn insn[MAX_INSNS];
	int n;
	int to_pass[16];
	int nr_to_pass;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src,
		 int16_t off, int32_t imm)
{
	struct bpf_insn *i = &p->insn[p->n++];

	memset(i, 0, sizeof(*i));
	i->code = code;
	i->dst_reg = dst;
	i->src_reg = src;
	i->off = off;
	i->imm = imm;
}

static void mov_imm(struct prog *p, int dst, int32_t imm)
{
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}

static void ret(struct prog *p, int verdict)
{
	mov_imm(p, BPF_REG_0, verdict);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static void load(struct prog *p, int size, int dst, int src, int16_t off)
{
	emit(p, BPF_LDX | BPF_MEM | size, dst, src, off, 0);
}

static void store(struct prog *p, int size, int dst, int16_t off, int src)
{
	emit(p, BPF_STX | BPF_MEM | size, dst, src, off, 0);
}

/* if (reg != imm) goto pass */
static void pass_unless(struct prog *p, int reg, int32_t imm)
{
	p->to_pass[p->nr_to_pass++] = p->n;
	emit(p, BPF_JMP | BPF_JNE | BPF_K, reg, 0, 0, imm);
}

/* Swap @size bytes at packet offsets @a and @b (r2 = data). */
static void swap(struct prog *p, int size, int16_t a, int16_t b)
{
	load(p, size, BPF_REG_4, BPF_REG_2, a);
	load(p, size, BPF_REG_5, BPF_REG_2, b);
	store(p, size, BPF_REG_2, a, BPF_REG_5);
	store(p, size, BPF_REG_2, b, BPF_REG_4);
}

/*
 * Echo request to echo reply, in place; the other packets jump to "pass".
 * Offsets: Ethernet 0 (dst 0, src 6, type 12), IPv4 14 (version/IHL 14,
 * protocol 23, source 26, destination 30), ICMP 34 (type 34, sum 36).
 * Loads are little-endian: EtherType 0x0800 reads 0x0008, and the sum
 * grows by 0x0800 as its big-endian value (type 8 -> 0) by adding 8 to
 * the swapped one, the one's complement carry folded back.
 */
static void reflect_echo(struct prog *p)
{
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 4, 0);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_2, 0, 0);
	emit(p, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, 42);
	p->to_pass[p->nr_to_pass++] = p->n;
	emit(p, BPF_JMP | BPF_JGT | BPF_X, BPF_REG_4, BPF_REG_3, 0, 0);
	load(p, BPF_H, BPF_REG_5, BPF_REG_2, 12);
	pass_unless(p, BPF_REG_5, 0x0008);
	load(p, BPF_B, BPF_REG_5, BPF_REG_2, 14);
	pass_unless(p, BPF_REG_5, 0x45);
	load(p, BPF_B, BPF_REG_5, BPF_REG_2, 23);
	pass_unless(p, BPF_REG_5, 1);
	load(p, BPF_B, BPF_REG_5, BPF_REG_2, 34);
	pass_unless(p, BPF_REG_5, 8);
	swap(p, BPF_W, 0, 6);
	swap(p, BPF_H, 4, 10);
	swap(p, BPF_W, 26, 30);
	mov_imm(p, BPF_REG_4, 0);
	store(p, BPF_B, BPF_REG_2, 34, BPF_REG_4);
	load(p, BPF_H, BPF_REG_4, BPF_REG_2, 36);
	emit(p, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, 8);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_5, BPF_REG_4, 0, 0);
	emit(p, BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_5, 0, 0, 16);
	emit(p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_4, 0, 0, 0xffff);
	emit(p, BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_4, BPF_REG_5, 0, 0);
	store(p, BPF_H, BPF_REG_2, 36, BPF_REG_4);
}

/* The "pass" label: here, and every jump to it patched. */
static void pass_label(struct prog *p)
{
	int i;

	for (i = 0; i < p->nr_to_pass; i++)
		p->insn[p->to_pass[i]].off = p->n - p->to_pass[i] - 1;
	ret(p, XDP_PASS);
}

/* Assemble program @name; 0, or -1 for an unknown name. */
static int assemble(struct prog *p, const char *name, int ifindex)
{
	memset(p, 0, sizeof(*p));
	if (!strcmp(name, "pass")) {
		ret(p, XDP_PASS);
	} else if (!strcmp(name, "drop")) {
		ret(p, XDP_DROP);
	} else if (!strcmp(name, "aborted")) {
		ret(p, XDP_ABORTED);
	} else if (!strcmp(name, "tx")) {
		reflect_echo(p);
		ret(p, XDP_TX);
		pass_label(p);
	} else if (!strcmp(name, "redirect")) {
		reflect_echo(p);
		mov_imm(p, BPF_REG_1, ifindex);
		mov_imm(p, BPF_REG_2, 0);
		emit(p, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_redirect);
		emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
		pass_label(p);
	} else {
		return -1;
	}
	return 0;
}

static int prog_load(const struct prog *p)
{
	static const char license[] = "GPL";
	static char log[65536];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (unsigned long)p->insn;
	attr.insn_cnt = p->n;
	attr.license = (unsigned long)license;
	attr.log_buf = (unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		fprintf(stderr, "%s", log);
	return fd;
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
	int one = 1, n;

	if (fd < 0)
		return -1;
	/* the kernel's reason for a refusal, printed by acked() */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	n = recv(fd, buf, BUF_SIZE, 0);
	close(fd);
	return n;
}

/* The extack message of an error answer, if the kernel gave one. */
static void print_extack(const struct nlmsghdr *nh, const struct nlmsgerr *e)
{
	const struct nlattr *a;
	int len;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	a = (const struct nlattr *)((const char *)e + sizeof(*e) +
				    NLMSG_ALIGN(e->msg.nlmsg_len) -
				    NLMSG_ALIGN(sizeof(e->msg)));
	if (nh->nlmsg_flags & NLM_F_CAPPED)
		a = (const struct nlattr *)((const char *)e + sizeof(*e));
	len = (int)nh->nlmsg_len - (int)((const char *)a - (const char *)nh);
	while (len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			fprintf(stderr, "xdp-pass: kernel says: %.*s\n",
				(int)(a->nla_len - sizeof(*a)),
				(const char *)(a + 1));
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a +
					    NLA_ALIGN(a->nla_len));
	}
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
	if (e->error)
		print_extack(nh, e);
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

static int load_and_attach(int ifindex, const char *name)
{
	struct prog p;
	int fd;

	if (assemble(&p, name, ifindex)) {
		fprintf(stderr, "xdp-pass: no program %s\n", name);
		return 1;
	}
	fd = prog_load(&p);
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

/* SIOCETHTOOL with @data for @ifname; 0 or -1. */
static int ethtool(int fd, const char *ifname, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

/* ethtool -S, as "name value" lines. */
static int print_stats(const char *ifname)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t len;
	} info;
	struct ethtool_gstrings *names;
	struct ethtool_stats *vals;
	uint32_t i, n;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&info, 0, sizeof(info));
	info.hdr.cmd = ETHTOOL_GSSET_INFO;
	info.hdr.sset_mask = 1ULL << ETH_SS_STATS;
	if (fd < 0 || ethtool(fd, ifname, &info) || !info.hdr.sset_mask) {
		perror("xdp-pass: ETHTOOL_GSSET_INFO");
		return 1;
	}
	n = info.len;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	vals = calloc(1, sizeof(*vals) + (size_t)n * sizeof(uint64_t));
	if (!names || !vals)
		return 1;
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	vals->cmd = ETHTOOL_GSTATS;
	vals->n_stats = n;
	if (ethtool(fd, ifname, names) || ethtool(fd, ifname, vals)) {
		perror("xdp-pass: ETHTOOL_GSTRINGS/GSTATS");
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%.*s %llu\n", ETH_GSTRING_LEN,
		       (const char *)names->data + (size_t)i * ETH_GSTRING_LEN,
		       (unsigned long long)vals->data[i]);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int ifindex, attached;

	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[1], "attach"))) {
		fprintf(stderr, "usage: xdp-pass attach IFNAME [pass|drop|aborted|tx|redirect]\n"
			"       xdp-pass detach|query|stats IFNAME\n");
		return 1;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		perror("xdp-pass: if_nametoindex");
		return 1;
	}
	if (!strcmp(argv[1], "attach"))
		return load_and_attach(ifindex, argc == 4 ? argv[3] : "pass");
	if (!strcmp(argv[1], "detach")) {
		if (set_xdp(ifindex, -1)) {
			perror("xdp-pass: detach");
			return 1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "stats"))
		return print_stats(argv[2]);
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
