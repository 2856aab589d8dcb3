/* SPDX-License-Identifier: MIT */
/* dev_net.c — virtio net (type 1), legacy, as the 3.x Launcher's --tunnet: vq0 receives
 * (frames from the backend into the guest's writable buffers), vq1 transmits (the guest's
 * readable chains to the backend).  Every frame travels behind the legacy 10-byte
 * virtio_net_hdr; no offload is offered, so the device writes a zero header and ignores
 * the guest's (the 3.x Launcher did the same).  Two backends:
 *   tap:IFNAME     a Linux tap device (/dev/net/tun, IFF_TAP | IFF_NO_PI), created if
 *                  missing, as --tunnet did;
 *   socket:PATH    a Unix datagram socket lglaunch binds at PATH: one Ethernet frame per
 *                  datagram, sent to the peer that last sent one (QEMU's -netdev dgram);
 *                  PATH is removed at exit.
 * From flags the device offers MAC (5), ANY_LAYOUT (27) and RING_INDIRECT_DESC (28): the
 * device reads and writes header and frame wherever the chain puts them, and walks
 * indirect tables.  Its config is the 3.x Launcher's 10-byte virtio_net_config {mac,
 * status 0, max_virtqueue_pairs 0}; the MAC is mac= or 02:4c:4b plus three random bytes,
 * drawn once per run.
 *
 * Rules of the device (each a clear line, and the device failed; nothing is sent for a
 * refused frame): a transmit chain shorter than the header or with writable buffers, a
 * frame longer than 65535 bytes, a receive chain with readable buffers (checked when the
 * guest posts it: its kick of vq0).  Ring rules are the walker's, by check name (a
 * receive buffer over the rings is buf_into_rings). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lglaunch.h"

#define NET_HDR 10u           /* legacy struct virtio_net_hdr */
#define NET_FRAME_MAX 65535u  /* the largest frame the device accepts */
#define NET_F_MAC 5u
#define NET_CONFIG_LEN 10u

enum net_kind { NET_TAP, NET_SOCKET };

struct lgl_net {
	enum net_kind kind;
	int fd;
	char name[sizeof ((struct sockaddr_un *)0)->sun_path]; /* IFNAME or PATH */
	struct sockaddr_un peer;   /* socket: who sent last */
	socklen_t peer_len;
	uint16_t rx_checked;       /* receive chains before this avail index were checked */
	uint8_t frame[NET_HDR + NET_FRAME_MAX];
	uint64_t rx, tx, rx_dropped;
	double host_ns; /* time spent moving frames (ring walk, copy, the backend's I/O) */
};

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Exactly XX:XX:XX:XX:XX:XX (hex digits); 0 or -1. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo;
		if (hi < 0 || (lo = hexval(s[3 * i + 1])) < 0) /* stops at the NUL */
			return -1;
		if (s[3 * i + 2] != (i < 5 ? ':' : 0))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* "tap:IFNAME[,mac=..]" or "socket:PATH[,mac=..]" into kind, name and an optional MAC. */
static int parse_backend(const char *arg, enum net_kind *kind, char *name, size_t len,
			 uint8_t mac[6], bool *has_mac)
{
	const char *rest;
	if (strncmp(arg, "tap:", 4) == 0) {
		*kind = NET_TAP;
		rest = arg + 4;
	} else if (strncmp(arg, "socket:", 7) == 0) {
		*kind = NET_SOCKET;
		rest = arg + 7;
	} else {
		fprintf(stderr, "lglaunch: --net %s: expected tap:IFNAME or socket:PATH\n", arg);
		return -1;
	}
	const char *comma = strchr(rest, ',');
	size_t n = comma ? (size_t)(comma - rest) : strlen(rest);
	size_t max = *kind == NET_TAP ? IFNAMSIZ : len;
	if (n == 0 || n >= max) {
		fprintf(stderr, "lglaunch: --net %s: the %s must be 1 to %zu bytes\n", arg,
			*kind == NET_TAP ? "interface name" : "socket path", max - 1);
		return -1;
	}
	memcpy(name, rest, n);
	name[n] = 0;
	*has_mac = false;
	if (comma) {
		if (strncmp(comma, ",mac=", 5) != 0 || parse_mac(comma + 5, mac) < 0) {
			fprintf(stderr, "lglaunch: --net %s: expected ,mac=XX:XX:XX:XX:XX:XX after the %s\n",
				arg, *kind == NET_TAP ? "interface name" : "socket path");
			return -1;
		}
		*has_mac = true;
	}
	return 0;
}

