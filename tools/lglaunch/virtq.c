/* SPDX-License-Identifier: MIT */
/* virtq.c — host-side access to the guest's legacy split rings.
 *
 * Copy, then trust only the copy: each index, head and descriptor is read once from guest
 * memory into a local and only the local is used.  Every guest address becomes a host
 * pointer through lgl_gpa_ptr() alone.  A rule broken is reported with the lgkit check
 * name (checks.def) and fails the device; the launcher itself carries on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgkit/ring.h"
#include "lglaunch.h"

void *lgl_gpa_ptr(const struct lgl_mem *m, uint64_t gpa, uint64_t len)
{
	uint64_t end;
	if (__builtin_add_overflow(gpa, len, &end) || end > m->size)
		return NULL;
	return m->base + gpa;
}

void *lgl_gpa_must(const struct lgl_mem *m, uint64_t gpa, uint64_t len, const char *file,
		   int line)
{
	void *p = lgl_gpa_ptr(m, gpa, len);
	if (!p)
		fprintf(stderr, "lglaunch: %s:%d: [%#llx, +%#llx) is outside guest memory [0, %#llx)\n",
			file, line, (unsigned long long)gpa, (unsigned long long)len,
			(unsigned long long)m->size);
	return p;
}

void lgl_report(struct lgl_vm *vm, enum lg_check_id check, uint64_t addr,
		const struct lgl_device *dev, int vq, const char *fmt, ...)
{
	const struct lg_check_info *ci = lg_check_info(check);
	char where[96] = "";
	if (dev) {
		const char *tn = lg_type_name(dev->type);
		int n = snprintf(where, sizeof where, "device[%u] (%s)", dev->index, tn ? tn : "?");
		if (vq >= 0 && n > 0 && (size_t)n < sizeof where)
			snprintf(where + n, sizeof where - (size_t)n, " vq[%d]", vq);
	}
	fprintf(stderr, "lglaunch:%#llx: %s (%s): %s%s", (unsigned long long)addr,
		ci->severity == LG_SEV_ERROR ? "error" : lg_severity_name(ci->severity), ci->name,
		where, where[0] ? ": " : "");
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (ci->severity == LG_SEV_ERROR)
		vm->guest_broke = true;
}

void lgl_device_fail(struct lgl_vm *vm, struct lgl_device *dev)
{
	if (!dev->failed)
		fprintf(stderr, "lglaunch: device[%u] (%s) failed: not serviced until the guest "
				"resets it\n",
			dev->index, lgl_dev_name(dev));
	dev->failed = true;
	vm->guest_broke = true;
}

static uint16_t ld16(const struct lgl_mem *m, uint64_t gpa)
{
	const uint8_t *p = LGL_GPA(m, gpa, 2); /* ring geometry was checked at start */
	return p ? lg_le16(p) : 0;
}

static void st16(const struct lgl_mem *m, uint64_t gpa, uint16_t v)
{
	uint8_t *p = LGL_GPA(m, gpa, 2);
	if (p)
		lg_put16(p, v);
}

/* The ring as the library sees it: num and where it lies (the indices are read fresh). */
static struct lg_ring_state ring_of(const struct lgl_vq *vq)
{
	struct lg_ring_state rs = {.num = vq->num, .geom = vq->g};
	return rs;
}

/* The next head, by the library's idx_window and head_range; a broken rule is reported and
 * fails the device.  1: *head is available; 0: nothing is; -1: the device failed. */
static int take(struct lgl_vm *vm, struct lgl_vq *vq, uint16_t idx, uint16_t *head)
{
	struct lg_ring_state rs = ring_of(vq);
	struct lg_chain f;
	struct lg_error why = {0};
	int rc = lg_ring_take(vm->img, &rs, idx, head, &f, &why);
	if (rc >= 0)
		return rc;
	if (rc == LG_ERR_RING)
		lgl_report(vm, (enum lg_check_id)f.fault, f.fault_addr, vq->dev, (int)vq->index, "%s",
			   why.msg);
	else
		fprintf(stderr, "lglaunch: device[%u] (%s) vq[%u]: reading the available ring: %s\n",
			vq->dev->index, lgl_dev_name(vq->dev), vq->index, why.msg);
	lgl_device_fail(vm, vq->dev);
	return -1;
}

bool lgl_vq_has_avail(struct lgl_vm *vm, struct lgl_vq *vq)
{
	uint16_t head;
	return take(vm, vq, vq->last_avail, &head) == 1;
}

struct pop_ctx {
	const struct lgl_vm *vm;
	struct lgl_vq *vq;
	struct lgl_chain *c;
	bool unusable; /* a buffer the walker accepted has no host mapping (a launcher bug) */
	uint64_t bad_addr;
	uint32_t bad_len;
};

