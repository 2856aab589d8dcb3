/* SPDX-License-Identifier: MIT */
/* spec.c — JSON layout specs to the layout model and back (docs/spec.md).
 *
 * Loading happens in two passes over the cJSON tree, both in document order: the first
 * checks every key and type and reports every problem it finds, going on past each (what
 * depends on a refused value is skipped); the second, only when the first found none,
 * allocates what the spec left out — irqs and ring pages — the way the real Launcher's
 * add_virtqueue() did, and packs the page.  cJSON keeps duplicate keys
 * and matches keys without regard to case, so objects are walked child by child and keys
 * compared exactly.  Numbers arrive as doubles: integers are accepted only where they are
 * exact (up to 2^53); larger values are written as strings.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lgkit/emit.h"
#include "lgkit/spec.h"
#include "err_priv.h"
#include "spec_priv.h"

/* ---------------------------------------------------------------- typed config fields */

#define MAXFIELDS 16

/* The typed config fields of type, from the library's device-type table (devtype.c), into
 * f[0..MAXFIELDS); returns how many (0 for a type without typed fields). */
static size_t fields_for(unsigned type, const struct lg_config_field **f)
{
	size_t n = 0;
	while (n < MAXFIELDS && (f[n] = lg_config_field(type, (unsigned)n)))
		n++;
	return n;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Eras (docs/spec.md "Eras"): the spec's "era" names the Launcher whose page it describes. */
#define ERA_VQ_NUM 128u  /* VIRTQUEUE_NUM of the 2.6.24 … 2.6.26 Launchers */
#define ERA_SEG_MAX 126u /* their block seg_max: VIRTQUEUE_NUM - 2 */
static const struct {
	const char *name;
	enum lg_era era;
	bool early;
} spec_eras[] = {
	{"2.6.23", LG_ERA_E0, false},
	{"2.6.24", LG_ERA_E1, false},
	{"2.6.25", LG_ERA_E2, true},
};

/* ---------------------------------------------------------------- messages */

struct ld {
	const char *text;
	size_t len;
	unsigned flags;
	const cJSON *root;    /* the parsed text, for positions */
	struct lg_spec_ix ix; /* built at the first problem */
	bool have_ix;
	lg_spec_sink_fn sink;
	void *ctx;
	int first;            /* the first problem's code, or 0 */
	unsigned nerr;        /* problems so far */
	bool stop;            /* the sink asked to stop, or memory ran out */
	bool nomem;
	enum lg_era era;      /* the spec's "era" (E2 without one) */
	bool early;           /* "era": "2.6.25": the early-E2 Launchers' defaults */
};

/* Hand one problem at pos to the sink; returns code. */
static int vreport(struct ld *c, int code, struct lg_text_pos pos, const char *path,
		   const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static int vreport(struct ld *c, int code, struct lg_text_pos pos, const char *path,
		   const char *fmt, va_list ap)
{
	if (!c->first)
		c->first = code;
	c->nerr++;
	if (code == LG_ERR_NOMEM)
		c->nomem = c->stop = true;
	if (c->stop && code != LG_ERR_NOMEM)
		return code;
	struct lg_spec_diag d;
	memset(&d, 0, sizeof d);
	d.code = code;
	d.line = pos.line;
	d.col = pos.col;
	snprintf(d.path, sizeof d.path, "%s", path ? path : "");
	vsnprintf(d.msg, sizeof d.msg, fmt, ap);
	if (c->sink && c->sink(c->ctx, &d))
		c->stop = true;
	return code;
}

static int report(struct ld *c, int code, struct lg_text_pos pos, const char *path,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int report(struct ld *c, int code, struct lg_text_pos pos, const char *path,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(c, code, pos, path, fmt, ap);
	va_end(ap);
	return code;
}

static int oom(struct ld *c);

/* Where node (with key: its key) is, from the index built on the first call. */
static struct lg_text_pos pos_of(struct ld *c, const cJSON *node, bool key)
{
	if (!c->have_ix && !c->nomem && c->root) {
		if (lg_spec_ix_build(&c->ix, c->text, c->len, c->root) < 0)
			oom(c); /* the problem at hand is not delivered: positions are gone */
		else
			c->have_ix = true;
	}
	if (!c->have_ix || !node)
		return (struct lg_text_pos){1, 1};
	return lg_spec_ix_find(&c->ix, node, key);
}

static int vfail(struct ld *c, int code, const cJSON *node, bool key, const char *path,
		 const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static int vfail(struct ld *c, int code, const cJSON *node, bool key, const char *path,
		 const char *fmt, va_list ap)
{
	return vreport(c, code, pos_of(c, node, key), path, fmt, ap);
}

/* A problem with the value node, named by path. */
static int fail(struct ld *c, int code, const cJSON *node, const char *path, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));
static int fail(struct ld *c, int code, const cJSON *node, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(c, code, node, false, path, fmt, ap);
	va_end(ap);
	return code;
}

/* A problem with the key of the member node. */
static int fail_key(struct ld *c, const cJSON *node, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail_key(struct ld *c, const cJSON *node, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(c, LG_ERR_SPEC, node, true, path, fmt, ap);
	va_end(ap);
	return LG_ERR_SPEC;
}

static int oom(struct ld *c)
{
	return report(c, LG_ERR_NOMEM, (struct lg_text_pos){1, 1}, NULL, "out of memory");
}

#define PATHLEN 192

static void pathf(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A JSON path into a PATHLEN buffer (cut short if it ever were longer). */
static void pathf(char *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, PATHLEN, fmt, ap);
	va_end(ap);
}

/* Printable excerpt of s[0..n) with non-printing bytes as \xNN, quoted. */
static void excerpt(char *out, size_t outlen, const char *s, size_t n, size_t max)
{
	size_t o = 0;
	if (outlen < 8)
		return;
	out[o++] = '"';
	for (size_t i = 0; i < n && i < max && o + 6 < outlen; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", ch);
	}
	if (n > max && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o++] = '"';
	out[o] = 0;
}

/* What a value is, for "got …". */
static void describe(char *out, size_t outlen, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		excerpt(out, outlen, v->valuestring, strlen(v->valuestring), 40);
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d > -1e17 && d < 1e17 && (double)(int64_t)d == d)
			snprintf(out, outlen, "%.0f", d);
		else
			snprintf(out, outlen, "%.17g", d);
	} else if (cJSON_IsTrue(v)) {
		snprintf(out, outlen, "true");
	} else if (cJSON_IsFalse(v)) {
		snprintf(out, outlen, "false");
	} else if (cJSON_IsNull(v)) {
		snprintf(out, outlen, "null");
	} else if (cJSON_IsArray(v)) {
		snprintf(out, outlen, "an array");
	} else if (cJSON_IsObject(v)) {
		snprintf(out, outlen, "an object");
	} else {
		snprintf(out, outlen, "an invalid value");
	}
}

static int expected(struct ld *c, const char *path, const char *what, const cJSON *v)
{
	char got[128];
	describe(got, sizeof got, v);
	return fail(c, LG_ERR_SPEC, v, path, "expected %s, got %s", what, got);
}

/* ---------------------------------------------------------------- scalars */

/* Parse an unsigned integer in decimal or 0x hex; with sizes, a K/M/G suffix (optionally
 * followed by "iB" or "B") multiplies.  Returns false on any other text or on overflow.
 * The one rule for sizes, in specs and (through lg_parse_size) on the tools' command
 * lines. */
static bool parse_uint_text(const char *s, bool sizes, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;
	const char *p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = p;
	for (;; p++) {
		unsigned dv;
		if (*p >= '0' && *p <= '9')
			dv = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			dv = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			dv = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - dv) / base)
			return false;
		v = v * base + dv;
	}
	if (p == digits)
		return false;
	if (*p && sizes) {
		unsigned shift;
		switch (*p) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return false;
		}
		p++;
		if (p[0] == 'i' && p[1] == 'B')
			p += 2;
		else if (p[0] == 'B')
			p++;
		if (v > (UINT64_MAX >> shift))
			return false;
		v <<= shift;
	}
	if (*p)
		return false;
	*out = v;
	return true;
}

int lg_parse_size(const char *s, uint64_t *out)
{
	if (!s || !out)
		return LG_ERR_PARAM;
	return parse_uint_text(s, true, out) ? 0 : LG_ERR_SPEC;
}

#define EXACT_MAX 9007199254740991.0 /* 2^53 - 1: above it, doubles skip integers */

/* An unsigned integer field: a JSON number (exact, non-negative) or a string. */
enum ikind {
	I_NUM,  /* 8- and 16-bit fields: a JSON number */
	I_WIDE, /* 32- and 64-bit fields: a number, or a string in decimal or 0x hex */
	I_SIZE, /* sizes and addresses: I_WIDE, and K/M/G suffixes */
};

static int get_uint(struct ld *c, const cJSON *v, const char *path, enum ikind kind, uint64_t max,
		    uint64_t *out)
{
	char range[96];
	snprintf(range, sizeof range, "an integer from 0 to %llu", (unsigned long long)max);
	const char *what = kind == I_SIZE ? "a size (a number, or a string such as \"32M\" or "
					    "\"0x2000000\")"
			   : kind == I_WIDE ? "an unsigned integer (a number, or a string such as "
					      "\"0x4000\")"
					    : range;
	bool sizes = kind == I_SIZE;
	uint64_t u = 0;
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!isfinite(d) || d < 0)
			return expected(c, path, what, v);
		if (d > EXACT_MAX && max > (uint64_t)EXACT_MAX)
			return fail(c, LG_ERR_SPEC, v, path,
				    "expected a number below 2^53, got one above it, which a JSON "
				    "number cannot hold exactly (it reads as %.17g, perhaps not the "
				    "digits written): write it as a string (\"0x…\" or decimal)",
				    d);
		/* Beyond a lower limit: the range check below names it. */
		u = d > EXACT_MAX ? UINT64_MAX : (uint64_t)d;
		if (d <= EXACT_MAX && (double)u != d) /* a fraction */
			return expected(c, path, what, v);
	} else if (cJSON_IsString(v) && kind != I_NUM) {
		if (!parse_uint_text(v->valuestring, sizes, &u))
			return expected(c, path, what, v);
	} else {
		return expected(c, path, what, v);
	}
	if (u > max) {
		if (kind == I_NUM)
			return expected(c, path, range, v);
		char got[128];
		describe(got, sizeof got, v);
		return fail(c, LG_ERR_SPEC, v, path, "expected at most %llu (%#llx), got %s",
			    (unsigned long long)max, (unsigned long long)max, got);
	}
	*out = u;
	return 0;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "02:4c:47:00:00:01" */
