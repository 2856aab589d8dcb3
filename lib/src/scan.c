/* SPDX-License-Identifier: MIT */
/* scan.c — rank every page-aligned page of an image as a possible descriptor page
 * (lgkit/scan.h).  A cheap look at the first 16 bytes rejects almost every page; the few
 * that walk like a real page are decoded and checked, and the best are kept.  Pages are read
 * in large pieces (lg_seq), by one thread per part of the image (see "the pass" below). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "image_priv.h"
#include "lgkit/scan.h"

/* A vqconfig by the strict rule (a power-of-two num up to 32768, irq 1..31, pfn non-zero)
 * or the loose one (any num 1..32768, irq 1..255, pfn non-zero). */
static bool vq_plausible_as(const uint8_t *v, bool strict)
{
	uint16_t num = lg_le16(v + LG_VQC_NUM), irq = lg_le16(v + LG_VQC_IRQ);
	if (!num || num > LG_VQ_NUM_MAX || !irq || !lg_le32(v + LG_VQC_PFN))
		return false;
	return strict ? !(num & (num - 1)) && irq < LG_IRQS : irq < LG_SCAN_LOOSE_IRQS;
}

/* A descriptor header at p[off]: a known type, num_vq >= 1, inside the page, and (strict)
 * status bits only in ACKNOWLEDGE|DRIVER|DRIVER_OK|FAILED. */
static bool hdr_plausible_as(const uint8_t *h, bool strict)
{
	return h[0] && lg_type_name(h[0]) && h[1] && (!strict || !(h[4] & ~LG_S_VALID_MASK));
}

/* The first descriptor's header and first vqconfig (16 bytes), by the loose rule. */
static bool head_plausible(const uint8_t *h)
{
	return hdr_plausible_as(h, false) && lg_desc_size(h[1], h[2], h[3]) <= LG_PAGE_SIZE &&
	       vq_plausible_as(h + 5, false);
}

/* The Guest's walk by one rule: returns the number of devices, 0 when implausible. */
static unsigned page_walk(const uint8_t *p, bool strict, unsigned *nvq)
{
	uint32_t off = 0;
	unsigned ndev = 0;
	*nvq = 0;
	while (off < LG_PAGE_SIZE && p[off]) {
		if (off + LG_DESC_HDR_SIZE > LG_PAGE_SIZE || !hdr_plausible_as(p + off, strict))
			return 0;
		uint32_t size = lg_desc_size(p[off + 1], p[off + 2], p[off + 3]);
		if (off + size > LG_PAGE_SIZE)
			return 0;
		for (unsigned q = 0; q < p[off + 1]; q++)
			if (!vq_plausible_as(p + off + LG_DESC_HDR_SIZE + LG_VQC_SIZE * q, strict))
				return 0;
		*nvq += p[off + 1];
		ndev++;
		off += size;
	}
	for (uint32_t i = off; i < LG_PAGE_SIZE; i++)
		if (p[i])
			return 0;
	return ndev;
}

/* A candidate: the page walks by the loose rule (the strict one is checked in rank). */
static unsigned page_plausible(const uint8_t *p, unsigned *nvq)
{
	return page_walk(p, false, nvq);
}

static bool better(const struct lg_scan_candidate *a, const struct lg_scan_candidate *b)
{
	return a->score > b->score || (a->score == b->score && a->page_addr < b->page_addr);
}