static int net_describe(struct lg_device *d, const char *arg, unsigned num)
{
	(void)num;
	enum net_kind kind;
	char name[sizeof ((struct sockaddr_un *)0)->sun_path];
	uint8_t mac[6];
	bool has_mac;
	if (parse_backend(arg, &kind, name, sizeof name, mac, &has_mac) < 0)
		return -1;
	if (!has_mac) {
		/* Locally administered, unicast; the same for the whole run. */
		mac[0] = 0x02, mac[1] = 0x4c, mac[2] = 0x4b;
		if (getrandom(mac + 3, 3, 0) != 3)
			mac[3] = mac[4] = mac[5] = 0x01;
	}
	lgl_add_feature(d, NET_F_MAC);
	lgl_add_feature(d, LG_F_ANY_LAYOUT);
	lgl_add_feature(d, LG_F_RING_INDIRECT_DESC);
	d->config_len = NET_CONFIG_LEN;
	memcpy(d->config, mac, 6); /* status and max_virtqueue_pairs stay 0 */
	return 0;
}

static int open_tap(const char *ifname)
{
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "lglaunch: --net tap:%s: /dev/net/tun: %s\n", ifname, strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	size_t len = strlen(ifname); /* below IFNAMSIZ: parse_backend */
	memcpy(ifr.ifr_name, ifname, len < IFNAMSIZ ? len : IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "lglaunch: --net tap:%s: TUNSETIFF: %s\n", ifname, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int open_socket(const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0) {
		fprintf(stderr, "lglaunch: --net socket:%s: exists; lglaunch binds a new socket there "
				"and removes it at exit\n",
			path);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		fprintf(stderr, "lglaunch: --net socket:%s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* Frames up to the largest the device accepts. */
	int sz = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	return fd;
}

static int net_setup(struct lgl_vm *vm, struct lgl_device *dev, const struct lg_device *ld,
		     const char *arg)
{
	(void)vm, (void)ld;
	uint8_t mac[6];
	bool has_mac;
	struct lgl_net *n = calloc(1, sizeof *n);
	if (!n)
		return -1;
	if (parse_backend(arg, &n->kind, n->name, sizeof n->name, mac, &has_mac) < 0) {
		free(n);
		return -1;
	}
	n->fd = n->kind == NET_TAP ? open_tap(n->name) : open_socket(n->name);
	if (n->fd < 0) {
		free(n);
		return -1;
	}
	dev->priv = n;
	return 0;
}

static void net_teardown(struct lgl_vm *vm, struct lgl_device *dev)
{
	struct lgl_net *n = dev->priv;
	if (!n)
		return;
	if (vm->verbose)
		fprintf(stderr,
			"lglaunch: net %s: %llu frames received, %llu sent, %llu dropped, %.2f us host "
			"time per frame\n",
			n->name, (unsigned long long)n->rx, (unsigned long long)n->tx,
			(unsigned long long)n->rx_dropped,
			n->rx + n->tx ? n->host_ns / (double)(n->rx + n->tx) / 1e3 : 0.0);
	close(n->fd);
	if (n->kind == NET_SOCKET)
		unlink(n->name);
	free(n);
	dev->priv = NULL;
}

/* A rule of the device broken: one line, and the device failed. */
static void net_refuse(struct lgl_vm *vm, struct lgl_vq *vq, const struct lgl_chain *c,
		       const char *what)
{
	fprintf(stderr, "lglaunch: device[%u] (net) vq[%u]: chain at head %u: %s\n",
		vq->dev->index, vq->index, c->head, what);
	lgl_device_fail(vm, vq->dev);
}

/* Transmit: every available chain is one frame behind the header. */
static void net_transmit(struct lgl_vm *vm, struct lgl_vq *vq, struct lgl_net *n)
{
	struct lgl_chain c;
	while (lgl_vq_pop(vm, vq, &c) == LGL_POP_OK) {
		char why[128];
		if (c.n > c.nout) {
			net_refuse(vm, vq, &c, "writable buffers in the transmit queue");
			return;
		}
		if (c.out_len < NET_HDR) {
			snprintf(why, sizeof why,
				 "%llu bytes, shorter than the %u-byte virtio_net_hdr; nothing sent",
				 (unsigned long long)c.out_len, NET_HDR);
			net_refuse(vm, vq, &c, why);
			return;
		}
		uint64_t len = c.out_len - NET_HDR;
		if (len > NET_FRAME_MAX) {
			snprintf(why, sizeof why,
				 "a frame of %llu bytes, longer than %u; nothing sent",
				 (unsigned long long)len, NET_FRAME_MAX);
			net_refuse(vm, vq, &c, why);
			return;
		}
		lgl_chain_read(&c, NET_HDR, n->frame, (size_t)len);
		ssize_t w;
		if (n->kind == NET_TAP)
			w = write(n->fd, n->frame, (size_t)len);
		else if (n->peer_len)
			w = sendto(n->fd, n->frame, (size_t)len, 0, (struct sockaddr *)&n->peer,
				   n->peer_len);
		else
			w = (ssize_t)len; /* nobody listens yet: the wire drops it */
		if (w >= 0)
			n->tx++;
		lgl_vq_push(vm, vq, c.head, 0);
	}
}

/* The guest posted receive buffers: check each new chain once (writable only). */
static void net_rx_posted(struct lgl_vm *vm, struct lgl_vq *vq, struct lgl_net *n)
{
	struct lgl_chain c;
	uint16_t idx = (uint16_t)(n->rx_checked - vq->last_avail) <= vq->num ? n->rx_checked
									     : vq->last_avail;
	for (;; idx++) {
		enum lgl_pop r = lgl_vq_peek(vm, vq, idx, &c);
		if (r != LGL_POP_OK)
			break;
		if (c.nout) {
			net_refuse(vm, vq, &c, "device-readable buffers in the receive queue");
			break;
		}
	}
	n->rx_checked = idx;
}

static void net_service(struct lgl_vm *vm, struct lgl_vq *vq)
{
	struct lgl_net *n = vq->dev->priv;
	double t0 = now_ns();
	if (vq->index == 1)
		net_transmit(vm, vq, n);
	else if (vq->index == 0)
		net_rx_posted(vm, vq, n);
	n->host_ns += now_ns() - t0;
}

static bool net_wants_input(struct lgl_vm *vm, struct lgl_device *dev, int *fd)
{
	struct lgl_net *n = dev->priv;
	*fd = n->fd;
	return dev->nvq >= 2 && lgl_vq_has_avail(vm, &dev->vq[0]);
}

/* A frame is waiting: into the next receive chain, behind a zero header. */
static void net_input(struct lgl_vm *vm, struct lgl_device *dev)
{
	struct lgl_net *n = dev->priv;
	struct lgl_vq *vq = &dev->vq[0];
	ssize_t got;
	double t0 = now_ns();
	struct sockaddr_un from;
	socklen_t flen = sizeof from;
	memset(n->frame, 0, NET_HDR);
	if (n->kind == NET_TAP)
		got = read(n->fd, n->frame + NET_HDR, NET_FRAME_MAX);
	else
		got = recvfrom(n->fd, n->frame + NET_HDR, NET_FRAME_MAX, 0, (struct sockaddr *)&from,
			       &flen);
	if (got < 0)
		return; /* EAGAIN: nothing after all */
	if (n->kind == NET_SOCKET && flen > sizeof(sa_family_t)) {
		n->peer = from;
		n->peer_len = flen;
	}
	struct lgl_chain c;
	if (lgl_vq_pop(vm, vq, &c) != LGL_POP_OK)
		return;
	if (c.nout) {
		net_refuse(vm, vq, &c, "device-readable buffers in the receive queue");
		return;
	}
	uint64_t len = NET_HDR + (uint64_t)got, done = 0;
	if (len > c.in_len) {
		n->rx_dropped++; /* the guest's buffers are too small: it gets an empty one back */
		lgl_vq_push(vm, vq, c.head, 0);
		return;
	}
	for (unsigned i = c.nout; i < c.n && done < len; i++) {
		size_t k = c.iov[i].len < len - done ? c.iov[i].len : (size_t)(len - done);
		memcpy(c.iov[i].host, n->frame + done, k);
		done += k;
	}
	n->rx++;
	lgl_vq_push(vm, vq, c.head, (uint32_t)len);
	n->host_ns += now_ns() - t0;
}

const struct lgl_dev_class lgl_net_class = {
	.type = LG_TYPE_NET,
	.nvq = 2,
	.flag = "net",
	.flag_arg = "BACKEND",
	.flag_help = "a virtio net device (repeatable): tap:IFNAME[,mac=MAC]\n"
		     "(a Linux tap device) or socket:PATH[,mac=MAC] (one frame per\n"
		     "datagram on a Unix socket lglaunch binds at PATH)",
	.arg_optional = true, /* a spec's NIC without --net has no cable: it stays idle */
	.service = net_service,
	.wants_input = net_wants_input,
	.input = net_input,
	.describe = net_describe,
	.setup = net_setup,
	.teardown = net_teardown,
};
