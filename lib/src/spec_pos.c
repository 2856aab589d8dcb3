/* SPDX-License-Identifier: MIT */
/* spec_pos.c — positions in spec text: the index of every parsed value's line and column
 * (spec_priv.h), and struct lg_spec_map, which takes a finding of the named checks back to
 * the device, queue or key of the spec that made it.
 *
 * The walk mirrors what cJSON 1.7 accepted: an optional UTF-8 byte order mark, blanks that
 * are any byte up to 0x20, strings to the next unescaped quote, numbers as the run of
 * characters "0-9+-.eE", and the literals.  It checks each structural character it
 * expects and stops at the first surprise, so a text it disagrees with leaves nodes out of
 * the index (they are then placed at 1:1) rather than misplaced. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgkit/spec.h"
#include "spec_priv.h"

/* ---------------------------------------------------------------- text positions */

/* One byte further: a line feed starts a line; a UTF-8 continuation byte adds no column. */
static void step(struct lg_text_pos *p, unsigned char ch)
{
	if (ch == '\n') {
		p->line++;
		p->col = 1;
	} else if ((ch & 0xc0) != 0x80) {
		p->col++;
	}
}

/* A UTF-8 byte order mark: editors do not show it, so it is no column. */
static size_t bom_len(const char *text, size_t len)
{
	return len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

struct lg_text_pos lg_text_pos_at(const char *text, size_t len, size_t off)
{
	struct lg_text_pos p = {1, 1};
	for (size_t i = bom_len(text, len); i < off && i < len; i++)
		step(&p, (unsigned char)text[i]);
	return p;
}

/* ---------------------------------------------------------------- the index */

struct walk {
	const unsigned char *t;
	size_t len, pos;
	struct lg_text_pos at; /* of t[pos] */
	struct lg_spec_ix *ix;
	size_t cap;
	bool bad, nomem;
};

static void adv(struct walk *w)
{
	if (w->pos < w->len)
		step(&w->at, w->t[w->pos++]);
}

static void blanks(struct walk *w)
{
	while (w->pos < w->len && w->t[w->pos] <= 0x20)
		adv(w);
}

/* Step over the structural character ch, or give up. */
static void expect(struct walk *w, char ch)
{
	if (w->pos < w->len && w->t[w->pos] == (unsigned char)ch)
		adv(w);
	else
		w->bad = true;
}

static void string(struct walk *w)
{
	expect(w, '"');
	while (!w->bad && w->pos < w->len && w->t[w->pos] != '"') {
		if (w->t[w->pos] == '\\')
			adv(w);
		adv(w);
	}
	expect(w, '"');
}

static void add(struct walk *w, const cJSON *node, struct lg_text_pos key)
{
	struct lg_spec_ix *ix = w->ix;
	if (ix->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct lg_spec_ixrec *r = realloc(ix->rec, cap * sizeof *r);
		if (!r) {
			w->nomem = true;
			return;
		}
		ix->rec = r;
		w->cap = cap;
	}
	ix->rec[ix->n++] = (struct lg_spec_ixrec){node, key, w->at};
}

/* The value node, whose key (or, for an array item or the root, the value itself) is at
 * key.  cJSON nests at most 1000 deep (CJSON_NESTING_LIMIT), and so does this. */
static void value(struct walk *w, const cJSON *node, const struct lg_text_pos *key)
{
	blanks(w);
	add(w, node, key ? *key : w->at);
	if (w->nomem)
		return;
	if (cJSON_IsObject(node) || cJSON_IsArray(node)) {
		bool obj = cJSON_IsObject(node);
		expect(w, obj ? '{' : '[');
		for (const cJSON *ch = node->child; ch && !w->bad && !w->nomem; ch = ch->next) {
			blanks(w);
			if (obj) {
				struct lg_text_pos k = w->at;
				string(w);
				blanks(w);
				expect(w, ':');
				if (!w->bad)
					value(w, ch, &k);
			} else {
				value(w, ch, NULL);
			}
			blanks(w);
			if (ch->next)
				expect(w, ',');
		}
		blanks(w);
		expect(w, obj ? '}' : ']');
	} else if (cJSON_IsString(node)) {
		string(w);
	} else if (cJSON_IsNumber(node)) {
		while (w->pos < w->len && strchr("0123456789+-.eE", w->t[w->pos]) && w->t[w->pos])
			adv(w);
	} else {
		size_t n = cJSON_IsFalse(node) ? 5 : 4; /* true, null */
		for (size_t i = 0; i < n; i++)
			adv(w);
	}
}

static int by_node(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct lg_spec_ixrec *)a)->node;
	uintptr_t y = (uintptr_t)((const struct lg_spec_ixrec *)b)->node;
	return x < y ? -1 : x > y;
}

int lg_spec_ix_build(struct lg_spec_ix *ix, const char *text, size_t len, const cJSON *root)
{
	struct walk w = {(const unsigned char *)text, len, 0, {1, 1}, ix, 0, false, false};
	ix->rec = NULL;
	ix->n = 0;
	/* cJSON skips a byte order mark (when at least two more bytes follow it; else the
	 * text is no JSON anyway). */
	w.pos = bom_len(text, len);
	value(&w, root, NULL);
	if (w.nomem) {
		lg_spec_ix_free(ix);
		return LG_ERR_NOMEM;
	}
	if (ix->n)
		qsort(ix->rec, ix->n, sizeof *ix->rec, by_node);
	return 0;
}

