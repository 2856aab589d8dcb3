/* SPDX-License-Identifier: MIT */
/* guest.c — the lgkit sample guest: a tiny freestanding kernel, built from this one source
 * as an ELF32 (EM_386) and an ELF64 (EM_X86_64) guest for lglaunch.
 *
 * It does what an lguest Guest's bus driver (drivers/lguest/lguest_device.c) did: read the
 * e820 entry from the zero page, find the device page at max_pfn << 12, walk the
 * descriptors, and for each device reset it, acknowledge it, negotiate features, tell the
 * Host the features are final, set up each ring at its pfn and set DRIVER_OK.  Then it uses
 * the devices — console output, block write/read-back/flush, rng bytes — and shuts down
 * with a status that becomes lglaunch's exit code.  Hypercalls are the port writes of
 * tools/lglaunch/lg_hcall.h.
 *
 * Ring-0 guest code is emulated one instruction at a time on our PVM KVM (about 5 M
 * instructions/s; tools/lglaunch/README.md): keep
 * every path short, clear nothing big, use no SSE (-mgeneral-regs-only).
 *
 * Command-line words (ARGS of lglaunch) select scenarios:
 *   now                 shut down at once (launch benchmarks)
 *   exit=N              shut down with status N when all went well
 *   rnghex              print the rng bytes
 *   echo                read one buffer of console input (stdin) and print it
 *   blkbench=SIZE,COUNT read COUNT requests of SIZE bytes from the disk, print nothing more
 *   desc_loop desc_next_range buf_in_ram buf_into_rings idx_window desc_out_after_in
 *   head_range status_bits bad_notify early_kick feat_acked_subset (needs a disk)
 *   status_failed       set FAILED (allowed: lglaunch warns, resets the device, exit 0)
 *                       hostile: break that rule on the console (after the banner), then
 *                       shut down with status 0 (lglaunch must report it and exit 3)
 *   wait                with a hostile word: wait for the broken request instead
 *   ip=A.B.C.D pings=N  with a net device: answer ARP and N ICMP echo requests for A.B.C.D
 *   net_rx_readonly net_rx_into_rings net_tx_short net_tx_huge
 *                       hostile: break that rule on the net device, then shut down
 *   crash=KIND          crash at once, before any IDT exists: ud (ud2), div (divide by
 *                       zero), pf (page fault), wild (read outside guest memory), halt
 *                       (cli; hlt), spin (cli and loop: only --timeout ends it)
 *   trap=KIND           the same after the IDT is set up: the guest's handler reports
 *                       "guest: exception NN" and shuts down with status 99
 */
#include "lg_hcall.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long uptr;

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4

#ifdef __x86_64__
#define FLAVOUR "64-bit"
#else
#define FLAVOUR "32-bit"
#endif

/* ------------------------------------------------------------------ libc bits */

void *memcpy(void *d, const void *s, uptr n);
void *memset(void *d, int c, uptr n);
int memcmp(const void *a, const void *b, uptr n);

void *memcpy(void *d, const void *s, uptr n)
{
	u8 *dp = d;
	const u8 *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, uptr n)
{
	u8 *dp = d;
	while (n--)
		*dp++ = (u8)c;
	return d;
}

int memcmp(const void *a, const void *b, uptr n)
{
	const u8 *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

static int streq_n(const char *a, const char *b, uptr n)
{
	for (uptr i = 0; i < n; i++)
		if (a[i] != b[i] || !a[i])
			return 0;
	return 1;
}

static u16 ld16(const volatile u8 *p) { return (u16)(p[0] | p[1] << 8); }
static u32 ld32(const volatile u8 *p) { return ld16(p) | (u32)ld16(p + 2) << 16; }
static u64 ld64(const volatile u8 *p) { return ld32(p) | (u64)ld32(p + 4) << 32; }

/* ------------------------------------------------------------------ hypercalls */

static inline void outl(u32 v, u16 port)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outb(u8 v, u16 port)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static void notify(u32 addr) { outl(addr, LG_PORT_NOTIFY); }

static __attribute__((noreturn)) void shutdown(u32 status)
{
	for (;;)
		outl(status, LG_PORT_SHUTDOWN);
}

static void debug_puts(const char *s)
{
	while (*s)
		outb((u8)*s++, LG_PORT_DEBUG);
}

/* ------------------------------------------------------------------ interrupts */

/* Set by the interrupt stubs (entry*.S): bit irq for vector 32 + irq. */
volatile u32 irq_seen;
extern const u8 isr_stubs[]; /* 64 stubs of 16 bytes: vectors 0..63 */

#ifdef __x86_64__
static u8 idt[64 * 16] __attribute__((aligned(16)));
#else
static u8 idt[64 * 8] __attribute__((aligned(8)));
#endif

static void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
#ifdef __x86_64__
static void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }
#endif