static bool parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0)
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return false;
	}
	return *s == 0;
}

/* Hex bytes, optionally separated by single spaces: "0040 0000" or "00 40". */
static int parse_hex(const char *s, uint8_t *out, size_t max, size_t *n)
{
	size_t k = 0;
	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -1;
		if (k == max)
			return -2;
		out[k++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	*n = k;
	return 0;
}

/* ---------------------------------------------------------------- objects */

/* Fill got[i] with obj's first member named keys[i] exactly (or NULL).  Members that are
 * not in got[] (unknown or repeated keys) are reported by bad_key() as the caller walks the
 * object, so that problems come in document order. */
static void members(const cJSON *obj, const char *const *keys, size_t nkeys, const cJSON **got)
{
	for (size_t i = 0; i < nkeys; i++)
		got[i] = NULL;
	for (const cJSON *m = obj->child; m; m = m->next)
		for (size_t i = 0; i < nkeys; i++)
			if (m->string && strcmp(m->string, keys[i]) == 0) {
				if (!got[i])
					got[i] = m;
				break;
			}
}

/* Which of the members got[0..n) v is; or -1 after reporting v's key as unknown or
 * repeated (each key must be one of keys[] and appear once). */
static int key_of(struct ld *c, const char *path, const char *const *keys, const cJSON *const *got,
		  int n, const cJSON *v)
{
	int i;
	for (i = 0; i < n; i++)
		if (got[i] == v)
			return i;
	for (i = 0; i < n; i++)
		if (v->string && strcmp(v->string, keys[i]) == 0)
			break;
	if (i < n) {
		char mpath[PATHLEN];
		pathf(mpath, "%s.%s", strcmp(path, ".") ? path : "", keys[i]);
		fail_key(c, v, mpath, "duplicate key \"%s\" (each key may appear once)", keys[i]);
		return -1;
	}
	char list[256] = "";
	size_t o = 0;
	for (int k = 0; k < n && o < sizeof list; k++)
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", k ? ", " : "", keys[k]);
	char kx[96];
	excerpt(kx, sizeof kx, v->string ? v->string : "", v->string ? strlen(v->string) : 0, 40);
	fail_key(c, v, path, "unknown key %s; expected one of: %s", kx, list);
	return -1;
}

/* A walk over a JSON object's members in document order, so that problems are reported in
 * that order: each member, the index of its key in keys[] and its path.  A member whose key
 * is not in keys[], or repeats one, is reported and passed over; so is "comment" where
 * keys[] has it (any string). */
struct walk {
	struct ld *c;
	const char *path;
	const char *const *keys;
	const cJSON **m; /* m[i]: the object's first member named keys[i], or NULL */
	int n;
	const cJSON *next;
	const cJSON *v;  /* the member */
	int k;		 /* keys[k] is its key */
	char p[PATHLEN]; /* its path */
};

/* Starts a walk over obj at path with keys[0..n), filling m; false when obj is not an
 * object (reported: what says what was expected). */
static bool walk_start(struct walk *w, struct ld *c, const cJSON *obj, const char *path,
		       const char *what, const char *const *keys, int n, const cJSON **m)
{
	if (!cJSON_IsObject(obj)) {
		expected(c, path, what, obj);
		return false;
	}
	members(obj, keys, (size_t)n, m);
	w->c = c;
	w->path = path;
	w->keys = keys;
	w->m = m;
	w->n = n;
	w->next = obj->child;
	return true;
}

/* The next member to judge; false at the end, or once loading stops. */
static bool walk_next(struct walk *w)
{
	while (w->next && !w->c->stop) {
		w->v = w->next;
		w->next = w->v->next;
		w->k = key_of(w->c, w->path, w->keys, w->m, w->n, w->v);
		if (w->k < 0)
			continue;
		pathf(w->p, "%s.%s", strcmp(w->path, ".") ? w->path : "", w->keys[w->k]);
		if (strcmp(w->keys[w->k], "comment") != 0)
			return true;
		if (!cJSON_IsString(w->v))
			expected(w->c, w->p, "a string", w->v);
	}
	return false;
}

static bool has_key(const cJSON *obj, const char *key)
{
	for (const cJSON *m = obj && cJSON_IsObject(obj) ? obj->child : NULL; m; m = m->next)
		if (m->string && strcmp(m->string, key) == 0)
			return true;
	return false;
}

/* A config given as the object {"hex": "…"} at path: its bytes into dst, at most max (why
 * says why), their number into *len; false when it has problems (reported).  example is a
 * hex string the messages show. */
static bool load_hex(struct ld *c, const cJSON *cfg, const char *path, uint8_t *dst, size_t max,
		     const char *why, const char *example, size_t *len)
{
	static const char *const keys[] = {"hex"};
	const cJSON *got[1];
	char what[96];
	struct walk w;
	bool ok = false;
	if (!walk_start(&w, c, cfg, path, "an object {\"hex\": \"…\"}", keys, 1, got))
		return false;
	while (walk_next(&w)) {
		int rc = cJSON_IsString(w.v) ? parse_hex(w.v->valuestring, dst, max, len) : -3;
		if (rc == -3) {
			snprintf(what, sizeof what, "a string of hex bytes such as \"%s\"", example);
			expected(c, w.p, what, w.v);
		} else if (rc == -2) {
			fail(c, LG_ERR_SPEC, w.v, w.p, "expected at most %zu bytes (%s), got more", max,
			     why);
		} else if (rc < 0) {
			snprintf(what, sizeof what, "pairs of hex digits such as \"%s\"", example);
			expected(c, w.p, what, w.v);
		} else {
			ok = true;
		}
	}
	return ok;
}

/* ---------------------------------------------------------------- pass 1: one device */

/* What pass 1 learns about a queue before allocation. */
struct qspec {
	const cJSON *node; /* for messages of pass 2 */
	uint16_t num;
	bool has_irq, has_pfn;
	uint16_t irq;
	uint32_t pfn;
};

struct dspec {
	struct qspec q[255];
	unsigned nq;
};

static void feature_list(struct ld *c, const cJSON *arr, const char *path, unsigned type,
			 uint8_t bits[255], unsigned *need_len)
{
	if (!cJSON_IsArray(arr)) {
		expected(c, path, "an array of feature names or bit numbers", arr);
		return;
	}
	int idx = 0;
	int16_t where[2040];
	for (unsigned b = 0; b < 2040; b++)
		where[b] = -1;
	for (const cJSON *e = arr->child; e && !c->stop; e = e->next, idx++) {
		char p[PATHLEN];
		pathf(p, "%s[%d]", path, idx);
		unsigned bit;
		if (cJSON_IsString(e)) {
			int r = lg_feature_lookup(type, e->valuestring);
			if (r < 0 || r >= 2040) {
				char list[300] = "";
				size_t o = 0;
				for (unsigned b = 0; b < 64 && o < sizeof list; b++) {
					const char *n = lg_feature_name(type, b);
					if (n && lg_feature_lookup(type, n) == (int)b)
						o += (size_t)snprintf(list + o, sizeof list - o,
								      "%s%s", o ? ", " : "", n);
				}
				char kx[96];
				excerpt(kx, sizeof kx, e->valuestring, strlen(e->valuestring), 40);
				const char *tn = lg_type_name(type);
				char tbuf[32];
				if (!tn) {
					snprintf(tbuf, sizeof tbuf, "type %u", type);
					tn = tbuf;
				}
				fail(c, LG_ERR_SPEC, e, p,
				     "unknown feature %s for a %s device; expected a bit number or one "
				     "of: %s",
				     kx, tn, list);
				continue;
			}
			bit = (unsigned)r;
		} else {
			uint64_t u;
			if (!cJSON_IsNumber(e)) {
				expected(c, p, "a feature name or a bit number 0..2039", e);
				continue;
			}
			if (get_uint(c, e, p, I_NUM, 2039, &u) < 0)
				continue;
			bit = (unsigned)u;
		}
		if (where[bit] >= 0) {
			fail(c, LG_ERR_SPEC, e, p, "feature bit %u is already listed at [%d]", bit,
			     where[bit]);
			continue;
		}
		where[bit] = (int16_t)idx;
		bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
		if (bit / 8 + 1 > *need_len)
			*need_len = bit / 8 + 1;
	}
}

static void load_queue(struct ld *c, const cJSON *q, const char *path, struct qspec *out)
{
	static const char *const keys[] = {"num", "irq", "pfn"};
	const cJSON *m[3];
	struct walk w;
	out->node = q;
	if (!walk_start(&w, c, q, path, "an object such as {\"num\": 256}", keys, 3, m))
		return;
	while (walk_next(&w)) {
		const cJSON *v = w.v;
		const char *p = w.p;
		int k = w.k;
		uint64_t u = 0;
		if (k == 0 && !(c->flags & LG_SPEC_LAX)) {
			double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
			if (!(d >= 1 && d <= LG_VQ_NUM_MAX) || (double)(uint32_t)d != d)
				expected(c, p, "a power of two from 1 to 32768", v);
			else if (((uint64_t)d & ((uint64_t)d - 1)) != 0)
				expected(c, p, "a power of two", v);
			else
				out->num = (uint16_t)d;
		} else if (k == 0) {
			if (get_uint(c, v, p, I_NUM, UINT16_MAX, &u) == 0)
				out->num = (uint16_t)u;
		} else if (k == 1) {
			if (get_uint(c, v, p, I_NUM, UINT16_MAX, &u) == 0) {
				out->has_irq = true;
				out->irq = (uint16_t)u;
			}
		} else if (get_uint(c, v, p, I_WIDE, UINT32_MAX, &u) == 0) {
			out->has_pfn = true;
			out->pfn = (uint32_t)u;
		}
	}
	/* After the members: an unknown key often says why one is missing.  With an era, the
	 * Launcher's VIRTQUEUE_NUM. */
	if (!m[0] && c->era == LG_ERA_E2 && !c->early)
		fail(c, LG_ERR_SPEC, q, path, "missing key \"num\" (the ring size)");
	else if (!m[0])
		out->num = ERA_VQ_NUM;
}

static void load_config(struct ld *c, const cJSON *cfg, const char *path, struct lg_device *d,
			unsigned *need)
{
	if (!cJSON_IsObject(cfg)) {
		expected(c, path, "an object of config fields, or {\"hex\": \"…\"}", cfg);
		return;
	}
	size_t hexlen;
	if (has_key(cfg, "hex")) {
		if (load_hex(c, cfg, path, d->config, 255, "config_len is 8 bits", "00400000",
			     &hexlen))
			*need = (unsigned)hexlen;
		return;
	}
	const struct lg_config_field *f[MAXFIELDS];
	size_t nf = fields_for(d->type, f);
	if (!nf) {
		if (!cfg->child)
			return;
		const char *tn = lg_type_name(d->type);
		char tbuf[32];
		if (!tn) {
			snprintf(tbuf, sizeof tbuf, "type %u", d->type);
			tn = tbuf;
		}
		fail(c, LG_ERR_SPEC, cfg, path,
		     "a %s device has no typed config fields; expected {\"hex\": \"…\"}", tn);
		return;
	}
	const char *keys[16];
	const cJSON *got[16];
	for (size_t i = 0; i < nf; i++)
		keys[i] = f[i]->name;
	struct walk w;
	walk_start(&w, c, cfg, path, NULL, keys, (int)nf, got); /* an object: seen above */
	while (walk_next(&w)) {
		const cJSON *m = w.v;
		const char *p = w.p;
		int i = w.k;
		uint8_t *dst = d->config + f[i]->off;
		unsigned size = f[i]->size;
		if (f[i]->kind == LG_FIELD_MAC) {
			if (!cJSON_IsString(m) || !parse_mac(m->valuestring, dst)) {
				expected(c, p, "a MAC address such as \"02:4c:47:00:00:01\"", m);
				continue;
			}
		} else if (f[i]->kind == LG_FIELD_BYTES) {
			if (!cJSON_IsString(m)) {
				expected(c, p, "a string such as \"share\"", m);
				continue;
			}
			size_t n = strlen(m->valuestring);
			if (n > 255u - f[i]->off) {
				fail(c, LG_ERR_SPEC, m, p,
				     "expected at most %u bytes (config_len is 8 bits), got %zu",
				     255u - f[i]->off, n);
				continue;
			}
			memcpy(dst, m->valuestring, n);
			size = (unsigned)n;
		} else {
			uint64_t u, max = size == 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
			if (get_uint(c, m, p, size >= 4 ? I_WIDE : I_NUM, max, &u) < 0)
				continue;
			for (unsigned b = 0; b < size; b++)
				dst[b] = (uint8_t)(u >> (8 * b));
		}
		unsigned end = f[i]->off + size;
		if (end > *need)
			*need = end;
	}
}

/* ---------------------------------------------------------------- eras (docs/spec.md "Eras") */

/* A device type (a name or a virtio id 1..255) into *type; NULL, or what was expected. */
static const char *type_problem(const cJSON *v, uint8_t *type)
{
	if (cJSON_IsString(v)) {
		int t = lg_type_lookup(v->valuestring);
		if (t < 0 || t > 255)
			return "net, block, console, rng or a virtio id 1..255";
		*type = (uint8_t)t;
	} else if (cJSON_IsNumber(v)) {
		double t = v->valuedouble;
		if (!(t >= 1 && t <= 255) || (double)(unsigned)t != t)
			return "a virtio id 1..255 (0 would end the device list)";
		*type = (uint8_t)t;
	} else {
		return "a device type name (net, block, console, rng) or a virtio id";
	}
	return NULL;
}

/* The queues the 2.6.24 … 2.6.26 Launchers gave a device of this type (0: none known). */
static unsigned era_queues(uint8_t type)
{
	return type == LG_TYPE_NET || type == LG_TYPE_CONSOLE ? 2 : type == LG_TYPE_BLOCK ? 1 : 0;
}

/* The era's default queues (of ERA_VQ_NUM entries) for a device that gives none; false
 * (reported) when the Launcher had none for its type. */
static bool era_default_queues(struct ld *c, const cJSON *dj, const char *path, uint8_t type,
			       struct dspec *ds, const char *kernel)
{
	unsigned n = era_queues(type);
	if (!n) {
		fail(c, LG_ERR_SPEC, dj, path,
		     "missing key \"queues\" (the %s Launcher had defaults only for net, block and "
		     "console)",
		     kernel);
		return false;
	}
	for (unsigned q = 0; q < n; q++)
		ds->q[q] = (struct qspec){.node = dj, .num = ERA_VQ_NUM};
	ds->nq = n;
	return true;
}

/* "era": "2.6.25": what the back-ported Launchers wrote for what the spec leaves out —
 * queues of 128 entries (net and console 2, block 1), block features BARRIER and SEG_MAX
 * with seg_max 126 in a 16-byte config, net feature MAC with a 6-byte config (the MAC). */
static void early_defaults(struct ld *c, const cJSON *dj, const cJSON *queues,
			   const cJSON *features, const cJSON *config, const char *path,
			   struct lg_device *d, struct dspec *ds, unsigned *flen, unsigned *clen)
{
	if (!queues && era_default_queues(c, dj, path, d->type, ds, "2.6.25"))
		d->num_vq = (uint8_t)ds->nq;
	if (!features && d->type == LG_TYPE_BLOCK) {
		d->host_features[0] = 1u << 0 | 1u << 2; /* BARRIER, SEG_MAX */
		*flen = 1;
	} else if (!features && d->type == LG_TYPE_NET) {
		d->host_features[0] = 1u << 5; /* MAC */
		*flen = 1;
	}
	if (has_key(config, "hex"))
		return;
	if (d->type == LG_TYPE_BLOCK) {
		lg_put32(d->config + 12, ERA_SEG_MAX);
		*clen = 16;
	} else if (d->type == LG_TYPE_NET) {
		*clen = 6;
	}
}

/* A typed field of an era's device memory (E0) or device config (E1). */
struct efield {
	const char *name;
	uint8_t at;   /* E0: offset in the device's first page; E1: the field's type byte */
	uint8_t size; /* 4 or 8 (numbers), 6 (a MAC) */
};
/* E0: struct lguest_block_page's num_sectors; struct lguest_net's slot 0. */
static const struct efield e0_block[] = {{"capacity", LG_E0_BLOCK_NUM_SECTORS, 4}};
static const struct efield e0_net[] = {{"mac", 0, 6}};
/* E1: VIRTIO_CONFIG_BLK_F_{CAPACITY,SIZE_MAX,SEG_MAX}, VIRTIO_CONFIG_NET_MAC_F. */
static const struct efield e1_block[] = {{"capacity", LG_E1_BLK_CAPACITY, 8},
					 {"size_max", LG_E1_BLK_SIZE_MAX, 4},
					 {"seg_max", LG_E1_BLK_SEG_MAX, 4}};
static const struct efield e1_net[] = {{"mac", LG_E1_NET_MAC, 6}};

static const struct efield *efields(enum lg_era era, uint8_t vtype, size_t *n)
{
	*n = 1;
	if (vtype == LG_TYPE_NET)
		return era == LG_ERA_E0 ? e0_net : e1_net;
	if (vtype == LG_TYPE_BLOCK && era == LG_ERA_E0)
		return e0_block;
	if (vtype == LG_TYPE_BLOCK) {
		*n = NELEM(e1_block);
		return e1_block;
	}
	*n = 0;
	return NULL;
}

/* What an era spec's "config" gave: raw bytes, or typed values (given[i] for field i). */
struct econfig {
	bool hex;
	size_t hexlen;
	uint8_t raw[255];
	bool given[3];
	uint64_t val[3];
	uint8_t mac[6];
};

static void load_era_config(struct ld *c, const cJSON *cfg, const char *path, uint8_t vtype,
			    size_t hexmax, struct econfig *e)
{
	size_t nf;
	const struct efield *f = efields(c->era, vtype, &nf);
	const char *keys[4];
	const cJSON *got[4];
	if (!cJSON_IsObject(cfg)) {
		expected(c, path, "an object of config fields, or {\"hex\": \"…\"}", cfg);
		return;
	}
	if (has_key(cfg, "hex")) {
		e->hex = load_hex(c, cfg, path, e->raw, hexmax,
				  c->era == LG_ERA_E0 ? "the device memory the model keeps"
						      : "config_len is 8 bits",
				  "4108008000", &e->hexlen);
		return;
	}
	if (!f) {
		if (cfg->child)
			fail(c, LG_ERR_SPEC, cfg, path,
			     "this device has no typed %s fields; expected {\"hex\": \"…\"}",
			     c->era == LG_ERA_E0 ? "2.6.23" : "2.6.24");
		return;
	}
	for (size_t i = 0; i < nf; i++)
		keys[i] = f[i].name;
	struct walk w;
	walk_start(&w, c, cfg, path, NULL, keys, (int)nf, got); /* an object: seen above */
	while (walk_next(&w)) {
		const struct efield *fi = &f[w.k];
		if (fi->size == 6) {
			if (!cJSON_IsString(w.v) || !parse_mac(w.v->valuestring, e->mac))
				expected(c, w.p, "a MAC address such as \"02:4c:47:00:00:01\"", w.v);
			else
				e->given[w.k] = true;
		} else if (get_uint(c, w.v, w.p, I_WIDE, fi->size == 8 ? UINT64_MAX : UINT32_MAX,
				    &e->val[w.k]) == 0) {
			e->given[w.k] = true;
		}
	}
}

/* What pass 1 learns about an era device. */
struct espec {
	bool has_pfn; /* E0 */
	struct econfig cfg;
};

/* E0 features: "RANDOMNESS" (0x8000), "NOCSUM" (0x4000) or bit numbers 0..15 (the low bits
 * of a net device are its peer's slot). */
static void e0_features(struct ld *c, const cJSON *arr, const char *path, uint16_t *out)
{
	if (!cJSON_IsArray(arr)) {
		expected(c, path, "an array of \"RANDOMNESS\", \"NOCSUM\" or bit numbers 0..15", arr);
		return;
	}
	int idx = 0;
	*out = 0;
	for (const cJSON *e = arr->child; e && !c->stop; e = e->next, idx++) {
		char p[PATHLEN];
		uint64_t bit = 0;
		pathf(p, "%s[%d]", path, idx);
		if (cJSON_IsString(e) && strcmp(e->valuestring, "RANDOMNESS") == 0) {
			bit = 15;
		} else if (cJSON_IsString(e) && strcmp(e->valuestring, "NOCSUM") == 0) {
			bit = 14;
		} else if (!cJSON_IsNumber(e)) {
			expected(c, p, "\"RANDOMNESS\", \"NOCSUM\" or a bit number 0..15", e);
			continue;
		} else if (get_uint(c, e, p, I_NUM, 15, &bit) < 0) {
			continue;
		}
		if (*out & (1u << bit))
			fail(c, LG_ERR_SPEC, e, p, "feature bit %u is listed twice", (unsigned)bit);
		*out = (uint16_t)(*out | 1u << bit);
	}
}

/* One 2.6.23 device: its slot and what goes in it, and the first bytes of its memory;
 * false when it has problems (reported). */
static bool load_device_e0(struct ld *c, const cJSON *dj, const char *path, struct lg_device *d,
			   int prev_slot, struct espec *es)
{
	enum { K_TYPE, K_SLOT, K_FEATURES, K_STATUS, K_NUM_PAGES, K_PFN, K_CONFIG, K_COMMENT,
	       K_N };
	static const char *const keys[K_N] = {"type",	   "slot", "features", "status",
					      "num_pages", "pfn",  "config",   "comment"};
	const cJSON *m[K_N];
	struct walk w;
	uint64_t u = 0;
	unsigned nerr = c->nerr;
	struct lg_e0_slot *s = &d->e0;
	s->slot = (uint8_t)(prev_slot + 1);
	if (!walk_start(&w, c, dj, path, "a device object such as {\"type\": \"block\"}", keys,
			K_N, m))
		return false;
	const cJSON *t = m[K_TYPE];
	bool type_ok = true;
	if (!t)
		type_ok = false;
	else if (cJSON_IsString(t) && strcmp(t->valuestring, "console") == 0)
		s->type = LG_E0_CONSOLE;
	else if (cJSON_IsString(t) && strcmp(t->valuestring, "net") == 0)
		s->type = LG_E0_NET;
	else if (cJSON_IsString(t) && strcmp(t->valuestring, "block") == 0)
		s->type = LG_E0_BLOCK;
	else if (cJSON_IsNumber(t) && t->valuedouble >= 1 && t->valuedouble <= UINT16_MAX &&
		 (double)(unsigned)t->valuedouble == t->valuedouble)
		s->type = (uint16_t)t->valuedouble;
	else
		type_ok = false;
	d->type = s->type == LG_E0_CONSOLE ? LG_TYPE_CONSOLE
		  : s->type == LG_E0_NET   ? LG_TYPE_NET
		  : s->type == LG_E0_BLOCK ? LG_TYPE_BLOCK
					   : 0;
	/* The 2.6.23 Launcher's choices: --block and --tunnet RANDOMNESS (a tunnet's peer is
	 * slot 1), one page each; the console none. */
	s->features = s->type == LG_E0_BLOCK ? LG_E0_F_RANDOMNESS
		      : s->type == LG_E0_NET ? LG_E0_F_RANDOMNESS | 1u
					     : 0;
	s->num_pages = s->type == LG_E0_BLOCK || s->type == LG_E0_NET ? 1 : 0;
	while (walk_next(&w)) {
		const cJSON *v = w.v;
		const char *p = w.p;
		switch (w.k) {
		case K_TYPE:
			if (!type_ok)
				expected(c, p,
					 "console, net, block or a 2.6.23 type number 1..65535 (1 "
					 "console, 2 net, 3 block)",
					 v);
			break;
		case K_SLOT:
			if (get_uint(c, v, p, I_NUM, LG_E0_SLOTS - 1, &u) < 0)
				break;
			if ((int)u <= prev_slot)
				fail(c, LG_ERR_SPEC, v, p,
				     "expected a slot after the previous device's (%d): devices are "
				     "listed in slot order, got %llu",
				     prev_slot, (unsigned long long)u);
			else
				s->slot = (uint8_t)u;
			break;
		case K_FEATURES:
			e0_features(c, v, p, &s->features);
			break;
		case K_STATUS:
			if (get_uint(c, v, p, I_NUM, UINT16_MAX, &u) == 0)
				s->status = (uint16_t)u;
			break;
		case K_NUM_PAGES:
			if (get_uint(c, v, p, I_NUM, UINT16_MAX, &u) == 0)
				s->num_pages = (uint16_t)u;
			break;
		case K_PFN:
			if (get_uint(c, v, p, I_WIDE, UINT32_MAX, &u) == 0) {
				s->pfn = (uint32_t)u;
				es->has_pfn = true;
			}
			break;
		case K_CONFIG:
			if (type_ok)
				load_era_config(c, v, p, d->type, LG_E0_PAGE_HEAD, &es->cfg);
			break;
		}
	}
	/* After the members: an unknown key often says why one is missing. */
	if (!t)
		fail(c, LG_ERR_SPEC, dj, path,
		     "missing key \"type\" (console, net, block or a 2.6.23 type number)");
	if (prev_slot + 1 >= (int)LG_E0_SLOTS && !m[K_SLOT])
		fail(c, LG_ERR_SPEC, dj, path,
		     "expected at most 16 devices: the 2.6.23 page has 16 slots");
	if (m[K_CONFIG] && !s->num_pages) {
		char at[PATHLEN];
		pathf(at, "%s.config", path);
		fail(c, LG_ERR_SPEC, m[K_CONFIG], at,
		     "the device has num_pages 0: no memory to hold a config");
	}
	/* The memory's first bytes: typed fields at their offsets, or the hex. */
	if (es->cfg.hex)
		memcpy(s->page_head, es->cfg.raw, es->cfg.hexlen);
	else if (d->type == LG_TYPE_NET && es->cfg.given[0])
		memcpy(s->page_head, es->cfg.mac, 6);
	else if (d->type == LG_TYPE_BLOCK)
		lg_put32(s->page_head + LG_E0_BLOCK_NUM_SECTORS, (uint32_t)es->cfg.val[0]);
	s->page_read = s->num_pages != 0;
	return c->nerr == nerr;
}

/* A device's "queues" array at path p: at most max queues (why says the limit's reason),
 * each loaded into ds->q; false when it has problems (reported). */
static bool load_queues(struct ld *c, const cJSON *v, const char *p, struct dspec *ds, int max,
			const char *example, const char *why)
{
	if (!cJSON_IsArray(v)) {
		expected(c, p, example, v);
		return false;
	}
	int n = cJSON_GetArraySize(v);
	if (n > max) {
		fail(c, LG_ERR_SPEC, v, p, "expected at most %d queues (%s), got %d", max, why, n);
		return false;
	}
	int i = 0;
	for (const cJSON *q = v->child; q && !c->stop; q = q->next, i++) {
		char qp[PATHLEN];
		pathf(qp, "%s[%d]", p, i);
		load_queue(c, q, qp, &ds->q[i]);
	}
	ds->nq = (unsigned)n;
	return true;
}

/* The members that 2.6.24 and later devices judge alike: "type" (type_bad, the problem
 * found before the walk, is reported in its place) and "status"; false for the others. */
static bool device_key(struct ld *c, const struct walk *w, const char *type_bad,
		       struct lg_device *d)
{
	const char *key = w->keys[w->k];
	uint64_t u = 0;
	if (strcmp(key, "type") == 0) {
		if (type_bad)
			expected(c, w->p, type_bad, w->v);
	} else if (strcmp(key, "status") == 0) {
		if (get_uint(c, w->v, w->p, I_NUM, 255, &u) == 0)
			d->status = (uint8_t)u;
	} else {
		return false;
	}
	return true;
}

/* One 2.6.24 device: its queues become the first fields of its config, the typed fields
 * (or the hex) follow, as the 2.6.24 Launcher wrote them (ERA_* defaults); false when it
 * has problems (reported). */
static bool load_device_e1(struct ld *c, const cJSON *dj, const char *path, struct lg_device *d,
			   struct dspec *ds, struct espec *es)
{
	enum { K_TYPE, K_QUEUES, K_STATUS, K_CONFIG, K_COMMENT, K_N };
	static const char *const keys[K_N] = {"type", "queues", "status", "config", "comment"};
	const cJSON *m[K_N];
	struct walk w;
	unsigned nerr = c->nerr;
	if (!walk_start(&w, c, dj, path, "a device object such as {\"type\": \"block\"}", keys,
			K_N, m))
		return false;
	const char *type_bad = m[K_TYPE] ? type_problem(m[K_TYPE], &d->type) : NULL;
	bool type_ok = m[K_TYPE] && !type_bad;
	if (type_ok && !m[K_QUEUES])
		era_default_queues(c, dj, path, d->type, ds, "2.6.24");
	while (walk_next(&w)) {
		if (device_key(c, &w, type_bad, d))
			continue;
		if (w.k == K_QUEUES)
			load_queues(c, w.v, w.p, ds, 25, "an array of queues such as [{\"num\": 128}]",
				    "each is a 10-byte field of the 255-byte config");
		else if (type_ok) /* K_CONFIG */
			load_era_config(c, w.v, w.p, d->type, 255, &es->cfg);
	}
	if (!m[K_TYPE])
		fail(c, LG_ERR_SPEC, dj, path,
		     "missing key \"type\" (net, block, console or a virtio id)");
	/* The size is known once the queues are: the fields must fit config_len. */
	unsigned len = 10u * ds->nq;
	if (es->cfg.hex)
		len += (unsigned)es->cfg.hexlen;
	else if (d->type == LG_TYPE_NET)
		len += 2 + 6;
	else if (d->type == LG_TYPE_BLOCK)
		len += 2 + 8 + (es->cfg.given[1] ? 2 + 4 : 0) + 2 + 4;
	if (len > 255)
		fail(c, LG_ERR_SPEC, dj, path,
		     "the queues' and device's fields take %u bytes; config_len is 8 bits (at "
		     "most 255)",
		     len);
	else
		d->config_len = (uint8_t)len;
	return c->nerr == nerr;
}

/* After allocation: the 2.6.24 config — a VIRTIO_CONFIG_F_VIRTQUEUE field per queue, then
 * the device's fields (capacity, size_max when given, seg_max; the MAC) or the hex. */
static void e1_build_config(struct lg_device *d, const struct econfig *e)
{
	uint8_t *p = d->config;
	for (unsigned q = 0; q < d->num_vq; q++) {
		*p++ = LG_E1_F_VIRTQUEUE;
		*p++ = LG_VQC_SIZE;
		lg_put16(p + LG_VQC_NUM, d->vq[q].num);
		lg_put16(p + LG_VQC_IRQ, d->vq[q].irq);
		lg_put32(p + LG_VQC_PFN, d->vq[q].pfn);
		p += LG_VQC_SIZE;
	}
	if (e->hex) {
		memcpy(p, e->raw, e->hexlen);
	} else if (d->type == LG_TYPE_NET) {
		*p++ = LG_E1_NET_MAC;
		*p++ = 6;
		memcpy(p, e->mac, 6);
	} else if (d->type == LG_TYPE_BLOCK) {
		*p++ = LG_E1_BLK_CAPACITY;
		*p++ = 8;
		lg_put64(p, e->val[0]);
		p += 8;
		if (e->given[1]) {
			*p++ = LG_E1_BLK_SIZE_MAX;
			*p++ = 4;
			lg_put32(p, (uint32_t)e->val[1]);
			p += 4;
		}
		*p++ = LG_E1_BLK_SEG_MAX;
		*p++ = 4;
		lg_put32(p, e->given[2] ? (uint32_t)e->val[2] : ERA_SEG_MAX);
	}
}

/* E0 and E1: decode the packed page, so that a loaded layout is exactly what decoding its
 * bytes gives (the era's fields, offsets, vqs); E0 keeps the device memory given. */
static void era_redecode(struct ld *c, const cJSON *root, struct lg_layout *l)
{
	struct lg_layout n;
	int rc = lg_decode_page_era(l->page, LG_PAGE_SIZE, l->page_addr, l->era, &n);
	if (rc < 0) {
		fail(c, rc, root, NULL, "cannot decode the page laid out: %s", lg_strerror(rc));
		return;
	}
	if (n.ndev != l->ndev) {
		fail(c, LG_ERR_INTERNAL, root, NULL, "the page laid out has %zu devices, not %zu",
		     n.ndev, l->ndev);
		lg_layout_free(&n);
		return;
	}
	for (size_t d = 0; d < n.ndev; d++) {
		n.dev[d].e0.page_read = l->dev[d].e0.page_read;
		memcpy(n.dev[d].e0.page_head, l->dev[d].e0.page_head, LG_E0_PAGE_HEAD);
	}
	n.mem = l->mem;
	n.pfn_limit = l->pfn_limit;
	lg_layout_free(l);
	*l = n;
}

/* One device; false when it has problems (reported). */
static bool load_device(struct ld *c, const cJSON *dj, const char *path, struct lg_device *d,
			struct dspec *ds)
{
	enum { K_TYPE, K_QUEUES, K_FEATURES, K_ACKED, K_FLEN, K_STATUS, K_CONFIG, K_CLEN,
	       K_COMMENT, K_N };
	static const char *const keys[K_N] = {"type",	     "queues", "features",
					      "acked",	     "feature_len", "status",
					      "config",	     "config_len", "comment"};
	const cJSON *m[K_N];
	char at[PATHLEN];
	struct walk w;
	unsigned nerr = c->nerr;

	if (!walk_start(&w, c, dj, path, "a device object such as {\"type\": \"rng\", \"queues\": "
				  "[{\"num\": 256}]}",
			keys, K_N, m))
		return false;

	/* The type first: feature names and config fields depend on it (without a type they
	 * are not judged).  A bad type is reported in its place among the keys. */
	const char *type_bad = m[K_TYPE] ? type_problem(m[K_TYPE], &d->type) : NULL;
	bool type_ok = m[K_TYPE] && !type_bad;

	unsigned flen = 0, clen = 0;
	if (c->early && type_ok)
		early_defaults(c, dj, m[K_QUEUES], m[K_FEATURES], m[K_CONFIG], path, d, ds, &flen,
			       &clen);
	uint64_t flen_v = 0, clen_v = 0;
	bool flen_ok = false, clen_ok = false;
	while (walk_next(&w)) {
		if (device_key(c, &w, type_bad, d))
			continue;
		const cJSON *v = w.v;
		const char *p = w.p;
		switch (w.k) {
		case K_QUEUES:
			if (load_queues(c, v, p, ds, 255, "an array of queues such as [{\"num\": 256}]",
					"num_vq is 8 bits"))
				d->num_vq = (uint8_t)ds->nq;
			break;
		case K_FEATURES:
		case K_ACKED:
			if (type_ok)
				feature_list(c, v, p, d->type,
					     w.k == K_FEATURES ? d->host_features : d->guest_features,
					     &flen);
			break;
		case K_CONFIG:
			if (type_ok)
				load_config(c, v, p, d, &clen);
			break;
		case K_FLEN: /* lengths: below, once the contents are known */
			flen_ok = get_uint(c, v, p, I_NUM, 255, &flen_v) == 0;
			break;
		default:
			clen_ok = get_uint(c, v, p, I_NUM, 255, &clen_v) == 0;
		}
	}
	/* After the members: an unknown key often says why one is missing. */
	if (!m[K_TYPE])
		fail(c, LG_ERR_SPEC, dj, path,
		     "missing key \"type\" (net, block, console, rng or a virtio id)");
	if (!m[K_QUEUES] && !c->early)
		fail(c, LG_ERR_SPEC, dj, path, "missing key \"queues\" (e.g. [{\"num\": 256}])");
	/* Explicit lengths may grow the bitmaps or config (zero-filled), never cut them. */
	d->feature_len = (uint8_t)flen;
	if (flen_ok) {
		pathf(at, "%s.feature_len", path);
		if (flen_v < flen)
			fail(c, LG_ERR_SPEC, m[K_FLEN], at,
			     "expected at least %u to hold the highest feature bit listed, got %llu",
			     flen, (unsigned long long)flen_v);
		else
			d->feature_len = (uint8_t)flen_v;
	}
	d->config_len = (uint8_t)clen;
	if (clen_ok) {
		pathf(at, "%s.config_len", path);
		if (clen_v < clen)
			fail(c, LG_ERR_SPEC, m[K_CLEN], at,
			     "expected at least %u to hold the config given, got %llu", clen,
			     (unsigned long long)clen_v);
		else
			d->config_len = (uint8_t)clen_v;
	}
	return c->nerr == nerr;
}

/* ---------------------------------------------------------------- load */

/* Where a string of (valid) JSON text holds the escape \u0000 or a raw control character
 * (JSON forbids them unescaped), or NULL.  cJSON ends its strings at a NUL, so
 * "mem\u0000x" would pass for the key "mem", and takes raw control characters as they
 * are. */
static const char *bad_in_string(const char *text, size_t len)
{
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		if (in_string && (unsigned char)text[i] < 0x20) {
			return text + i;
		} else if (text[i] == '"') {
			in_string = !in_string;
		} else if (in_string && text[i] == '\\' && i + 1 < len) {
			if (text[i + 1] == 'u' && i + 6 <= len && memcmp(text + i + 2, "0000", 4) == 0)
				return text + i;
			i++; /* the escaped character */
		}
	}
	return NULL;
}

