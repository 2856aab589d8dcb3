/* SPDX-License-Identifier: MIT */
/* netpeer.c — the other end of `lglaunch --net socket:PATH` for the launch tests: binds
 * its own Unix datagram socket, waits for lglaunch's socket at PATH, then sends an ARP
 * request and an ICMP echo request for the guest's address (one Ethernet frame per
 * datagram) and requires the exact replies: byte for byte the frames the guest must build,
 * computed here independently (padded to Ethernet's 60-byte minimum).
 *
 * usage: netpeer PATH GUEST_MAC GUEST_IP
 * Exit 0: both replies exact; 1: a reply missing or different (printed); 2: usage/setup. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t peer_ip[4] = {169, 254, 7, 1};

static void be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An ARP frame for IPv4 over Ethernet: op 1 request, 2 reply; padded to len by zeros. */
static void arp_frame(uint8_t *f, size_t len, const uint8_t *eth_dst, unsigned op,
		      const uint8_t *sha, const uint8_t *spa, const uint8_t *tha, const uint8_t *tpa)
{
	memset(f, 0, len);
	memcpy(f, eth_dst, 6);
	memcpy(f + 6, sha, 6);
	be16(f + 12, 0x0806);
	be16(f + 14, 1);
	be16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	be16(f + 20, op);
	memcpy(f + 22, sha, 6);
	memcpy(f + 28, spa, 4);
	memcpy(f + 32, tha, 6);
	memcpy(f + 38, tpa, 4);
}

static unsigned csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

static int parse_mac(const char *s, uint8_t m[6])
{
	unsigned b[6];
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)b[i];
	return 0;
}

static int parse_ip(const char *s, uint8_t ip[4])
{
	unsigned b[4];
	if (sscanf(s, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]) != 4)
		return -1;
	for (int i = 0; i < 4; i++)
		ip[i] = (uint8_t)b[i];
	return 0;
}

static void dump(const char *what, const uint8_t *p, size_t n)
{
	printf("%s (%zu bytes):", what, n);
	for (size_t i = 0; i < n; i++)
		printf("%s%02x", i % 16 ? " " : "\n  ", p[i]);
	printf("\n");
}

/* Send req, receive one datagram within 10 s and compare it with want. */
static int exchange(int fd, const struct sockaddr_un *to, const char *name, const uint8_t *req,
		    size_t rlen, const uint8_t *want, size_t wlen)
{
	if (sendto(fd, req, rlen, 0, (const struct sockaddr *)to, sizeof *to) != (ssize_t)rlen) {
		printf("FAIL: sending the %s: %s\n", name, strerror(errno));
		return 1;
	}
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, 10000) != 1) {
		printf("FAIL: no reply to the %s within 10 s\n", name);
		return 1;
	}
	uint8_t got[2048];
	ssize_t n = recv(fd, got, sizeof got, 0);
	if (n != (ssize_t)wlen || memcmp(got, want, wlen) != 0) {
		printf("FAIL: the reply to the %s differs\n", name);
		dump("expected", want, wlen);
		dump("got", got, n < 0 ? 0 : (size_t)n);
		return 1;
	}
	printf("ok: %s answered exactly (%zu bytes)\n", name, wlen);
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t gmac[6], gip[4];
	if (argc != 4 || parse_mac(argv[2], gmac) < 0 || parse_ip(argv[3], gip) < 0) {
		fprintf(stderr, "usage: netpeer PATH GUEST_MAC GUEST_IP\n");
		return 2;
	}
	struct sockaddr_un to = {.sun_family = AF_UNIX}, me = {.sun_family = AF_UNIX};
	snprintf(to.sun_path, sizeof to.sun_path, "%s", argv[1]);
	snprintf(me.sun_path, sizeof me.sun_path, "%s.peer", argv[1]);
	unlink(me.sun_path);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof me) < 0) {
		perror("netpeer: bind");
		return 2;
	}
	/* lglaunch binds PATH when it sets the device up. */
	struct stat st;
	for (int i = 0; i < 200 && stat(argv[1], &st) != 0; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	int fails = 0;

	/* ARP: who has GUEST_IP? tell 169.254.7.1 */
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, none[6] = {0};
	uint8_t arp[42], arp_want[60];
	arp_frame(arp, sizeof arp, bcast, 1, peer_mac, peer_ip, none, gip);
	arp_frame(arp_want, sizeof arp_want, peer_mac, 2, gmac, gip, peer_mac, peer_ip);
	/* The guest may still be booting: the first request waits in the socket. */
	fails += exchange(fd, &to, "ARP request", arp, sizeof arp, arp_want, sizeof arp_want);

	/* ICMP echo request, id 0x4c47, seq 1, 32 bytes of payload, TTL 17. */
	uint8_t echo[14 + 20 + 8 + 32], want[sizeof echo];
	memcpy(echo, gmac, 6);
	memcpy(echo + 6, peer_mac, 6);
	be16(echo + 12, 0x0800);
	uint8_t *ip = echo + 14, *ic = ip + 20;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	be16(ip + 2, 20 + 8 + 32);
	be16(ip + 4, 0x1234);
	ip[8] = 17;
	ip[9] = 1;
	memcpy(ip + 12, peer_ip, 4);
	memcpy(ip + 16, gip, 4);
	be16(ip + 10, csum(ip, 20));
	ic[0] = 8;
	ic[1] = 0;
	be16(ic + 2, 0);
	be16(ic + 4, 0x4c47);
	be16(ic + 6, 1);
	for (int i = 0; i < 32; i++)
		ic[8 + i] = (uint8_t)('a' + i % 26);
	be16(ic + 2, csum(ic, 40));
	/* The reply: addresses swapped, TTL 64, type 0, both checksums recomputed. */
	memcpy(want, echo, sizeof echo);
	memcpy(want, peer_mac, 6);
	memcpy(want + 6, gmac, 6);
	uint8_t *wip = want + 14, *wic = wip + 20;
	memcpy(wip + 12, gip, 4);
	memcpy(wip + 16, peer_ip, 4);
	wip[8] = 64;
	be16(wip + 10, 0);
	be16(wip + 10, csum(wip, 20));
	wic[0] = 0;
	be16(wic + 2, 0);
	be16(wic + 2, csum(wic, 40));
	fails += exchange(fd, &to, "ICMP echo request", echo, sizeof echo, want, sizeof want);
	close(fd);
	unlink(me.sun_path);
	return fails ? 1 : 0;
}
