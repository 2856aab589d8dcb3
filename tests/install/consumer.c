/* SPDX-License-Identifier: MIT */
/* consumer.c — a program outside lgkit that decodes a page through the installed library. */
#include <stdio.h>

#include <lgkit/lgkit.h>

int main(void)
{
	static const unsigned char page[4096] = {3, 2, 0, 0, 0, 0, 1, 1, 0, 1, 0x20, 0, 0,
						 0, 1, 2, 0, 4, 0x20, 0, 0};
	struct lg_layout l;
	if (lg_decode_page(page, sizeof page, 0x2000000, &l) != 0 || l.ndev != 1)
		return 1;
	printf("consumer: %s with %u queues, built against lgkit %s, running %s\n",
	       lg_type_name(l.dev[0].type), l.dev[0].num_vq, LGKIT_VERSION, lgkit_version());
	lg_layout_free(&l);
	return 0;
}