static int syntax_error(struct ld *c, const char *at)
{
	size_t pos = at && at >= c->text && at <= c->text + c->len ? (size_t)(at - c->text)
								   : c->len;
	/* Point at the first byte that is not blank. */
	while (pos < c->len && (c->text[pos] == ' ' || c->text[pos] == '\t' ||
				c->text[pos] == '\r' || c->text[pos] == '\n'))
		pos++;
	struct lg_text_pos tp = lg_text_pos_at(c->text, c->len, pos);
	if (pos >= c->len)
		return report(c, LG_ERR_SYNTAX, tp, NULL,
			      "invalid JSON: unexpected end of input (truncated?)");
	char q[80];
	excerpt(q, sizeof q, c->text + pos, c->len - pos, 16);
	return report(c, LG_ERR_SYNTAX, tp, NULL, "invalid JSON: unexpected text at %s", q);
}

/* A size or an address at p (a number or a size string) that must be a multiple of 4096
 * below 2^63, and not 0 when nonzero; false when it is not (reported: expected multiple, or
 * noun "below 2^63"). */
static bool get_pages(struct ld *c, const cJSON *v, const char *p, bool nonzero,
		      const char *multiple, const char *noun, uint64_t *out)
{
	char what[64];
	if (get_uint(c, v, p, I_SIZE, UINT64_MAX, out) < 0)
		return false;
	if ((nonzero && *out == 0) || *out % LG_PAGE_SIZE) {
		expected(c, p, multiple, v);
		return false;
	}
	if (*out > UINT64_MAX / 2) {
		snprintf(what, sizeof what, "%s below 2^63 (0x8000000000000000)", noun);
		expected(c, p, what, v);
		return false;
	}
	return true;
}

