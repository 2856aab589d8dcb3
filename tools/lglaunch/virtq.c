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
			dev->index, dev->ops->name);
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

bool lgl_vq_has_avail(struct lgl_vm *vm, struct lgl_vq *vq)
{
	uint16_t idx = ld16(&vm->mem, vq->g.avail + 2);
	uint16_t pending = (uint16_t)(idx - vq->last_avail);
	if (pending > vq->num) {
		lgl_report(vm, LG_CHK_IDX_WINDOW, vq->g.avail + 2, vq->dev, (int)vq->index,
			   "avail.idx %u - last seen %u = %u exceeds num %u", idx, vq->last_avail,
			   pending, vq->num);
		lgl_device_fail(vm, vq->dev);
		return false;
	}
	return pending != 0;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

struct pop_ctx {
	struct lgl_vm *vm;
	struct lgl_vq *vq;
	struct lgl_chain *c;
	int fault;        /* a launcher-side rule broken, or -1 */
	uint64_t fault_addr;
	char msg[160];
};

/* Each buffer the library's walker accepted: a host pointer, and the launcher's own rule on
 * top of the walker's (a writable buffer must not land on the page or a ring). */
static int on_buf(void *ctx, const struct lg_buf *b)
{
	struct pop_ctx *p = ctx;
	const struct lgl_mem *m = &p->vm->mem;
	struct lgl_chain *c = p->c;
	uint64_t da = p->vq->g.desc + 16ull * b->desc;
	if (b->writable && overlaps(b->addr, b->len, m->ram, m->limit - m->ram)) {
		p->fault = LG_CHK_BUF_INTO_RINGS;
		p->fault_addr = da;
		snprintf(p->msg, sizeof p->msg,
			 "descriptor %u writable buffer [%#llx, +%#x) overlaps the device area "
			 "[%#llx, %#llx) (page and rings)",
			 b->desc, (unsigned long long)b->addr, b->len, (unsigned long long)m->ram,
			 (unsigned long long)m->limit);
		return 1;
	}
	uint8_t *host = lgl_gpa_ptr(m, b->addr, b->len);
	if (!host || c->n >= 2u * p->vq->num) { /* the walker promised otherwise */
		p->fault = LG_CHK_BUF_IN_RAM;
		p->fault_addr = da;
		snprintf(p->msg, sizeof p->msg, "descriptor %u buffer [%#llx, +%#x) is not usable",
			 b->desc, (unsigned long long)b->addr, b->len);
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

enum lgl_pop lgl_vq_pop(struct lgl_vm *vm, struct lgl_vq *vq, struct lgl_chain *c)
{
	const struct lgl_mem *m = &vm->mem;
	struct lgl_device *dev = vq->dev;
	int q = (int)vq->index;
	if (dev->failed || !lgl_vq_has_avail(vm, vq))
		return dev->failed ? LGL_POP_BAD : LGL_POP_EMPTY;
	uint64_t slot = vq->g.avail + 4 + 2ull * (vq->last_avail % vq->num);
	uint16_t head = ld16(m, slot);
	if (head >= vq->num) {
		lgl_report(vm, LG_CHK_HEAD_RANGE, slot, dev, q, "avail.ring[%u] = %u >= num %u",
			   vq->last_avail % vq->num, head, vq->num);
		goto bad;
	}
	memset(c, 0, sizeof *c);
	c->head = head;
	c->iov = vq->iov;
	/* The library's walker: every descriptor copied once, section C's chain rules. */
	struct lg_ring_state rs = {.num = vq->num, .geom = vq->g};
	struct lg_walk_opts wo = {.indirect_ok = dev->indirect, .mem_end = m->ram,
				  .area_start = m->ram, .area_end = m->limit};
	struct pop_ctx p = {.vm = vm, .vq = vq, .c = c, .fault = -1};
	struct lg_chain ch;
	int rc = lg_chain_walk(vm->img, &rs, head, &wo, on_buf, &p, &ch);
	if (p.fault >= 0) {
		lgl_report(vm, (enum lg_check_id)p.fault, p.fault_addr, dev, q, "%s", p.msg);
		goto bad;
	}
	if (rc == LG_ERR_RING && ch.fault >= 0) {
		lgl_report(vm, (enum lg_check_id)ch.fault, ch.fault_addr, dev, q, "%s", ch.fault_msg);
		goto bad;
	}
	if (rc < 0) {
		fprintf(stderr, "lglaunch: device[%u] (%s) vq[%d]: walking the chain from head %u: %s\n",
			dev->index, dev->ops->name, q, head, lg_strerror(rc));
		goto bad;
	}
	vq->last_avail++;
	vq->bufs++;
	return LGL_POP_OK;
bad:
	lgl_device_fail(vm, dev);
	return LGL_POP_BAD;
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
