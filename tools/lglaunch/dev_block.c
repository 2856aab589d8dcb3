/* SPDX-License-Identifier: MIT */
/* dev_block.c — virtio block (type 2), legacy requests over one queue:
 * a readable 16-byte header {u32 type, u32 ioprio, u64 sector}, the data (readable for OUT,
 * writable for IN/GET_ID), and a writable status byte last.  Backed by a file: pread/pwrite
 * straight between the file and guest memory, fsync on FLUSH; requests past the end are
 * refused with IOERR (the real Launcher's "Write past end"). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "lglaunch.h"

struct lgl_block {
	int fd;
	uint64_t size;   /* bytes */
	const char *path;
	uint64_t reqs, bytes;
	double host_ns;  /* time spent servicing requests */
	double io_ns;    /* of which in preadv/pwritev/fsync */
	struct iovec *iov; /* 2 * num entries, as vq->iov */
};

#define BLK_T_IN 0u
#define BLK_T_OUT 1u
#define BLK_T_FLUSH 4u
#define BLK_T_GET_ID 8u
#define BLK_S_OK 0u
#define BLK_S_IOERR 1u
#define BLK_S_UNSUPP 2u
#define BLK_ID_BYTES 20u

/* Host iovecs for [off, off+len) of the readable (write=false) or writable part. */
static int gather(const struct lgl_chain *c, bool w, uint64_t off, uint64_t len,
		  struct iovec *iov, int max)
{
	int n = 0;
	unsigned lo = w ? c->nout : 0, hi = w ? c->n : c->nout;
	for (unsigned i = lo; i < hi && len; i++) {
		const struct lgl_iov *v = &c->iov[i];
		if (off >= v->len) {
			off -= v->len;
			continue;
		}
		uint64_t take = v->len - off < len ? v->len - off : len;
		if (n == max)
			return -1;
		iov[n++] = (struct iovec){.iov_base = v->host + off, .iov_len = (size_t)take};
		len -= take;
		off = 0;
	}
	return n;
}

static double ns_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e9 + (double)(t1.tv_nsec - t0->tv_nsec);
}