static void load_tree(struct ld *c, const cJSON *root, const struct lg_spec_opts *o,
		      struct lg_layout *l)
{
	enum { K_SCHEMA, K_COMMENT, K_ERA, K_MEM, K_PAGE, K_PFNLIM, K_DEVICES, K_N };
	static const char *const keys[K_N] = {"$schema", "comment",   "era",	"mem",
					      "page_addr", "pfn_limit", "devices"};
	const cJSON *m[K_N];
	uint64_t mem = 0, page = 0, pfnlim = 0;
	bool mem_ok = false, page_ok = false, pfnlim_ok = false;

	struct walk w;
	if (!walk_start(&w, c, root, ".", "an object {\"mem\": …, \"devices\": […]}", keys, K_N, m))
		return;
	struct dspec *ds = NULL;
	struct espec *es = NULL;
	lg_layout_init(l, 0);
	/* The era first: what a device may say depends on it (a bad one is reported in its
	 * place among the keys, and the devices are not judged). */
	size_t era = 0;
	while (m[K_ERA] && era < NELEM(spec_eras) &&
	       !(cJSON_IsString(m[K_ERA]) && strcmp(m[K_ERA]->valuestring, spec_eras[era].name) == 0))
		era++;
	if (m[K_ERA] && era < NELEM(spec_eras)) {
		c->era = spec_eras[era].era;
		c->early = spec_eras[era].early;
	}
	l->era = c->era;
	l->early_e2 = c->early;
	int prev_slot = -1;