/* Each buffer the library's walker accepted becomes a host iovec. */
static int on_buf(void *ctx, const struct lg_buf *b)
{
	struct pop_ctx *p = ctx;
	struct lgl_chain *c = p->c;
	uint8_t *host = lgl_gpa_ptr(&p->vm->mem, b->addr, b->len);
	if (!host || c->n >= 2u * p->vq->num) { /* the walker promised otherwise */
		p->unusable = true;
		p->bad_addr = b->addr;
		p->bad_len = b->len;
		return 1;
	}
	if (b->writable)
		c->in_len += b->len;
	else
		c->out_len += b->len;
	if (!b->len)
		return 0;
	struct lgl_iov *v = &c->iov[c->n++];
	v->gpa = b->addr;
	v->len = b->len;
	v->write = b->writable;
	v->host = host;
	if (!b->writable)
		c->nout++;
	return 0;
}

/* The chain at free-running avail index idx, walked (not taken). */
static enum lgl_pop walk_at(struct lgl_vm *vm, struct lgl_vq *vq, uint16_t idx, struct lgl_chain *c)
{
	const struct lgl_mem *m = &vm->mem;
	struct lgl_device *dev = vq->dev;
	int q = (int)vq->index;
	uint16_t head;
	if (dev->failed)
		return LGL_POP_BAD;
	int t = take(vm, vq, idx, &head);
	if (t <= 0)
		return t == 0 ? LGL_POP_EMPTY : LGL_POP_BAD;
	memset(c, 0, sizeof *c);
	c->head = head;
	c->iov = vq->iov;
	/* The library's walker: every descriptor copied once, section C's chain rules, and
	 * buf_into_rings for a device (a writable buffer over the page or a ring). */
	struct lg_ring_state rs = ring_of(vq);
	struct lg_walk_opts wo = {.indirect_ok = dev->indirect, .mem_end = m->ram,
				  .area_start = m->ram, .area_end = m->limit, .device_side = true};
	struct pop_ctx p = {.vm = vm, .vq = vq, .c = c};
	struct lg_chain ch;
	struct lg_error why = {0};
	int rc = lg_chain_walk(vm->img, &rs, head, &wo, on_buf, &p, &ch, &why);
	if (p.unusable) {
		fprintf(stderr, "lglaunch: device[%u] (%s) vq[%d]: buffer [%#llx, +%#x) of head %u "
				"has no host mapping\n",
			dev->index, lgl_dev_name(dev), q, (unsigned long long)p.bad_addr, p.bad_len, head);
		goto bad;
	}
	if (rc == LG_ERR_RING && ch.fault >= 0) {
		lgl_report(vm, (enum lg_check_id)ch.fault, ch.fault_addr, dev, q, "%s", why.msg);
		goto bad;
	}
	if (rc < 0) {
		fprintf(stderr, "lglaunch: device[%u] (%s) vq[%d]: walking the chain from head %u: %s\n",
			dev->index, lgl_dev_name(dev), q, head, why.msg);
		goto bad;
	}
	return LGL_POP_OK;
bad:
	lgl_device_fail(vm, dev);
	return LGL_POP_BAD;
}

enum lgl_pop lgl_vq_peek(struct lgl_vm *vm, struct lgl_vq *vq, uint16_t idx, struct lgl_chain *c)
{
	return walk_at(vm, vq, idx, c);
}

enum lgl_pop lgl_vq_pop(struct lgl_vm *vm, struct lgl_vq *vq, struct lgl_chain *c)
{
	enum lgl_pop r = walk_at(vm, vq, vq->last_avail, c);
	if (r == LGL_POP_OK) {
		vq->last_avail++;
		vq->bufs++;
	}
	return r;
}

void lgl_vq_push(struct lgl_vm *vm, struct lgl_vq *vq, uint16_t head, uint32_t len)
{
	const struct lgl_mem *m = &vm->mem;
	uint64_t e = vq->g.used + 4 + 8ull * (vq->used_idx % vq->num);
	uint8_t *p = LGL_GPA(m, e, 8);
	if (!p)
		return;
	lg_put32(p, head);
	lg_put32(p + 4, len);
	vq->used_idx++;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	st16(m, vq->g.used + 2, vq->used_idx);
	if (!(ld16(m, vq->g.avail) & LG_VRING_AVAIL_F_NO_INTERRUPT))
		lgl_raise_irq(vm, vq->irq);
}

void lgl_vq_reset(struct lgl_vm *vm, struct lgl_vq *vq)
{
	uint8_t *p = LGL_GPA(&vm->mem, vq->g.desc, vq->g.size);
	if (p)
		memset(p, 0, vq->g.size);
	vq->last_avail = vq->used_idx = 0;
}

size_t lgl_chain_read(const struct lgl_chain *c, uint64_t off, void *buf, size_t len)
{
	size_t got = 0;
	uint8_t *out = buf;
	for (unsigned i = 0; i < c->nout && got < len; i++) {
		const struct lgl_iov *v = &c->iov[i];
		if (off >= v->len) {
			off -= v->len;
			continue;
		}
		size_t n = v->len - (size_t)off;
		if (n > len - got)
			n = len - got;
		memcpy(out + got, v->host + off, n);
		got += n;
		off = 0;
	}
	return got;
}