static int rank(const struct lg_image *img, const struct lg_scan_opts *o, uint64_t a,
		const uint8_t *page, unsigned ndev, unsigned nvq, struct lg_scan_candidate *c,
		struct lg_error *err)
{
	struct lg_layout l;
	struct lg_check_stats st;
	int rc = lg_decode_page(page, LG_PAGE_SIZE, a, &l);
	if (rc < 0)
		return lg_fail(err, rc, "decoding the candidate at %#llx: %s", (unsigned long long)a,
			       lg_strerror(rc));
	rc = lg_check_layout(&l, img, o->cfg, NULL, NULL, &st, err);
	memset(c, 0, sizeof *c);
	c->page_addr = a;
	c->ndev = ndev;
	c->nvq = nvq;
	c->rings_checked = st.rings_checked;
	c->errors = st.errors;
	c->warnings = st.warnings;
	c->notes = st.notes;
	c->score = 100L * ndev + 100L * st.rings_checked - 200L * st.errors - 20L * st.warnings -
		   (long)st.notes;
	if (l.ndev && l.dev[0].vqs_present && l.dev[0].vq[0].pfn == (a >> LG_PAGE_SHIFT) + 1)
		c->score += 50;
	/* Clean candidates first: a strict page's score stays above -LG_SCAN_LOOSE / 2, a page
	 * that walks only by the loose rule loses LG_SCAN_LOOSE. */
	unsigned strict_vq;
	if (c->score < -LG_SCAN_LOOSE / 2 + 1)
		c->score = -LG_SCAN_LOOSE / 2 + 1;
	if (!page_walk(page, true, &strict_vq))
		c->score -= LG_SCAN_LOOSE;
	lg_layout_free(&l);
	return rc;
}


/* ---------------------------------------------------------------- the pass
 * The image is cut into parts of about equal data (the holes of a sparse file weigh
 * nothing), one per thread, each read with its own sequential reader (lg_seq: large preads
 * for files, its own decoding state for kdump pages).  Each part keeps its own best-first
 * list; the lists are merged at the end.  "better" is a total order (score, then address)
 * and a part's error stops only the parts after it, so the candidates, their order, the
 * count and the error returned are the same whatever the number of threads. */

#define PROGRESS_BYTES (16ull << 20) /* call progress every 16 MiB */
#define RANK_RELEASE 256u            /* drop the mapping's pages every so many candidates */

struct pass {
	const struct lg_image *img;
	const struct lg_scan_opts *o;
	unsigned nparts;
	bool threaded;
	pthread_mutex_t lock; /* rank() (the image's own reads) and the fields below */
	pthread_cond_t cond;
	unsigned running;
	atomic_int stop_after; /* parts after this one stop (a failed part; -1: cancelled) */
	atomic_uint ranked;
	struct part *parts;
};

struct part {
	struct pass *ps;
	int id;
	size_t r0, r1;  /* from range r0 at a0 up to range r1 at a1 (exclusive); r1 == nr: end */
	uint64_t a0, a1;
	_Atomic uint64_t done; /* range bytes looked at */
	struct lg_scan_candidate *best;
	size_t max, kept;
	int found, rc;
	struct lg_error err; /* why rc, when it is an error */
	bool own;   /* best was allocated here */
	struct lg_seq seq;
	uint8_t page[LG_PAGE_SIZE];
};

static void insert(struct lg_scan_candidate *out, size_t max, size_t *kept,
		   const struct lg_scan_candidate *c)
{
	size_t pos = *kept;
	while (pos > 0 && better(c, &out[pos - 1]))
		pos--;
	if (pos >= max)
		return;
	if (*kept < max)
		(*kept)++;
	memmove(&out[pos + 1], &out[pos], (*kept - 1 - pos) * sizeof *out);
	out[pos] = *c;
}

static bool stopped(struct part *p)
{
	return atomic_load(&p->ps->stop_after) < p->id;
}

static void fail_from(struct pass *ps, int id)
{
	int cur = atomic_load(&ps->stop_after);
	while (cur > id && !atomic_compare_exchange_weak(&ps->stop_after, &cur, id))
		;
}

static int consider(struct part *p, uint64_t a, const uint8_t *page)
{
	struct pass *ps = p->ps;
	unsigned nvq, ndev = page_plausible(page, &nvq);
	if (!ndev)
		return 0;
	p->found++;
	struct lg_scan_candidate c;
	if (ps->threaded)
		pthread_mutex_lock(&ps->lock);
	int rc = rank(ps->img, ps->o, a, page, ndev, nvq, &c, &p->err);
	/* Checking a candidate reads its rings through the mapping: a dump full of plausible
	 * pages must not map the whole file in the end. */
	if ((atomic_fetch_add(&ps->ranked, 1) + 1) % RANK_RELEASE == 0 && ps->img->map)
		madvise(ps->img->map, ps->img->map_len, MADV_DONTNEED);
	if (ps->threaded)
		pthread_mutex_unlock(&ps->lock);
	if (rc < 0)
		return rc;
	insert(p->best, p->max, &p->kept, &c);
	return 0;
}