	while (walk_next(&w)) {
		const cJSON *v = w.v;
		const char *p = w.p;
		switch (w.k) {
		case K_ERA:
			if (era == NELEM(spec_eras))
				expected(c, p,
					 "\"2.6.23\" (E0), \"2.6.24\" (E1) or \"2.6.25\" (early E2)",
					 v);
			break;
		case K_SCHEMA:
			if (!cJSON_IsString(v))
				expected(c, p, "a string", v);
			break;
		case K_MEM:
			mem_ok = get_pages(c, v, p, true,
					   "a non-zero multiple of 4096 (the page follows RAM)", "a size",
					   &mem);
			break;
		case K_PAGE:
			page_ok = get_pages(c, v, p, false, "a multiple of 4096", "an address", &page);
			break;
		case K_PFNLIM:
			pfnlim_ok = get_uint(c, v, p, I_WIDE, UINT64_MAX >> (LG_PAGE_SHIFT + 1),
					     &pfnlim) == 0;
			break;
		case K_DEVICES: {
			if (era == NELEM(spec_eras))
				break;
			if (!cJSON_IsArray(v)) {
				expected(c, p, "an array of devices", v);
				break;
			}
			int i = 0;
			uint32_t off = 0;
			bool sized = true; /* every device so far loaded, so off is known */
			for (const cJSON *dj = v->child; dj && !c->stop; dj = dj->next, i++) {
				char dp[PATHLEN];
				pathf(dp, ".devices[%d]", i);
				struct lg_device *d = lg_layout_add(l);
				struct dspec *nds = realloc(ds, (size_t)(i + 1) * sizeof *ds);
				if (nds)
					ds = nds;
				struct espec *nes = nds ? realloc(es, (size_t)(i + 1) * sizeof *es)
							: NULL;
				if (nes)
					es = nes;
				if (!d || !nds || !nes) {
					oom(c);
					break;
				}
				memset(&ds[i], 0, sizeof ds[i]);
				memset(&es[i], 0, sizeof es[i]);
				if (c->era == LG_ERA_E0) {
					sized &= load_device_e0(c, dj, dp, d, prev_slot, &es[i]);
					prev_slot = d->e0.slot;
				} else if (c->era == LG_ERA_E1) {
					sized &= load_device_e1(c, dj, dp, d, &ds[i], &es[i]);
				} else {
					sized &= load_device(c, dj, dp, d, &ds[i]);
				}
				uint32_t size = c->era == LG_ERA_E0 ? 0
						: c->era == LG_ERA_E1
						    ? LG_E1_HDR_SIZE + d->config_len
						    : lg_desc_size(d->num_vq, d->feature_len,
								   d->config_len);
				if (sized && size > LG_PAGE_SIZE - off) {
					fail(c, LG_ERR_SPEC, dj, dp,
					     "descriptor of %u bytes at page offset %u ends at %u, past "
					     "the end of the 4096-byte page",
					     size, off, off + size);
					sized = false; /* once: the rest cannot fit either */
				}
				off += size;
			}
			break;
		}
		}
	}
	/* After the members: an unknown key often says why one is missing. */
	if (!m[K_DEVICES])
		fail(c, LG_ERR_SPEC, root, ".", "missing key \"devices\" (an array of devices)");
	if (!m[K_MEM] && !o->mem)
		fail(c, LG_ERR_SPEC, root, ".",
		     "missing key \"mem\" (guest RAM size, such as \"32M\")");
	if (o->mem) {
		mem = o->mem;
		mem_ok = true;
	}
	if (!m[K_PAGE]) {
		page = mem;
		page_ok = mem_ok;
	}
	if (m[K_PAGE] && mem_ok && page_ok && page < mem)
		fail(c, LG_ERR_SPEC, m[K_PAGE], ".page_addr",
		     "expected at least mem (%#llx): the page lies above RAM, got %#llx",
		     (unsigned long long)mem, (unsigned long long)page);
	if (page_ok && pfnlim_ok && pfnlim <= page >> LG_PAGE_SHIFT)
		fail(c, LG_ERR_SPEC, m[K_PFNLIM], ".pfn_limit",
		     "expected more than the page's frame %#llx (the limit counts the page), got "
		     "%#llx",
		     (unsigned long long)(page >> LG_PAGE_SHIFT), (unsigned long long)pfnlim);
	if (c->nerr)
		goto out;
	l->mem = mem;
	l->page_addr = page;