static int do_io(int fd, bool write_file, struct iovec *iov, int n, off_t pos, uint64_t want)
{
	uint64_t done = 0;
	while (done < want) {
		ssize_t r = write_file ? pwritev(fd, iov, n, pos + (off_t)done)
				       : preadv(fd, iov, n, pos + (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (uint64_t)r;
		/* Advance the iovecs past what was transferred. */
		size_t adv = (size_t)r;
		while (n && adv >= iov->iov_len) {
			adv -= iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + adv;
			iov->iov_len -= adv;
		}
	}
	return 0;
}

static uint8_t handle(struct lgl_vq *vq, struct lgl_block *b,
		      const struct lgl_chain *c, uint32_t *written)
{
	uint8_t hdr[16];
	*written = 0;
	if (lgl_chain_read(c, 0, hdr, sizeof hdr) != sizeof hdr) {
		fprintf(stderr, "lglaunch: device[%u] (block): request header of %llu bytes, "
				"expected 16\n",
			vq->dev->index, (unsigned long long)c->out_len);
		return BLK_S_IOERR;
	}
	uint32_t type = lg_le32(hdr);
	uint64_t sector = lg_le64(hdr + 8);
	struct iovec *iov = b->iov;
	int max = 2 * (int)vq->num; /* b->iov holds 2 * num, as vq->iov */
	uint64_t pos, len, end;
	int n;
	switch (type) {
	case BLK_T_IN:
	case BLK_T_OUT: {
		bool out = type == BLK_T_OUT;
		len = out ? c->out_len - 16 : c->in_len - 1;
		if (__builtin_mul_overflow(sector, 512u, &pos) ||
		    __builtin_add_overflow(pos, len, &end) || end > b->size) {
			fprintf(stderr, "lglaunch: device[%u] (block): %s past end: sector %llu + %llu "
					"bytes > %llu bytes in %s\n",
				vq->dev->index, out ? "write" : "read", (unsigned long long)sector,
				(unsigned long long)len, (unsigned long long)b->size, b->path);
			return BLK_S_IOERR;
		}
		n = gather(c, !out, out ? 16 : 0, len, iov, max);
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int bad = n < 0 || (len && do_io(b->fd, out, iov, n, (off_t)pos, len) < 0);
		b->io_ns += ns_since(&t0);
		if (bad) {
			fprintf(stderr, "lglaunch: device[%u] (block): %s: %s\n", vq->dev->index,
				b->path, strerror(errno));
			return BLK_S_IOERR;
		}
		b->bytes += len;
		if (!out)
			*written = (uint32_t)len;
		return BLK_S_OK;
	}
	case BLK_T_FLUSH: {
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int bad = fsync(b->fd) < 0;
		b->io_ns += ns_since(&t0);
		return bad ? BLK_S_IOERR : BLK_S_OK;
	}
	case BLK_T_GET_ID: {
		uint8_t id[BLK_ID_BYTES] = "lgkit-block";
		len = c->in_len - 1 < BLK_ID_BYTES ? c->in_len - 1 : BLK_ID_BYTES;
		n = gather(c, true, 0, len, iov, max);
		uint64_t o = 0;
		for (int i = 0; i < n; i++) {
			memcpy(iov[i].iov_base, id + o, iov[i].iov_len);
			o += iov[i].iov_len;
		}
		*written = (uint32_t)len;
		return BLK_S_OK;
	}
	default:
		return BLK_S_UNSUPP;
	}
}

static void block_service(struct lgl_vm *vm, struct lgl_vq *vq)
{
	struct lgl_block *b = vq->dev->priv;
	struct lgl_chain c;
	for (;;) {
		/* Host time per request: the ring walk, the I/O, the used entry. */
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (lgl_vq_pop(vm, vq, &c) != LGL_POP_OK)
			return;
		if (c.in_len < 1) {
			fprintf(stderr, "lglaunch: device[%u] (block): request from head %u has no "
					"writable status byte\n",
				vq->dev->index, c.head);
			lgl_device_fail(vm, vq->dev);
			return;
		}
		uint32_t written;
		uint8_t st = handle(vq, b, &c, &written);
		const struct lgl_iov *last = &c.iov[c.n - 1];
		last->host[last->len - 1] = st;
		lgl_vq_push(vm, vq, c.head, written + 1);
		b->reqs++;
		b->host_ns += ns_since(&t0);
	}
}

/* As the 3.x Launcher: SEG_MAX and FLUSH, config {capacity, size_max 0, seg_max num - 2}. */
static int block_describe(struct lg_device *d, const char *path, unsigned num)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "lglaunch: --block=%s: %s\n", path, strerror(errno));
		return -1;
	}
	lgl_add_feature(d, 2); /* SEG_MAX */
	lgl_add_feature(d, 9); /* FLUSH */
	d->config_len = 16;
	lg_put64(d->config, (uint64_t)st.st_size / 512); /* capacity */
	lg_put32(d->config + 8, 0);                      /* size_max (not offered) */
	lg_put32(d->config + 12, num > 2 ? num - 2 : 0); /* seg_max */
	return 0;
}

static int block_setup(struct lgl_vm *vm, struct lgl_device *dev, const struct lg_device *ld,
		       const char *path)
{
	(void)vm;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "lglaunch: --block=%s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct lgl_block *b = calloc(1, sizeof *b);
	uint16_t num = ld->num_vq ? ld->vq[0].num : 0;
	if (b)
		b->iov = calloc(num ? 2u * num : 1, sizeof *b->iov);
	if (!b || !b->iov) {
		free(b);
		close(fd);
		return -1;
	}
	b->fd = fd;
	b->size = (uint64_t)st.st_size;
	b->path = path;
	dev->priv = b;
	if (ld->config_len >= 8 && lg_le64(ld->config) != b->size / 512)
		fprintf(stderr,
			"lglaunch: device[%u] (block): the layout says capacity %llu sectors, "
			"%s holds %llu; requests are bounded by the file\n",
			dev->index, (unsigned long long)lg_le64(ld->config), b->path,
			(unsigned long long)(b->size / 512));
	return 0;
}

static void block_teardown(struct lgl_vm *vm, struct lgl_device *dev)
{
	struct lgl_block *b = dev->priv;
	if (!b)
		return;
	if (vm->verbose && b->reqs)
		fprintf(stderr,
			"lglaunch: block %s: %llu requests, %llu bytes, %.2f us host time per request "
			"(%.2f us of it in file I/O)\n",
			b->path, (unsigned long long)b->reqs, (unsigned long long)b->bytes,
			b->host_ns / (double)b->reqs / 1e3, b->io_ns / (double)b->reqs / 1e3);
	close(b->fd);
	free(b->iov);
	free(b);
	dev->priv = NULL;
}

const struct lgl_dev_class lgl_block_class = {
	.type = LG_TYPE_BLOCK,
	.nvq = 1,
	.flag = "block",
	.flag_arg = "FILE",
	.flag_help = "a virtio block device backed by FILE (repeatable)",
	.arg_is_input = true,
	.service = block_service,
	.describe = block_describe,
	.setup = block_setup,
	.teardown = block_teardown,
};