static void setup_idt(void)
{
	u16 cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
#ifdef __x86_64__
	const unsigned sz = 16;
#else
	const unsigned sz = 8;
#endif
	for (unsigned v = 0; v < 64; v++) {
		uptr h = (uptr)(isr_stubs + 16 * v);
		u8 *g = idt + sz * v;
		put16(g, (u16)h);
		put16(g + 2, cs);
		g[4] = 0;
		g[5] = 0x8e; /* present, DPL 0, interrupt gate (IF cleared on entry) */
		put16(g + 6, (u16)(h >> 16));
#ifdef __x86_64__
		put32(g + 8, (u32)((u64)h >> 32));
#endif
	}
	struct __attribute__((packed)) {
		u16 limit;
		uptr base;
	} d = {(u16)(sizeof idt - 1), (uptr)idt};
	__asm__ volatile("lidt %0" : : "m"(d));
}

void guest_exception(uptr vec);
void guest_exception(uptr vec)
{
	char m[] = "guest: exception 00\n";
	m[17] = (char)('0' + vec / 10);
	m[18] = (char)('0' + vec % 10);
	debug_puts(m);
	shutdown(99);
}

/* ------------------------------------------------------------------ rings */

struct vq {
	u16 num, irq;
	u32 pfn;
	volatile u8 *desc;  /* 16 * num */
	volatile u8 *avail; /* flags, idx, ring[num] */
	volatile u8 *used;  /* flags, idx, ring[num] of {id, len} */
	u16 avail_idx, last_used;
};

#define MAXVQ 4 /* queues the guest sets up per device */

struct dev {
	volatile u8 *d;
	u32 off;
	u8 type, nvq, flen, clen;
	struct vq vq[MAXVQ];
	int indirect; /* RING_INDIRECT_DESC acked */
};

#define MAXDEV 16
static struct dev devs[MAXDEV];
static unsigned ndev;
static u32 page;

struct buf {
	const void *p;
	u32 len;
	int write;
};

static void wdesc(struct vq *q, unsigned i, u64 addr, u32 len, u16 flags, u16 next)
{
	volatile u8 *d = q->desc + 16 * i;
	*(volatile u64 *)d = addr;
	*(volatile u32 *)(d + 8) = len;
	*(volatile u16 *)(d + 12) = flags;
	*(volatile u16 *)(d + 14) = next;
}

static void publish(struct vq *q, u16 head)
{
	*(volatile u16 *)(q->avail + 4 + 2 * (q->avail_idx % q->num)) = head;
	__asm__ volatile("" ::: "memory");
	q->avail_idx++;
	*(volatile u16 *)(q->avail + 2) = q->avail_idx;
	__asm__ volatile("" ::: "memory");
	notify(q->pfn << 12);
}

/* Halt until the Host has used the buffer (its interrupt wakes us). */
static u32 wait_used(struct vq *q)
{
	while (*(volatile u16 *)(q->used + 2) == q->last_used)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	u32 len = *(volatile u32 *)(q->used + 4 + 8 * (q->last_used % q->num) + 4);
	q->last_used++;
	return len;
}

/* Offer a chain of n buffers from descriptor 0 and wait for it. */
static u32 submit(struct vq *q, const struct buf *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		wdesc(q, i, (uptr)b[i].p, b[i].len,
		      (u16)((b[i].write ? D_WRITE : 0) | (i + 1 < n ? D_NEXT : 0)), (u16)(i + 1));
	publish(q, 0);
	return wait_used(q);
}

/* ------------------------------------------------------------------ console */

static struct dev *console;
static char out[256];
static unsigned outn;

static void flush(void)
{
	if (!outn)
		return;
	if (console) {
		struct buf b = {out, outn, 0};
		submit(&console->vq[1], &b, 1);
	} else {
		out[outn < sizeof out ? outn : sizeof out - 1] = 0;
		debug_puts(out);
	}
	outn = 0;
}

static void pc(char c)
{
	if (outn == sizeof out)
		flush();
	out[outn++] = c;
	if (c == '\n')
		flush();
}