	/* Pass 2: allocate as add_virtqueue() did — each ring right after the previous one
	 * (the first right after the page), irqs counting up from 1. */
	struct lg_vq_alloc va;
	lg_vq_alloc_init(&va, page);
	for (size_t d = 0; ds && d < l->ndev && !c->stop; d++) {
		struct lg_device *dv = &l->dev[d];
		for (unsigned q = 0; q < ds[d].nq && !c->stop; q++) {
			const struct qspec *qs = &ds[d].q[q];
			uint64_t pfn = qs->has_pfn ? qs->pfn : va.next_pfn;
			uint64_t irq = qs->has_irq ? qs->irq : va.next_irq;
			char p[PATHLEN];
			pathf(p, ".devices[%zu].queues[%u]", d, q);
			if (pfn > UINT32_MAX)
				fail(c, LG_ERR_SPEC, qs->node, p,
				     "the ring would be at page frame %#llx, which does not fit the "
				     "32-bit pfn field",
				     (unsigned long long)pfn);
			if (irq > UINT16_MAX)
				fail(c, LG_ERR_SPEC, qs->node, p,
				     "the irq would be %llu, which does not fit the 16-bit field",
				     (unsigned long long)irq);
			dv->vq[q] = (struct lg_vq){qs->num, (uint16_t)irq, (uint32_t)pfn};
			lg_vq_alloc_placed(&va, qs->num, pfn, irq);
		}
		if (c->era == LG_ERA_E1) {
			dv->num_vq = (uint8_t)ds[d].nq;
			e1_build_config(dv, &es[d].cfg);
		}
		/* E0: device pages from the same bump allocator, in slot order. */
		struct lg_e0_slot *s = &dv->e0;
		if (c->era == LG_ERA_E0 && s->num_pages) {
			uint64_t pfn = es[d].has_pfn ? s->pfn : va.next_pfn;
			if (pfn + s->num_pages > (uint64_t)UINT32_MAX + 1) {
				char p[PATHLEN];
				pathf(p, ".devices[%zu]", d);
				fail(c, LG_ERR_SPEC, root, p,
				     "its %u pages would end at page frame %#llx, past the 32-bit pfn "
				     "field",
				     s->num_pages, (unsigned long long)(pfn + s->num_pages));
			}
			s->pfn = (uint32_t)pfn;
			va.next_pfn = pfn + s->num_pages; /* the allocator's pages, not its irqs */
		}
	}
	if (c->nerr)
		goto out;
	l->pfn_limit = m[K_PFNLIM] ? pfnlim : lg_layout_area_end(l) >> LG_PAGE_SHIFT;
	int rc = lg_layout_pack(l);
	if (rc < 0)
		fail(c, rc, root, NULL, "cannot lay the devices out: %s", lg_strerror(rc));
	else if (c->era != LG_ERA_E2)
		era_redecode(c, root, l);
out:
	free(ds);
	free(es);
	if (c->nerr)
		lg_layout_free(l);
}

/* The first problem into a struct lg_error, as a compiler prints it. */
struct first {
	const char *name;
	struct lg_error *err;
};

static int first_sink(void *ctx, const struct lg_spec_diag *d)
{
	const struct first *f = ctx;
	if (f->err) {
		f->err->code = d->code;
		/* A long message is cut at the end: its place comes first. */
		char *o = f->err->msg;
		size_t k = (size_t)snprintf(o, sizeof f->err->msg, "%s:%u:%u: error: ", f->name,
					    d->line, d->col);
		if (k < sizeof f->err->msg && d->path[0])
			k += (size_t)snprintf(o + k, sizeof f->err->msg - k, "%.*s: ",
					      (int)(sizeof f->err->msg - k), d->path);
		if (k < sizeof f->err->msg)
			snprintf(o + k, sizeof f->err->msg - k, "%.*s", (int)(sizeof f->err->msg - k),
				 d->msg);
	}
	return 1; /* one is enough */
}

int lg_spec_load(const char *text, size_t len, const char *name, const struct lg_spec_opts *opts,
		 struct lg_layout *out, struct lg_error *err)
{
	struct first f = {name ? name : "spec", err};
	return lg_spec_load_each(text, len, opts, out, first_sink, &f);
}