static void report(struct pass *ps, uint64_t total)
{
	const struct part *parts = ps->parts;
	unsigned n = ps->nparts;
	uint64_t done = 0;
	for (unsigned i = 0; i < n; i++)
		done += atomic_load(&parts[i].done);
	if (ps->o->progress && atomic_load(&ps->stop_after) >= 0 &&
	    ps->o->progress(ps->o->ctx, done < total ? done : total, total))
		atomic_store(&ps->stop_after, -1);
}

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* One part's pages, in address order.  Part 0 (the caller's thread) reports progress. */
static int walk(struct part *p, uint64_t total)
{
	const struct lg_image *img = p->ps->img;
	size_t nr = img->nranges;
	uint64_t base = 0, next_report = PROGRESS_BYTES;
	const uint64_t mask = LG_PAGE_SIZE - 1;
	for (size_t i = p->r0; i < nr && i <= p->r1; i++) {
		const struct lg_range *r = &img->ranges[i];
		uint64_t g = r->gpa, end = g + r->len;
		uint64_t s = i == p->r0 ? clamp(p->a0, g, end) : g;
		uint64_t stop = i == p->r1 ? clamp(p->a1, g, end) : end;
		uint64_t a = (s + mask) & ~mask;
		bool direct = lg_seq_direct(&p->seq, i);
		while (a >= g && a < stop && end - a >= LG_PAGE_SIZE) {
			if (stopped(p))
				return 0;
			int rc;
			if (direct) {
				/* A hole of the file holds no page: go on where its data resumes. */
				uint64_t d = lg_image_data_from(img, i, a) & ~mask;
				if (d > a) {
					a = d;
					if (a >= stop || end - a < LG_PAGE_SIZE)
						break;
				}
				uint64_t e = lg_image_data_to(img, i, a);
				uint64_t n = e - a > LG_SEQ_CHUNK ? LG_SEQ_CHUNK : e - a;
				n = (n + mask) / LG_PAGE_SIZE;
				if (n > (end - a) / LG_PAGE_SIZE)
					n = (end - a) / LG_PAGE_SIZE;
				if (n > (stop - a + mask) / LG_PAGE_SIZE)
					n = (stop - a + mask) / LG_PAGE_SIZE;
				if (n == 0)
					n = 1;
				const uint8_t *buf;
				if ((rc = lg_seq_bytes(&p->seq, i, a, (size_t)n * LG_PAGE_SIZE, &buf)) < 0)
					return lg_fail(&p->err, rc,
						       "reading %llu pages at %#llx: %s (did the file "
						       "shrink?)",
						       (unsigned long long)n, (unsigned long long)a,
						       lg_strerror(rc));
				for (uint64_t k = 0; k < n; k++) {
					const uint8_t *pg = buf + k * LG_PAGE_SIZE;
					if (head_plausible(pg) &&
					    (rc = consider(p, a + k * LG_PAGE_SIZE, pg)) < 0)
						return rc;
				}
				a += n * LG_PAGE_SIZE;
			} else {
				uint8_t h[16];
				if ((rc = lg_seq_read(&p->seq, i, a, h, sizeof h, true, &p->err)) < 0 ||
				    (head_plausible(h) &&
				     (rc = lg_seq_read(&p->seq, i, a, p->page, LG_PAGE_SIZE, false,
						       &p->err)) < 0))
					return rc;
				if (head_plausible(h) && (rc = consider(p, a, p->page)) < 0)
					return rc;
				a += LG_PAGE_SIZE;
			}
			uint64_t done = base + (clamp(a, s, stop) - s);
			atomic_store(&p->done, done);
			if (p->id == 0 && done >= next_report) {
				next_report = done + PROGRESS_BYTES;
				report(p->ps, total);
			}
		}
		base += stop - s;
		atomic_store(&p->done, base);
	}
	return 0;
}

