/* SPDX-License-Identifier: MIT */
/* vcmp — compare what lggen wrote with a real-Launcher vector, byte for byte, except the
 * bytes the vectors' README lists as uninitialised in the Launcher: block config bytes
 * 8..11 (size_max), net config bytes 6..9 (status, max_virtqueue_pairs), and the whole MAC
 * when MAC is not offered.  The masks come from decoding the vector's own page.
 * usage: vcmp VECTOR ACTUAL   (a descriptor page or a device area, page first)
 * Exit 0: identical outside the masks; 1: they differ (the first difference is printed);
 * 2: cannot read. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgkit/lgkit.h"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		if (k == 0)
			break;
		n += k;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void mask_range(bool *mask, size_t len, size_t off, size_t n)
{
	for (size_t i = off; i < off + n && i < len; i++)
		mask[i] = true;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: vcmp VECTOR ACTUAL\n");
		return 2;
	}
	size_t vlen, alen;
	unsigned char *v = slurp(argv[1], &vlen), *a = slurp(argv[2], &alen);
	if (!v || !a || vlen < LG_PAGE_SIZE) {
		fprintf(stderr, "vcmp: cannot read %s\n", !v || vlen < LG_PAGE_SIZE ? argv[1] : argv[2]);
		return 2;
	}
	if (vlen != alen) {
		printf("vcmp: %s is %zu bytes, %s is %zu\n", argv[1], vlen, argv[2], alen);
		return 1;
	}
	struct lg_layout l;
	if (lg_decode_page(v, LG_PAGE_SIZE, 0, &l) < 0) {
		fprintf(stderr, "vcmp: cannot decode %s\n", argv[1]);
		return 2;
	}
	bool *mask = calloc(vlen, 1);
	if (!mask)
		return 2;
	size_t masked = 0;
	for (size_t d = 0; d < l.ndev; d++) {
		const struct lg_device *dv = &l.dev[d];
		size_t cfg = dv->offset + lg_desc_size(dv->num_vq, dv->feature_len, 0);
		if (dv->type == LG_TYPE_BLOCK)
			mask_range(mask, vlen, cfg + 8, dv->config_len > 8 ? dv->config_len - 8 < 4 ? dv->config_len - 8u : 4u : 0u);
		if (dv->type == LG_TYPE_NET) {
			mask_range(mask, vlen, cfg + 6, dv->config_len > 6 ? dv->config_len - 6 < 4 ? dv->config_len - 6u : 4u : 0u);
			if (!lg_feature_test(dv->host_features, dv->feature_len, 5))
				mask_range(mask, vlen, cfg, dv->config_len < 6 ? dv->config_len : 6u);
		}
	}
	for (size_t i = 0; i < vlen; i++)
		masked += mask[i];
	int rc = 0;
	for (size_t i = 0; i < vlen; i++) {
		if (!mask[i] && v[i] != a[i]) {
			printf("vcmp: %s and %s differ at offset %#zx: 0x%02x in the vector, 0x%02x "
			       "written\n",
			       argv[1], argv[2], i, v[i], a[i]);
			rc = 1;
			break;
		}
	}
	if (!rc)
		printf("vcmp: %s: identical (%zu bytes, %zu uninitialised bytes masked)\n", argv[2],
		       vlen, masked);
	lg_layout_free(&l);
	free(mask);
	free(v);
	free(a);
	return rc;
}