int lg_spec_load_each(const char *text, size_t len, const struct lg_spec_opts *opts,
		      struct lg_layout *out, lg_spec_sink_fn sink, void *ctx)
{
	static const struct lg_text_pos top = {1, 1};
	struct lg_spec_opts dflt = {0};
	struct ld c;
	memset(&c, 0, sizeof c);
	c.text = text;
	c.len = len;
	c.sink = sink;
	c.ctx = ctx;
	if (!opts)
		opts = &dflt;
	c.flags = opts->flags;
	c.era = LG_ERA_E2;
	if (!out || (!text && len))
		return report(&c, LG_ERR_PARAM, top, NULL, "no spec given");
	lg_layout_init(out, 0);
	if (opts->mem % LG_PAGE_SIZE || opts->mem > UINT64_MAX / 2)
		return report(&c, LG_ERR_PARAM, top, NULL,
			      "mem %#llx is not a multiple of 4096 below 2^63",
			      (unsigned long long)opts->mem);
	if (len > LG_SPEC_MAX_SIZE)
		return report(&c, LG_ERR_SPEC, top, NULL,
			      "%zu bytes is too large for a layout spec (the limit is %u MiB)", len,
			      LG_SPEC_MAX_SIZE >> 20);
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	if (i == len)
		return report(&c, LG_ERR_SYNTAX, top, NULL, "%s",
			      len ? "no JSON in the file, expected an object {\"mem\": …, "
				    "\"devices\": […]}"
				  : "empty file, expected a JSON object {\"mem\": …, \"devices\": "
				    "[…]}");
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!root) {
		/* cJSON reports "ran out of input" as the last byte.  Tell that apart from a
		 * real mistake in the last byte by parsing once more with a blank appended:
		 * if it still fails past the original end, the input was cut short. */
		if (end == text + len - 1) {
			char *pad = malloc(len + 1);
			if (!pad)
				return oom(&c);
			memcpy(pad, text, len);
			pad[len] = ' ';
			const char *pend = NULL;
			cJSON *again = cJSON_ParseWithLengthOpts(pad, len + 1, &pend, 0);
			bool cut = !again && pend >= pad + len;
			cJSON_Delete(again);
			free(pad);
			if (cut)
				end = text + len;
		}
		return syntax_error(&c, end);
	}
	c.root = root;
	/* Only blanks may follow the value. */
	size_t pos = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
	while (pos < len && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r' ||
			     text[pos] == '\n'))
		pos++;
	const char *bad = NULL;
	if (pos < len) {
		syntax_error(&c, text + pos);
	} else if ((bad = bad_in_string(text, len)) != NULL) {
		struct lg_text_pos bp = lg_text_pos_at(text, len, (size_t)(bad - text));
		if (*bad == '\\')
			report(&c, LG_ERR_SPEC, bp, NULL,
			       "a JSON string holds \\u0000 (a NUL character), which no key or value "
			       "of a spec may contain");
		else
			report(&c, LG_ERR_SPEC, bp, NULL,
			       "a JSON string holds the control character 0x%02x unescaped, which "
			       "JSON forbids (a string may not span lines or hold a NUL)",
			       (unsigned char)*bad);
	} else {
		load_tree(&c, root, opts, out);
	}
	if (c.have_ix)
		lg_spec_ix_free(&c.ix);
	cJSON_Delete(root);
	return c.nomem ? LG_ERR_NOMEM : c.first;
}

/* ---------------------------------------------------------------- dump */

struct sb {
	char *s;
	size_t n, cap;
	bool nomem;
};

static void put(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct sb *b, const char *fmt, ...)
{
	if (b->nomem)
		return;
	if (!b->s) {
		b->s = malloc(1024);
		b->cap = b->s ? 1024 : 0;
		b->nomem = !b->s;
		if (b->nomem)
			return;
	}
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (k < 0) {
			b->nomem = true;
			return;
		}
		if ((size_t)k < b->cap - b->n) {
			b->n += (size_t)k;
			return;
		}
		size_t cap = (b->cap + (size_t)k + 1) * 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->nomem = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
}

static void put_size(struct sb *b, uint64_t v)
{
	if (v && v % (1u << 20) == 0)
		put(b, "\"%lluM\"", (unsigned long long)(v >> 20));
	else
		put(b, "\"%#llx\"", (unsigned long long)v);
}

static void put_uint(struct sb *b, uint64_t v)
{
	if (v < (1ull << 53))
		put(b, "%llu", (unsigned long long)v);
	else
		put(b, "\"%#llx\"", (unsigned long long)v);
}

static void put_features(struct sb *b, const char *key, unsigned type, const uint8_t *bits,
			 uint8_t len)
{
	put(b, "      \"%s\": [", key);
	bool first = true;
	for (int bit = lg_feature_next(bits, len, 0); bit >= 0;
	     bit = lg_feature_next(bits, len, bit + 1)) {
		const char *n = lg_feature_name(type, (unsigned)bit);
		if (n && lg_feature_lookup(type, n) == bit)
			put(b, "%s\"%s\"", first ? "" : ", ", n);
		else
			put(b, "%s%d", first ? "" : ", ", bit);
		first = false;
	}
	put(b, "],\n");
}

/* Printable ASCII without quote or backslash: a BYTES field written as a JSON string. */
static bool plain_text(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '"' || p[i] == '\\')
			return false;
	return true;
}

/* Typed config when the fields cover config_len exactly (a prefix of the struct; a
 * variable-length last field takes the rest). */
static bool typed_config(struct sb *b, const struct lg_device *d)
{
	const struct lg_config_field *f[MAXFIELDS];
	size_t nf = fields_for(d->type, f), upto = 0;
	unsigned end = 0;
	if (!nf || !d->config_len)
		return false;
	while (upto < nf && f[upto]->off + f[upto]->size <= d->config_len) {
		end = f[upto]->off + f[upto]->size;
		if (f[upto]->kind == LG_FIELD_BYTES) {
			if (!plain_text(d->config + f[upto]->off, d->config_len - f[upto]->off))
				return false;
			end = d->config_len;
		}
		upto++;
	}
	if (!upto || end != d->config_len)
		return false;
	put(b, "      \"config\": {");
	for (size_t i = 0; i < upto; i++) {
		const uint8_t *p = d->config + f[i]->off;
		put(b, "%s\"%s\": ", i ? ", " : "", f[i]->name);
		switch (f[i]->kind) {
		case LG_FIELD_MAC:
			put(b, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", p[0], p[1], p[2], p[3], p[4],
			    p[5]);
			break;
		case LG_FIELD_BYTES:
			put(b, "\"%.*s\"", (int)(d->config_len - f[i]->off), (const char *)p);
			break;
		case LG_FIELD_U8:
			put_uint(b, p[0]);
			break;
		case LG_FIELD_U16:
			put_uint(b, lg_le16(p));
			break;
		case LG_FIELD_U32:
			put_uint(b, lg_le32(p));
			break;
		case LG_FIELD_U64:
			put_uint(b, lg_le64(p));
			break;
		}
	}
	put(b, "}\n");
	return true;
}

/* Why lg_spec_dump() would not write the layout (LG_ERR_LAYOUT). */
#define dump_fail(err, ...) lg_fail(err, LG_ERR_LAYOUT, __VA_ARGS__)

int lg_spec_dumpable(const struct lg_layout *l, struct lg_error *err)
{
	if (!l || (l->ndev && !l->dev))
		return LG_ERR_PARAM;
	unsigned long long mem = l->mem, page = l->page_addr, lim = l->pfn_limit;
	/* Only what the loader takes back: the round trip is the contract. */
	if (page % LG_PAGE_SIZE)
		return dump_fail(err, "the page at %#llx is not page-aligned", page);
	if (page > UINT64_MAX / 2)
		return dump_fail(err, "the page at %#llx is not below 2^63 (0x8000000000000000)",
				 page);
	if (!mem)
		return dump_fail(err,
				 "RAM ends at 0: a spec needs guest RAM below the page, and the page "
				 "at 0x%llx leaves none (give the top of RAM, or the page's address)",
				 page);
	if (mem % LG_PAGE_SIZE || mem > page)
		return dump_fail(err,
				 "RAM ends at %#llx, %s the page at %#llx; a spec needs a "
				 "page-aligned top of RAM at or below the page",
				 mem, mem > page ? "above" : "not page-aligned, below", page);
	if (lim && lim <= page >> LG_PAGE_SHIFT)
		return dump_fail(err,
				 "the pfn limit %#llx is at or below the page's pfn %#llx; it must "
				 "pass the page (the rings lie between them)",
				 lim, page >> LG_PAGE_SHIFT);
	if (lim > UINT64_MAX >> (LG_PAGE_SHIFT + 1))
		return dump_fail(err, "the pfn limit %#llx is not below 2^51 (addresses below 2^63)",
				 lim);
	uint32_t off = 0;
	for (size_t d = 0; d < l->ndev; d++) {
		const struct lg_device *dv = &l->dev[d];
		if (l->era == LG_ERA_E0 ? dv->e0.type == 0 : dv->type == 0)
			return dump_fail(err, "device[%zu] has type 0, the terminator", d);
		off = l->era == LG_ERA_E0   ? (dv->e0.slot + 1u) * LG_E0_SLOT_SIZE
		      : l->era == LG_ERA_E1 ? off + LG_E1_HDR_SIZE + dv->config_len
					    : off + lg_desc_size(dv->num_vq, dv->feature_len,
								 dv->config_len);
		if (dv->truncated || off > LG_PAGE_SIZE)
			return dump_fail(err,
					 "device[%zu] at page offset %u crosses the end of the page; "
					 "a spec cannot describe it",
					 d, dv->offset);
	}
	return 0;
}

/* The spec's "era" for l; NULL for the 3.x default. */
static const char *dump_era(const struct lg_layout *l)
{
	if (l->era == LG_ERA_E0)
		return spec_eras[0].name;
	if (l->era == LG_ERA_E1)
		return spec_eras[1].name;
	return l->era == LG_ERA_E2 && l->early_e2 ? spec_eras[2].name : NULL;
}