static void *worker(void *arg)
{
	struct part *p = arg;
	struct pass *ps = p->ps;
	p->rc = walk(p, 0);
	if (p->rc < 0)
		fail_from(ps, p->id);
	pthread_mutex_lock(&ps->lock);
	ps->running--;
	pthread_cond_signal(&ps->cond);
	pthread_mutex_unlock(&ps->lock);
	return NULL;
}

/* The data bytes of range i (what a pass reads of it), counted until want of them are
 * seen; *cut (when cut is not NULL) is then the page-aligned address where the want-th
 * byte lies, else the range's end. */
static uint64_t data_in(const struct lg_image *img, size_t i, uint64_t want, uint64_t *cut)
{
	const struct lg_range *r = &img->ranges[i];
	uint64_t a = r->gpa, end = r->gpa + r->len, got = 0;
	if (cut)
		*cut = end;
	while (a < end) {
		uint64_t d = lg_image_data_from(img, i, a);
		if (d >= end)
			break;
		uint64_t e = lg_image_data_to(img, i, d);
		if (e <= d)
			break;
		e = e < end ? e : end;
		if (got + (e - d) >= want) {
			if (cut)
				*cut = (d + (want - got)) & ~(uint64_t)(LG_PAGE_SIZE - 1);
			return want;
		}
		got += e - d;
		a = e;
	}
	return got;
}

/* All the data bytes of range i. */
static uint64_t weight(const struct lg_image *img, size_t i)
{
	return data_in(img, i, UINT64_MAX, NULL);
}

#define THREADS_MAX 8u
#define THREADS_AUTO 4u
#define AUTO_MIN_BYTES (16ull << 20) /* smaller images: one thread */

int lg_scan_threads(const struct lg_image *img, const struct lg_scan_opts *opts,
		    unsigned threads, struct lg_scan_candidate *out, size_t max,
		    struct lg_error *err)
{
	struct lg_scan_opts none = {0};
	if (!img || (!out && max))
		return lg_fail(err, LG_ERR_PARAM, "no image, or no room for candidates");
	if (!opts)
		opts = &none;
	size_t nr = img->nranges;
	uint64_t total = 0, data = 0;
	for (size_t i = 0; i < nr; i++) {
		total += img->ranges[i].len;
		data += weight(img, i);
	}
	if (threads == 0 && data < AUTO_MIN_BYTES) {
		threads = 1; /* whatever the CPUs: not worth a system call to count them */
	} else if (threads == 0) {
		/* The CPUs this process may run on (taskset, a container's cpuset). */
		cpu_set_t set;
		long cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
								: sysconf(_SC_NPROCESSORS_ONLN);
		threads = cpus < 2 ? 1 : cpus > (long)THREADS_AUTO ? THREADS_AUTO : (unsigned)cpus;
	}
	if (threads > THREADS_MAX)
		threads = THREADS_MAX;
	if (threads > 1 && !lg_seq_parallel(img))
		threads = 1;