void lg_spec_ix_free(struct lg_spec_ix *ix)
{
	free(ix->rec);
	ix->rec = NULL;
	ix->n = 0;
}

struct lg_text_pos lg_spec_ix_find(const struct lg_spec_ix *ix, const cJSON *node, bool key)
{
	struct lg_spec_ixrec k = {node, {0, 0}, {0, 0}};
	const struct lg_spec_ixrec *r =
		ix->n ? bsearch(&k, ix->rec, ix->n, sizeof *ix->rec, by_node) : NULL;
	if (!r)
		return (struct lg_text_pos){1, 1};
	return key ? r->key : r->val;
}

/* ---------------------------------------------------------------- findings to the spec */

struct lg_spec_map {
	cJSON *root;
	struct lg_spec_ix ix;
};

int lg_spec_map_new(const char *text, size_t len, struct lg_spec_map **out)
{
	if (!out || (!text && len))
		return LG_ERR_PARAM;
	*out = NULL;
	if (len > LG_SPEC_MAX_SIZE)
		return LG_ERR_SPEC;
	struct lg_spec_map *m = calloc(1, sizeof *m);
	if (!m)
		return LG_ERR_NOMEM;
	m->root = cJSON_ParseWithLengthOpts(text ? text : "", len, NULL, 0);
	if (!m->root) {
		free(m);
		return LG_ERR_SYNTAX; /* or out of memory: cJSON does not say which */
	}
	if (lg_spec_ix_build(&m->ix, text, len, m->root) < 0) {
		cJSON_Delete(m->root);
		free(m);
		return LG_ERR_NOMEM;
	}
	*out = m;
	return 0;
}

void lg_spec_map_free(struct lg_spec_map *m)
{
	if (!m)
		return;
	lg_spec_ix_free(&m->ix);
	cJSON_Delete(m->root);
	free(m);
}

/* The first member of obj named key exactly (cJSON's own lookup ignores case). */
static const cJSON *member(const cJSON *obj, const char *key)
{
	if (!cJSON_IsObject(obj))
		return NULL;
	for (const cJSON *m = obj->child; m; m = m->next)
		if (m->string && strcmp(m->string, key) == 0)
			return m;
	return NULL;
}

static const cJSON *item(const cJSON *arr, unsigned long i)
{
	if (!cJSON_IsArray(arr))
		return NULL;
	const cJSON *e = arr->child;
	while (e && i--)
		e = e->next;
	return e;
}

/* "NAME[N]" at *s: the index, and *s past it; false when s does not start so. */
static bool indexed(const char **s, const char *name, unsigned long *n)
{
	size_t k = strlen(name);
	if (strncmp(*s, name, k) != 0 || (*s)[k] != '[')
		return false;
	char *end;
	const char *digits = *s + k + 1;
	if (*digits < '0' || *digits > '9')
		return false;
	*n = strtoul(digits, &end, 10);
	if (*end != ']')
		return false;
	*s = end + 1;
	return true;
}

/* A finding's field and the spec keys that give it, best first. */
static const struct {
	const char *field;
	const char *keys[2];
} fieldkeys[] = {
	{"type", {"type", NULL}},
	{"status", {"status", NULL}},
	{"num_vq", {"queues", NULL}},
	{"feature_len", {"feature_len", "features"}},
	{"host_features", {"features", "feature_len"}},
	{"guest_features", {"acked", "feature_len"}},
	{"config_len", {"config_len", "config"}},
	{"config", {"config", "config_len"}},
};

void lg_spec_map_find(const struct lg_spec_map *m, const char *place, struct lg_spec_pos *pos)
{
	const cJSON *at = m ? m->root : NULL;
	size_t o;
	snprintf(pos->path, sizeof pos->path, ".");
	unsigned long d, q;
	const char *s = place ? place : "";
	const cJSON *dev;
	if (!at || !indexed(&s, "device", &d) || !(dev = item(member(at, "devices"), d)))
		goto found; /* the page, a slot, or a device the spec does not have: the top */
	at = dev;
	o = (size_t)snprintf(pos->path, sizeof pos->path, ".devices[%lu]", d);
	if (*s == '.')
		s++;
	const char *field = s, *key = NULL;
	if (indexed(&s, "vq", &q)) {
		const cJSON *vq = item(member(dev, "queues"), q);
		if (!vq)
			goto found;
		at = vq;
		o += (size_t)snprintf(pos->path + o, sizeof pos->path - o, ".queues[%lu]", q);
		if (strcmp(s, ".num") == 0 || strcmp(s, ".irq") == 0 || strcmp(s, ".pfn") == 0)
			key = s + 1;
		if (key && member(vq, key)) {
			at = member(vq, key);
			snprintf(pos->path + o, sizeof pos->path - o, ".%s", key);
		}
		goto found;
	}
	for (size_t i = 0; i < sizeof fieldkeys / sizeof fieldkeys[0]; i++) {
		if (strcmp(field, fieldkeys[i].field) != 0)
			continue;
		for (int k = 0; k < 2 && fieldkeys[i].keys[k]; k++) {
			const cJSON *f = member(dev, fieldkeys[i].keys[k]);
			if (f) {
				at = f;
				snprintf(pos->path + o, sizeof pos->path - o, ".%s", f->string);
				break;
			}
		}
		break;
	}
found:;
	struct lg_text_pos p = at ? lg_spec_ix_find(&m->ix, at, false)
				  : (struct lg_text_pos){1, 1};
	pos->line = p.line;
	pos->col = p.col;
}