static void put_hex_config(struct sb *b, const uint8_t *p, size_t n)
{
	put(b, "      \"config\": {\"hex\": \"");
	for (size_t k = 0; k < n; k++)
		put(b, "%02x", p[k]);
	put(b, "\"}\n");
}

static void put_mac(struct sb *b, const uint8_t *p)
{
	put(b, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", p[0], p[1], p[2], p[3], p[4], p[5]);
}

static bool zero_except(const uint8_t *p, size_t n, size_t from, size_t to)
{
	for (size_t i = 0; i < n; i++)
		if ((i < from || i >= to) && p[i])
			return false;
	return true;
}

/* A 2.6.23 slot, every value explicit; the device memory's first bytes when read. */
static void dump_device_e0(struct sb *b, const struct lg_device *d)
{
	const struct lg_e0_slot *s = &d->e0;
	static const char *const names[] = {NULL, "console", "net", "block"};
	if (s->type >= 1 && s->type <= 3)
		put(b, "      \"type\": \"%s\",\n", names[s->type]);
	else
		put(b, "      \"type\": %u,\n", s->type);
	put(b, "      \"slot\": %u,\n      \"features\": [", s->slot);
	for (unsigned bit = 0, n = 0; bit < 16; bit++) {
		if (!(s->features >> bit & 1))
			continue;
		if (bit >= 14)
			put(b, "%s\"%s\"", n++ ? ", " : "", bit == 15 ? "RANDOMNESS" : "NOCSUM");
		else
			put(b, "%s%u", n++ ? ", " : "", bit);
	}
	put(b, "],\n      \"status\": %u,\n      \"num_pages\": %u,\n      \"pfn\": \"%#x\"",
	    s->status, s->num_pages, s->pfn);
	const uint8_t *h = s->page_head;
	size_t n = LG_E0_PAGE_HEAD;
	while (n && !h[n - 1])
		n--;
	if (!s->page_read || !s->num_pages || !n) {
		put(b, "\n");
		return;
	}
	put(b, ",\n");
	if (s->type == LG_E0_BLOCK &&
	    zero_except(h, n, LG_E0_BLOCK_NUM_SECTORS, LG_E0_BLOCK_NUM_SECTORS + 4)) {
		put(b, "      \"config\": {\"capacity\": %u}\n", lg_le32(h + LG_E0_BLOCK_NUM_SECTORS));
	} else if (s->type == LG_E0_NET && zero_except(h, n, 0, 6)) {
		put(b, "      \"config\": {\"mac\": ");
		put_mac(b, h);
		put(b, "}\n");
	} else {
		put_hex_config(b, h, n);
	}
}

/* The fields after the queues' in the 2.6.24 Launcher's form, as typed config: true when
 * written. */
static bool e1_typed(struct sb *b, const struct lg_device *d, unsigned from)
{
	const uint8_t *p = d->config + from;
	unsigned n = d->config_len - from;
	if (d->type == LG_TYPE_NET) {
		if (n != 8 || p[0] != LG_E1_NET_MAC || p[1] != 6)
			return false;
		put(b, "      \"config\": {\"mac\": ");
		put_mac(b, p + 2);
		put(b, "}\n");
		return true;
	}
	if (d->type != LG_TYPE_BLOCK || n < 16 || p[0] != LG_E1_BLK_CAPACITY || p[1] != 8)
		return false;
	bool size_max = n == 22 && p[10] == LG_E1_BLK_SIZE_MAX && p[11] == 4;
	const uint8_t *sm = p + (size_max ? 16 : 10);
	if (n != (size_max ? 22u : 16u) || sm[0] != LG_E1_BLK_SEG_MAX || sm[1] != 4)
		return false;
	put(b, "      \"config\": {\"capacity\": ");
	put_uint(b, lg_le64(p + 2));
	if (size_max)
		put(b, ", \"size_max\": %u", lg_le32(p + 12));
	put(b, ", \"seg_max\": %u}\n", lg_le32(sm + 2));
	return true;
}

/* A 2.6.24 descriptor: the leading queue fields (unconsumed, 8 bytes) as queues, the rest
 * as typed config when it is the Launcher's, else as hex. */
static void dump_device_e1(struct sb *b, const struct lg_device *d)
{
	unsigned k = 0;
	while (k < d->e1.nfields && d->e1.field[k].whole &&
	       d->e1.field[k].type == LG_E1_F_VIRTQUEUE && d->e1.field[k].len == LG_VQC_SIZE)
		k++;
	put(b, "      \"status\": %u,\n      \"queues\": [", d->status);
	for (unsigned q = 0; q < k; q++)
		put(b, "%s\n        {\"num\": %u, \"irq\": %u, \"pfn\": \"%#x\"}", q ? "," : "",
		    d->vq[q].num, d->vq[q].irq, d->vq[q].pfn);
	put(b, "%s]", k ? "\n      " : "");
	unsigned from = k * (2u + LG_VQC_SIZE);
	bool defaults = d->type == LG_TYPE_NET || d->type == LG_TYPE_BLOCK;
	if (from == d->config_len && !defaults) {
		put(b, "\n");
		return;
	}
	put(b, ",\n");
	if (!e1_typed(b, d, from))
		put_hex_config(b, d->config + from, d->config_len - from);
}

int lg_spec_dump(const struct lg_layout *l, char **json)
{
	if (!l || !json || (l->ndev && !l->dev))
		return LG_ERR_PARAM;
	*json = NULL;
	int rc = lg_spec_dumpable(l, NULL);
	if (rc < 0)
		return rc;
	struct sb b = {0};
	const char *era = dump_era(l);
	put(&b, "{\n");
	if (era)
		put(&b, "  \"era\": \"%s\",\n", era);
	put(&b, "  \"mem\": ");
	put_size(&b, l->mem);
	if (l->page_addr != l->mem) {
		put(&b, ",\n  \"page_addr\": ");
		put_size(&b, l->page_addr);
	}
	if (l->pfn_limit)
		put(&b, ",\n  \"pfn_limit\": \"%#llx\"", (unsigned long long)l->pfn_limit);
	put(&b, ",\n  \"devices\": [");
	for (size_t i = 0; i < l->ndev; i++) {
		const struct lg_device *d = &l->dev[i];
		const char *tn = lg_type_name(d->type);
		put(&b, "%s\n    {\n", i ? "," : "");
		if (l->era == LG_ERA_E0) {
			dump_device_e0(&b, d);
			put(&b, "    }");
			continue;
		}
		if (tn && lg_type_lookup(tn) == d->type)
			put(&b, "      \"type\": \"%s\",\n", tn);
		else
			put(&b, "      \"type\": %u,\n", d->type);
		if (l->era == LG_ERA_E1) {
			dump_device_e1(&b, d);
			put(&b, "    }");
			continue;
		}
		put(&b, "      \"status\": %u,\n", d->status);
		put(&b, "      \"queues\": [");
		for (unsigned q = 0; q < d->num_vq; q++)
			put(&b, "%s\n        {\"num\": %u, \"irq\": %u, \"pfn\": \"%#x\"}",
			    q ? "," : "", d->vq[q].num, d->vq[q].irq, d->vq[q].pfn);
		put(&b, "%s],\n", d->num_vq ? "\n      " : "");
		put(&b, "      \"feature_len\": %u,\n", d->feature_len);
		put_features(&b, "features", d->type, d->host_features, d->feature_len);
		put_features(&b, "acked", d->type, d->guest_features, d->feature_len);
		put(&b, "      \"config_len\": %u", d->config_len);
		if (d->config_len) {
			put(&b, ",\n");
			if (!typed_config(&b, d)) {
				put(&b, "      \"config\": {\"hex\": \"");
				for (unsigned k = 0; k < d->config_len; k++)
					put(&b, "%02x", d->config[k]);
				put(&b, "\"}\n");
			}
		} else if (era && (d->type == LG_TYPE_NET || d->type == LG_TYPE_BLOCK)) {
			put(&b, ",\n      \"config\": {\"hex\": \"\"}\n"); /* not the era's default */
		} else {
			put(&b, "\n");
		}
		put(&b, "    }");
	}
	put(&b, "%s]\n}\n", l->ndev ? "\n  " : "");
	if (b.nomem) {
		free(b.s);
		return LG_ERR_NOMEM;
	}
	*json = b.s;
	return 0;
}

bool lg_layout_same(const struct lg_layout *a, const struct lg_layout *b)
{
	if (a->mem != b->mem || a->page_addr != b->page_addr || a->pfn_limit != b->pfn_limit ||
	    a->ndev != b->ndev || a->era != b->era || a->early_e2 != b->early_e2)
		return false;
	for (size_t i = 0; i < a->ndev; i++) {
		const struct lg_device *x = &a->dev[i], *y = &b->dev[i];
		const struct lg_e0_slot *s = &x->e0, *t = &y->e0;
		if (a->era == LG_ERA_E0 &&
		    (s->slot != t->slot || s->type != t->type || s->features != t->features ||
		     s->status != t->status || s->num_pages != t->num_pages || s->pfn != t->pfn ||
		     s->page_read != t->page_read ||
		     (s->page_read && memcmp(s->page_head, t->page_head, LG_E0_PAGE_HEAD) != 0)))
			return false;
		if (x->type != y->type || x->num_vq != y->num_vq ||
		    x->feature_len != y->feature_len || x->config_len != y->config_len ||
		    x->status != y->status)
			return false;
		for (unsigned q = 0; q < x->num_vq; q++)
			if (x->vq[q].num != y->vq[q].num || x->vq[q].irq != y->vq[q].irq ||
			    x->vq[q].pfn != y->vq[q].pfn)
				return false;
		if (memcmp(x->host_features, y->host_features, x->feature_len) != 0 ||
		    memcmp(x->guest_features, y->guest_features, x->feature_len) != 0 ||
		    memcmp(x->config, y->config, x->config_len) != 0)
			return false;
	}
	return true;
}