static void ps(const char *s)
{
	while (*s)
		pc(*s++);
}

static void pu(u32 v)
{
	char t[24];
	int n = 0;
	do
		t[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		pc(t[--n]);
}

static void px(u64 v, int digits)
{
	static const char hx[] = "0123456789abcdef";
	for (int i = digits - 1; i >= 0; i--)
		pc(hx[(v >> (4 * i)) & 15]);
}

static void p0x(u64 v)
{
	int d = 1;
	while (d < 16 && v >> (4 * d))
		d++;
	ps("0x");
	px(v, d);
}

/* ------------------------------------------------------------------ the bus driver */

static const char *type_name(u8 t)
{
	switch (t) {
	case 1: return "net";
	case 2: return "block";
	case 3: return "console";
	case 4: return "rng";
	default: return "unknown";
	}
}

/* Feature bytes we accept: block SEG_MAX (2) and FLUSH (9); rng RING_INDIRECT_DESC (28);
 * net MAC (5). */
static u8 supported(u8 type, unsigned byte)
{
	if (type == 2)
		return byte == 0 ? 0x04 : byte == 1 ? 0x02 : 0;
	if (type == 4)
		return byte == 3 ? 0x10 : 0;
	if (type == 1)
		return byte == 0 ? 0x20 : 0;
	return 0;
}

static void setup_device(struct dev *v)
{
	volatile u8 *d = v->d;
	u32 addr = page + v->off;
	d[4] = 0; /* reset */
	notify(addr);
	d[4] = S_ACK;
	d[4] = S_ACK | S_DRIVER;
	volatile u8 *offered = d + 5 + 8 * v->nvq, *acked = offered + v->flen;
	for (unsigned i = 0; i < v->flen; i++)
		acked[i] = offered[i] & supported(v->type, i);
	notify(addr); /* features final: the Host starts the device */
	v->indirect = v->flen > 3 && (acked[3] & 0x10);
	for (unsigned i = 0; i < v->nvq && i < MAXVQ; i++) {
		volatile u8 *c = d + 5 + 8 * i;
		struct vq *q = &v->vq[i];
		q->num = ld16(c);
		q->irq = ld16(c + 2);
		q->pfn = ld32(c + 4);
		uptr base = (uptr)q->pfn << 12;
		q->desc = (volatile u8 *)base;
		q->avail = (volatile u8 *)(base + 16u * q->num);
		q->used = (volatile u8 *)((base + 16u * q->num + 2u * (3u + q->num) + 4095) & ~(uptr)4095);
	}
	d[4] = S_ACK | S_DRIVER | S_DRIVER_OK;
}

static void scan_devices(void)
{
	for (u32 i = 0; i < 4096 && ndev < MAXDEV;) {
		volatile u8 *d = (volatile u8 *)(uptr)(page + i);
		if (d[0] == 0)
			break;
		struct dev *v = &devs[ndev++];
		v->d = d;
		v->off = i;
		v->type = d[0];
		v->nvq = d[1];
		v->flen = d[2];
		v->clen = d[3];
		i += 5u + 8u * v->nvq + 2u * v->flen + v->clen;
	}
}

static struct dev *find(u8 type)
{
	for (unsigned i = 0; i < ndev; i++)
		if (devs[i].type == type && devs[i].nvq >= 1 && devs[i].vq[0].num >= 4)
			return &devs[i];
	return 0;
}

/* ------------------------------------------------------------------ block and rng */

struct blk_hdr {
	u32 type, ioprio;
	u64 sector;
};

static u8 blk_req(struct dev *b, u32 type, u64 sector, void *data, u32 len, int write)
{
	static struct blk_hdr h;
	static volatile u8 status;
	h.type = type;
	h.ioprio = 0;
	h.sector = sector;
	status = 0xff;
	struct buf bufs[3] = {{&h, sizeof h, 0}, {data, len, write}, {(const void *)&status, 1, 1}};
	if (len)
		submit(&b->vq[0], bufs, 3);
	else {
		bufs[1] = bufs[2];
		submit(&b->vq[0], bufs, 2);
	}
	return status;
}

static u8 wbuf[4096], rbuf[4096];

static int test_block(struct dev *b)
{
	u64 cap = ld64(b->d + 5 + 8 * b->nvq + 2 * b->flen);
	ps("block: capacity ");
	pu(cap > 0xffffffffu ? 0xffffffffu : (u32)cap);
	ps(" sectors\n");
	if (cap < 8) {
		ps("block: too small for the test\n");
		return 0;
	}
	/* 8 sectors of 64-byte lines "lgkit sector N ........\n". */
	for (unsigned s = 0; s < 8; s++)
		for (unsigned l = 0; l < 8; l++) {
			u8 *p = wbuf + 512 * s + 64 * l;
			memcpy(p, "lgkit sector ", 13);
			p[13] = (u8)('0' + s);
			memset(p + 14, '.', 49);
			p[14] = ' ';
			p[63] = '\n';
		}
	u8 st = blk_req(b, 1, 0, wbuf, sizeof wbuf, 0);
	ps("block: wrote 8 sectors, status ");
	pu(st);
	pc('\n');
	st = blk_req(b, 0, 0, rbuf, sizeof rbuf, 1);
	int same = memcmp(wbuf, rbuf, sizeof wbuf) == 0;
	ps("block: read back 8 sectors, status ");
	pu(st);
	ps(same ? ", same bytes\n" : ", DIFFERENT bytes\n");
	u8 fs = blk_req(b, 4, 0, 0, 0, 0);
	ps("block: flush, status ");
	pu(fs);
	pc('\n');
	static u8 id[20];
	u8 is = blk_req(b, 8, 0, id, sizeof id, 1);
	ps("block: id \"");
	for (unsigned i = 0; i < sizeof id && id[i]; i++)
		pc((char)id[i]);
	ps("\", status ");
	pu(is);
	pc('\n');
	u8 ps_ = blk_req(b, 1, cap, wbuf, 512, 0);
	ps("block: write past the end, status ");
	pu(ps_);
	ps(ps_ == 1 ? " (IOERR, as expected)\n" : " (UNEXPECTED)\n");
	return same && st == 0 && fs == 0 && is == 0 && ps_ == 1;
}

/* 16 bytes from every queue of the rng (the Launcher serves each); through an indirect
 * table when RING_INDIRECT_DESC was negotiated. */
static int test_rng(struct dev *r, int hex)
{
	static u8 rb[16];
	static u8 table[16] __attribute__((aligned(16)));
	int ok = 1;
	for (unsigned q = 0; q < r->nvq && q < MAXVQ; q++) {
		struct vq *v = &r->vq[q];
		for (unsigned i = 0; i < sizeof rb; i++)
			rb[i] = 0;
		u32 got;
		if (r->indirect) {
			/* One descriptor of the ring points at a table of one writable buffer. */
			*(volatile u64 *)table = (uptr)rb;
			*(volatile u32 *)(table + 8) = sizeof rb;
			*(volatile u16 *)(table + 12) = D_WRITE;
			*(volatile u16 *)(table + 14) = 0;
			wdesc(v, 0, (uptr)table, sizeof table, D_INDIRECT, 0);
			publish(v, 0);
			got = wait_used(v);
		} else {
			struct buf b = {rb, sizeof rb, 1};
			got = submit(v, &b, 1);
		}
		int nonzero = 0;
		for (unsigned i = 0; i < sizeof rb; i++)
			nonzero |= rb[i];
		ps("rng");
		if (q) {
			ps(" vq");
			pu(q);
		}
		ps(": ");
		pu(got);
		ps(" bytes");
		if (r->indirect)
			ps(" through an indirect table");
		if (hex) {
			pc(' ');
			for (unsigned i = 0; i < sizeof rb; i++)
				px(rb[i], 2);
		}
		ps(nonzero ? ", not all zero\n" : ", ALL ZERO\n");
		ok &= got == sizeof rb && nonzero;
	}
	return ok;
}

static void blkbench(struct dev *b, u32 size, u32 count)
{
	u64 cap = ld64(b->d + 5 + 8 * b->nvq + 2 * b->flen);
	u64 per = size / 512;
	u8 *buf = (u8 *)(uptr)0x400000; /* 4 MiB: RAM nobody else uses */
	if (!per || cap < per) {
		ps("blkbench: disk too small\n");
		return;
	}
	u64 sec = 0;
	for (u32 i = 0; i < count; i++) {
		if (sec + per > cap)
			sec = 0;
		blk_req(b, 0, sec, buf, size, 1);
		sec += per;
	}
}

/* ------------------------------------------------------------------ hostile scenarios */

static void hostile(const char *w, unsigned n, int wait)
{
	struct vq *q = &console->vq[1];
	u32 mem = page;
	static const char msg[] = "hostile\n";
	if (streq_n(w, "status_bits", n)) {
		console->d[4] = 0x5a;
		notify(page + console->off);
		shutdown(0);
	}
	if (streq_n(w, "status_failed", n)) {
		/* Legitimate: a driver gives up on its device.  The Host warns and resets it. */
		console->d[4] |= 0x80;
		notify(page + console->off);
		shutdown(0);
	}
	if (streq_n(w, "early_kick", n)) {
		console->d[4] = 0; /* reset, then kick before the features are final */
		notify(page + console->off);
		notify(q->pfn << 12);
		shutdown(0);
	}
	if (streq_n(w, "feat_acked_subset", n)) {
		struct dev *b = find(2);
		if (!b || !b->flen)
			shutdown(11);
		b->d[4] = 0;
		notify(page + b->off);
		b->d[4] = S_ACK | S_DRIVER;
		b->d[5 + 8 * b->nvq + b->flen] = 0xff; /* acknowledge every bit of byte 0 */
		notify(page + b->off);
		shutdown(0);
	}
	if (streq_n(w, "bad_notify", n)) {
		notify(0x12345670);
		shutdown(0);
	}
	if (streq_n(w, "desc_loop", n)) {
		wdesc(q, 0, (uptr)msg, 8, D_NEXT, 1);
		wdesc(q, 1, (uptr)msg, 8, D_NEXT, 0);
	} else if (streq_n(w, "desc_next_range", n)) {
		wdesc(q, 0, (uptr)msg, 8, D_NEXT, (u16)(q->num + 5));
	} else if (streq_n(w, "buf_in_ram", n)) {
		wdesc(q, 0, (u64)mem + (16u << 20), 8, 0, 0);
	} else if (streq_n(w, "buf_into_rings", n)) {
		wdesc(q, 0, (u64)q->pfn << 12, 16, D_WRITE, 0);
	} else if (streq_n(w, "desc_out_after_in", n)) {
		wdesc(q, 0, (uptr)rbuf, 8, D_WRITE | D_NEXT, 1);
		wdesc(q, 1, (uptr)msg, 8, 0, 0);
	} else if (streq_n(w, "idx_window", n)) {
		wdesc(q, 0, (uptr)msg, 8, 0, 0);
		q->avail_idx = (u16)(q->avail_idx + q->num + 1);
	} else if (streq_n(w, "head_range", n)) {
		wdesc(q, 0, (uptr)msg, 8, 0, 0);
		publish(q, (u16)(q->num + 3));
		if (wait)
			wait_used(q);
		shutdown(0);
	} else {
		return;
	}
	publish(q, 0);
	if (wait)
		wait_used(q);
	shutdown(0);
}

/* ------------------------------------------------------------------ main */

static const char *cmdline;

/* Find word w (or "w=...") on the command line; returns its value part or 0. */
static const char *arg(const char *w)
{
	unsigned n = 0;
	while (w[n])
		n++;
	for (const char *p = cmdline; p && *p;) {
		while (*p == ' ')
			p++;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		if ((unsigned)(p - s) >= n && streq_n(s, w, n) && (s[n] == ' ' || s[n] == 0 || s[n] == '='))
			return s[n] == '=' ? s + n + 1 : s + n;
	}
	return 0;
}

static u32 num(const char *s)
{
	u32 v = 0;
	while (s && *s >= '0' && *s <= '9')
		v = v * 10 + (u32)(*s++ - '0');
	return v;
}

static const char *const hostile_words[] = {
	"desc_loop", "desc_next_range", "buf_in_ram", "buf_into_rings", "idx_window",
	"desc_out_after_in", "head_range", "status_bits", "bad_notify", "early_kick",
	"feat_acked_subset", "status_failed",
};

/* ------------------------------------------------------------------ net */

/* ip=A.B.C.D pings=N: post receive buffers, answer ARP requests for our address and ICMP
 * echo requests, and return after N echoes.  Frames travel behind the legacy 10-byte
 * virtio_net_hdr (all zero: no offloads were negotiated). */
#define NET_HDR 10u
#define NET_NRX 8u
#define NET_FRAME 1514u
static u8 rxbuf[NET_NRX][NET_HDR + NET_FRAME];
static u8 txbuf[NET_HDR + NET_FRAME];
static u8 mymac[6], myip[4];

static u16 be16(const u8 *p) { return (u16)(p[0] << 8 | p[1]); }
static void put_be16(u8 *p, u16 v) { p[0] = (u8)(v >> 8); p[1] = (u8)v; }

static u16 inet_csum(const u8 *p, u32 len)
{
	u32 s = 0;
	for (u32 i = 0; i + 1 < len; i += 2)
		s += be16(p + i);
	if (len & 1)
		s += (u32)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (u16)~s;
}

static int parse_ip(const char *s, u8 ip[4])
{
	for (int i = 0; i < 4; i++) {
		if (!s || *s < '0' || *s > '9')
			return 0;
		u32 v = num(s);
		if (v > 255)
			return 0;
		ip[i] = (u8)v;
		while (*s >= '0' && *s <= '9')
			s++;
		if (i < 3 && *s++ != '.')
			return 0;
	}
	return 1;
}

static void rx_post(struct vq *q, unsigned i)
{
	wdesc(q, i, (uptr)rxbuf[i], sizeof rxbuf[i], D_WRITE, 0);
	*(volatile u16 *)(q->avail + 4 + 2 * (q->avail_idx % q->num)) = (u16)i;
	__asm__ volatile("" ::: "memory");
	q->avail_idx++;
	*(volatile u16 *)(q->avail + 2) = q->avail_idx;
}

/* Send the frame in txbuf (after the header), padded to Ethernet's 60-byte minimum. */
static void net_send(struct dev *n, u32 len)
{
	for (u32 i = 0; i < NET_HDR; i++)
		txbuf[i] = 0;
	while (len < 60)
		txbuf[NET_HDR + len++] = 0;
	struct buf b = {txbuf, NET_HDR + len, 0};
	submit(&n->vq[1], &b, 1);
}

/* One received frame; returns 1 when it was an echo request we answered. */
static int net_frame(struct dev *n, const u8 *f, u32 len)
{
	u8 *t = txbuf + NET_HDR;
	if (len >= 42 && be16(f + 12) == 0x0806 && be16(f + 14) == 1 && be16(f + 16) == 0x0800 &&
	    f[18] == 6 && f[19] == 4 && be16(f + 20) == 1 && !memcmp(f + 38, myip, 4)) {
		memcpy(t, f + 6, 6);       /* to the asker */
		memcpy(t + 6, mymac, 6);
		put_be16(t + 12, 0x0806);
		put_be16(t + 14, 1);       /* Ethernet */
		put_be16(t + 16, 0x0800);  /* IPv4 */
		t[18] = 6;
		t[19] = 4;
		put_be16(t + 20, 2);       /* reply */
		memcpy(t + 22, mymac, 6);
		memcpy(t + 28, myip, 4);
		memcpy(t + 32, f + 22, 10); /* the asker's MAC and address */
		net_send(n, 42);
		return 0;
	}
	if (len < 34 || be16(f + 12) != 0x0800 || (f[14] >> 4) != 4)
		return 0;
	u32 ihl = (f[14] & 15u) * 4, tot = be16(f + 16);
	if (ihl < 20 || tot < ihl + 8 || 14 + tot > len || tot > NET_FRAME - 14 || f[23] != 1 ||
	    memcmp(f + 30, myip, 4) || f[14 + ihl] != 8)
		return 0;
	memcpy(t, f + 6, 6);
	memcpy(t + 6, mymac, 6);
	memcpy(t + 12, f + 12, 2 + tot);
	memcpy(t + 26, f + 30, 4); /* from us */
	memcpy(t + 30, f + 26, 4); /* to the asker */
	t[22] = 64;                /* TTL */
	put_be16(t + 24, 0);
	put_be16(t + 24, inet_csum(t + 14, ihl));
	u8 *icmp = t + 14 + ihl;
	icmp[0] = 0; /* echo reply */
	put_be16(icmp + 2, 0);
	put_be16(icmp + 2, inet_csum(icmp, tot - ihl));
	net_send(n, 14 + tot);
	return 1;
}

static void net_run(struct dev *n, const char *ipstr, u32 pings)
{
	if (!parse_ip(ipstr, myip) || n->nvq < 2) {
		ps("net: expected ip=A.B.C.D\n");
		return;
	}
	if (n->flen && (n->d[5 + 8 * n->nvq + n->flen] & 0x20)) /* MAC acked: the config's */
		for (int i = 0; i < 6; i++)
			mymac[i] = n->d[5 + 8 * n->nvq + 2 * n->flen + i];
	ps("net: mac ");
	for (int i = 0; i < 6; i++) {
		px(mymac[i], 2);
		if (i < 5)
			pc(':');
	}
	ps(", ip ");
	for (int i = 0; i < 4; i++) {
		pu(myip[i]);
		if (i < 3)
			pc('.');
	}
	ps(", answering ");
	pu(pings);
	ps(" echo requests\n");
	struct vq *rx = &n->vq[0];
	unsigned nrx = NET_NRX < rx->num ? NET_NRX : rx->num;
	for (unsigned i = 0; i < nrx; i++)
		rx_post(rx, i);
	notify(rx->pfn << 12);
	u32 answered = 0;
	while (answered < pings) {
		while (*(volatile u16 *)(rx->used + 2) == rx->last_used)
			__asm__ volatile("sti; hlt; cli" ::: "memory");
		volatile u8 *e = rx->used + 4 + 8 * (rx->last_used % rx->num);
		u32 id = ld32(e), len = ld32(e + 4);
		rx->last_used++;
		if (id < nrx && len > NET_HDR && len <= sizeof rxbuf[0])
			answered += (u32)net_frame(n, rxbuf[id] + NET_HDR, len - NET_HDR);
		if (id < nrx) {
			rx_post(rx, id);
			notify(rx->pfn << 12);
		}
	}
	ps("net: answered ");
	pu(answered);
	ps(" echo requests\n");
}

/* Hostile net scenarios: each breaks one rule of the device, then shuts down. */
static void net_hostile(struct dev *n)
{
	struct vq *rx = &n->vq[0], *tx = &n->vq[1];
	if (arg("net_rx_readonly")) {
		wdesc(rx, 0, (uptr)rxbuf[0], sizeof rxbuf[0], 0, 0); /* no WRITE */
		publish(rx, 0);
	} else if (arg("net_rx_into_rings")) {
		wdesc(rx, 0, (uptr)rx->desc, 64, D_WRITE, 0); /* over its own ring */
		publish(rx, 0);
	} else if (arg("net_tx_short")) {
		wdesc(tx, 0, (uptr)txbuf, 4, 0, 0);
		publish(tx, 0);
	} else if (arg("net_tx_huge")) {
		wdesc(tx, 0, 0x400000, 70000, 0, 0); /* 4 MiB: RAM nobody else uses */
		publish(tx, 0);
	} else {
		return;
	}
	flush();
	shutdown(0);
}

/* ------------------------------------------------------------------ crashes */

/* crash=KIND (before the IDT exists: nothing handles it) and trap=ud (after: the guest's own
 * handler reports it).  Each faulting instruction has a global label, so that a test can
 * name the address lglaunch must report. */
#ifndef __x86_64__
/* 32-bit paging for crash=pf: one 4 MiB page identity-maps [0, 4 MiB), nothing else. */
static u32 pgdir[1024] __attribute__((aligned(4096)));
#endif

static __attribute__((noreturn)) void crash(const char *kind)
{
	if (streq_n(kind, "ud", 2)) {
		__asm__ volatile(".globl crash_ud_at\ncrash_ud_at: ud2");
	} else if (streq_n(kind, "div", 3)) {
		__asm__ volatile("xor %%ecx, %%ecx\n.globl crash_div_at\ncrash_div_at: div %%ecx"
				 : : : "eax", "ecx", "edx");
	} else if (streq_n(kind, "pf", 2)) {
#ifdef __x86_64__
		/* Unmap [16 MiB, 18 MiB) from the launcher's page tables (its PD entry 8) and read
		 * there: RAM, but no longer mapped. */
		*(volatile u64 *)(uptr)(LG_BOOT_PML4 + 2 * 4096 + 8 * 8) = 0;
		__asm__ volatile("invlpg 0x1000000\n.globl crash_pf_at\ncrash_pf_at: mov 0x1000000, %%eax"
				 : : : "rax", "memory");
#else
		pgdir[0] = 0x83; /* present, writable, 4 MiB */
		__asm__ volatile("mov %%cr4, %%eax; or $0x10, %%eax; mov %%eax, %%cr4\n" /* PSE */
				 "mov %0, %%cr3\n"
				 "mov %%cr0, %%eax; or $0x80000000, %%eax; mov %%eax, %%cr0\n"
				 ".globl crash_pf_at\ncrash_pf_at: mov 0x1000000, %%eax" /* RAM, unmapped */
				 : : "r"(pgdir) : "eax", "memory");
#endif
	} else if (streq_n(kind, "wild", 4)) {
		/* 2 GiB: above every RAM size lglaunch accepts plus its device area. */
		__asm__ volatile(".globl crash_wild_at\ncrash_wild_at: movl 0x80000000, %%eax"
				 : : : "eax", "memory");
	} else if (streq_n(kind, "halt", 4)) {
		__asm__ volatile("cli\n.globl crash_halt_at\ncrash_halt_at: hlt");
	} else if (streq_n(kind, "spin", 4)) {
		__asm__ volatile("cli\n1: jmp 1b");
	}
	debug_puts("guest: unknown crash kind\n");
	shutdown(97);
}

void guest_main(const u8 *zp);
void guest_main(const u8 *zp)
{
	cmdline = (const char *)(uptr)ld32(zp + 0x228);
	if (arg("now"))
		shutdown(0);
	if (arg("crash"))
		crash(arg("crash"));
	setup_idt();
	if (arg("trap"))
		crash(arg("trap"));
	if (zp[0x1e8] < 1 || ld32(zp + 0x2d0 + 16) != 1) {
		debug_puts("guest: no e820 RAM entry\n");
		shutdown(98);
	}
	u64 mem = ld64(zp + 0x2d0 + 8);
	page = (u32)mem; /* max_pfn << 12 */
	scan_devices();
	for (unsigned i = 0; i < ndev; i++)
		setup_device(&devs[i]);
	console = find(3);
	if (console && console->nvq < 2)
		console = 0;

	const char *bb = arg("blkbench");
	if (bb) {
		struct dev *b = find(2);
		u32 size = num(bb);
		while (*bb && *bb != ',')
			bb++;
		if (b)
			blkbench(b, size, num(*bb ? bb + 1 : bb));
		shutdown(b ? 0 : 12);
	}

	ps("lgkit sample guest (" FLAVOUR "): RAM ");
	pu((u32)(mem >> 20));
	ps(" MiB, device page at ");
	p0x(page);
	ps(", ");
	pu(ndev);
	ps(ndev == 1 ? " device\n" : " devices\n");
	for (unsigned i = 0; i < ndev; i++) {
		struct dev *v = &devs[i];
		ps("device ");
		pu(i);
		ps(": ");
		ps(type_name(v->type));
		ps(" at +");
		p0x(v->off);
		for (unsigned q = 0; q < v->nvq && q < MAXVQ; q++) {
			ps(q ? ", vq" : ": vq");
			pu(q);
			ps(" num ");
			pu(v->vq[q].num);
			ps(" irq ");
			pu(v->vq[q].irq);
			ps(" pfn ");
			p0x(v->vq[q].pfn);
		}
		if (v->flen) {
			ps(", features");
			volatile u8 *f = v->d + 5 + 8 * v->nvq;
			for (unsigned b = 0; b < v->flen; b++) {
				pc(' ');
				px(f[b], 2);
			}
			ps(" acked");
			for (unsigned b = 0; b < v->flen; b++) {
				pc(' ');
				px(f[v->flen + b], 2);
			}
		}
		ps(", status ");
		pu(v->d[4]);
		pc('\n');
	}
	if (console) {
		int wait = arg("wait") != 0;
		for (unsigned i = 0; i < sizeof hostile_words / sizeof hostile_words[0]; i++) {
			const char *w = hostile_words[i];
			unsigned n = 0;
			while (w[n])
				n++;
			if (arg(w))
				hostile(w, n, wait);
		}
	}
	struct dev *nd = find(1);
	if (nd && console)
		net_hostile(nd);
	if (nd && arg("ip"))
		net_run(nd, arg("ip"), arg("pings") ? num(arg("pings")) : 1);
	if (console && arg("echo")) {
		/* One line from the Host's stdin through the receive queue (vq0). */
		static u8 ib[64];
		struct buf in = {ib, sizeof ib, 1};
		u32 n = submit(&console->vq[0], &in, 1);
		ps("console input: ");
		for (u32 i = 0; i < n && i < sizeof ib; i++)
			pc((char)ib[i]);
		if (!n)
			ps("(end of input)");
		if (!n || ib[n - 1] != '\n')
			pc('\n');
	}
	int ok = 1;
	struct dev *b = find(2), *r = find(4);
	if (b)
		ok &= test_block(b);
	if (r)
		ok &= test_rng(r, arg("rnghex") != 0);
	u32 status = ok ? num(arg("exit")) : 10;
	ps(ok ? "all done, shutting down with status " : "FAILED, shutting down with status ");
	pu(status);
	pc('\n');
	flush();
	shutdown(status);
}