	struct pass ps = {.img = img, .o = opts, .nparts = threads, .threaded = threads > 1};
	atomic_init(&ps.stop_after, (int)threads);
	atomic_init(&ps.ranked, 0);
	struct part *parts = calloc(threads, sizeof *parts);
	if (!parts)
		return lg_fail(err, LG_ERR_NOMEM, "out of memory");
	ps.parts = parts;
	int rc = 0;
	/* Cut points: part k starts where k/threads of the data lie behind. */
	size_t ri = 0;
	uint64_t behind = 0; /* data bytes of ranges before ri */
	for (unsigned k = 0; k < threads; k++) {
		struct part *p = &parts[k];
		p->ps = &ps;
		p->id = (int)k;
		atomic_init(&p->done, 0);
		if (k == 0) {
			p->r0 = 0;
			p->a0 = 0;
		} else {
			uint64_t want = data / threads * k;
			while (ri < nr) {
				uint64_t w = weight(img, ri);
				if (behind + w > want)
					break;
				behind += w;
				ri++;
			}
			p->r0 = ri;
			p->a0 = 0;
			if (ri < nr)
				data_in(img, ri, want - behind, &p->a0);
			parts[k - 1].r1 = p->r0;
			parts[k - 1].a1 = p->a0;
		}
		p->r1 = nr;
		p->a1 = 0;
		if (k == 0) {
			p->best = out;
			p->max = max;
		} else if (max && !(p->best = calloc(max, sizeof *p->best))) {
			rc = LG_ERR_NOMEM;
		} else {
			p->own = true;
			p->max = max;
		}
		if (rc == 0)
			rc = lg_seq_init(&p->seq, img);
		if (rc < 0) {
			ps.nparts = k + 1;
			break;
		}
	}
	if (rc == 0 && threads > 1 &&
	    (pthread_mutex_init(&ps.lock, NULL) != 0 || pthread_cond_init(&ps.cond, NULL) != 0))
		rc = LG_ERR_NOMEM;
	if (rc < 0)
		lg_fail(err, rc, "setting up the scan: %s", lg_strerror(rc));
	if (rc == 0) {
		/* The others in threads of their own; a part whose thread did not start runs here
		 * after part 0. */
		pthread_t tid[THREADS_MAX];
		bool started[THREADS_MAX] = {false};
		for (unsigned k = 1; k < threads; k++) {
			pthread_mutex_lock(&ps.lock);
			ps.running++;
			pthread_mutex_unlock(&ps.lock);
			started[k] = pthread_create(&tid[k], NULL, worker, &parts[k]) == 0;
			if (!started[k]) {
				pthread_mutex_lock(&ps.lock);
				ps.running--;
				pthread_mutex_unlock(&ps.lock);
			}
		}
		parts[0].rc = walk(&parts[0], total);
		if (parts[0].rc < 0)
			fail_from(&ps, 0);
		for (unsigned k = 1; k < threads; k++)
			if (!started[k] && !stopped(&parts[k]) && (parts[k].rc = walk(&parts[k], 0)) < 0)
				fail_from(&ps, (int)k);
		if (threads > 1) {
			pthread_mutex_lock(&ps.lock);
			while (ps.running) {
				struct timespec ts;
				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_nsec += 200 * 1000 * 1000;
				if (ts.tv_nsec >= 1000000000L) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000L;
				}
				pthread_cond_timedwait(&ps.cond, &ps.lock, &ts);
				if (ps.running) {
					pthread_mutex_unlock(&ps.lock);
					report(&ps, total);
					pthread_mutex_lock(&ps.lock);
				}
			}
			pthread_mutex_unlock(&ps.lock);
			for (unsigned k = 1; k < threads; k++)
				if (started[k])
					pthread_join(tid[k], NULL);
		}
		/* The first part that failed decides, as one pass in address order would. */
		int found = 0;
		size_t kept = parts[0].kept;
		for (unsigned k = 0; k < threads && rc == 0; k++) {
			if (parts[k].rc < 0) {
				rc = parts[k].rc;
				if (parts[k].err.code == rc && err)
					*err = parts[k].err;
				else
					lg_fail(err, rc, "scanning: %s", lg_strerror(rc));
			}
			found += parts[k].found;
			for (size_t j = 0; k > 0 && j < parts[k].kept; j++)
				insert(out, max, &kept, &parts[k].best[j]);
		}
		if (rc == 0) {
			rc = found;
			if (opts->progress && atomic_load(&ps.stop_after) >= 0)
				opts->progress(opts->ctx, total, total);
		}
	}
	if (threads > 1 && ps.nparts == threads) {
		pthread_cond_destroy(&ps.cond);
		pthread_mutex_destroy(&ps.lock);
	}
	for (unsigned k = 0; k < ps.nparts; k++) {
		lg_seq_fini(&parts[k].seq);
		if (parts[k].own)
			free(parts[k].best);
	}
	free(parts);
	return rc;
}

int lg_scan(const struct lg_image *img, const struct lg_scan_opts *opts,
	    struct lg_scan_candidate *out, size_t max, struct lg_error *err)
{
	return lg_scan_threads(img, opts, 0, out, max, err);
}
