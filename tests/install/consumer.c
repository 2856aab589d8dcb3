/* SPDX-License-Identifier: MIT */
/* consumer.c — a program outside lgkit that decodes a page through the installed library
 * and checks it through the opaque check configuration. */
#include <stdio.h>

#include <lgkit/lgkit.h>

static int count(void *ctx, const struct lg_finding *f)
{
	(void)f;
	++*(unsigned *)ctx;
	return 0;
}

int main(void)
{
	static const unsigned char page[4096] = {3, 2, 0, 0, 0, 0, 1, 1, 0, 1, 0x20, 0, 0,
						 0, 1, 2, 0, 4, 0x20, 0, 0};
	struct lg_layout l;
	if (lg_decode_page(page, sizeof page, 0x2000000, &l) != 0 || l.ndev != 1)
		return 1;
	struct lg_check_config *cfg = lg_check_config_new();
	int id = lg_check_lookup("ring_stock_order");
	unsigned n = 0;
	struct lg_check_stats st;
	if (!cfg || id < 0 || lg_check_config_set(cfg, (enum lg_check_id)id, LG_SEV_OFF) != 0 ||
	    lg_check_layout(&l, NULL, cfg, count, &n, &st, NULL) != 0) {
		lg_check_config_free(cfg);
		lg_layout_free(&l);
		return 1;
	}
	printf("consumer: %s with %u queues, %u of %u checks fired, built against lgkit %s, "
	       "running %s\n",
	       lg_type_name(l.dev[0].type), l.dev[0].num_vq, n, lg_check_count(), LGKIT_VERSION,
	       lgkit_version());
	lg_check_config_free(cfg);
	lg_layout_free(&l);
	return 0;
}
