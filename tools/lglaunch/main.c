/* main.c — lglaunch: the lguest Launcher on KVM or a software CPU.  Options, the layout,
 * and the order of things: lay out the devices as the real Launcher did, map memory, load
 * the kernel, write the zero page, check the layout with liblgkit (refuse to boot on any
 * error), and only then open the backend (--accel) and run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common.h"
#include "lgkit/emit.h"
#ifdef LGL_HAVE_SPEC
#include "lgkit/spec.h"
#endif
#include "lglaunch.h"

#define DEFAULT_MEM (32ull << 20)
#define DEVICE_AREA ((uint64_t)LG_DEVICE_PAGES * LG_PAGE_SIZE) /* 1 MiB, lguest's */
#define VIRTQUEUE_NUM 256

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lglaunch [options] KERNEL [ARGS...]\n"
		"Boot an lguest-style guest (ELF32 EM_386 or ELF64 EM_X86_64) under KVM, or on a\n"
		"software CPU (Unicorn) where /dev/kvm is missing.\n"
		"ARGS are joined into the kernel command line at 0x1000.\n"
		"\n"
		"      --accel NAME    auto (default: kvm when /dev/kvm opens, else emu), kvm, emu\n"
		"  -m, --mem SIZE      guest RAM, a multiple of 1M (default 32M)\n"
		"      --block=FILE    a virtio block device backed by FILE (repeatable)\n"
		"      --rng           a virtio rng device (getrandom)\n"
		"      --spec FILE     take the device layout from a JSON spec%s\n"
		"      --num N         ring size of every queue (default 256)\n"
		"      --dump FILE     write guest memory at exit as an ELF core with the LGKIT note\n"
		"      --timeout SEC   stop a guest that runs longer (default: none)\n"
		"  -v, --verbose       tell what the launcher and the devices do\n"
		"  -h, --help          this text\n"
		"  -V, --version       the version\n"
		"\n"
		"The console is always present and created last, as the real Launcher did.\n"
		"Exit status: the guest's shutdown status; 1 the layout has errors (not booted);\n"
		"2 launcher failure (options, backend, kernel file); 3 the guest broke the rules\n"
		"(a device failed, a bad notify, a crash, a hang).\n",
#ifdef LGL_HAVE_SPEC
		""
#else
		" (not built: no spec loader)"
#endif
	);
}

struct opts {
	uint64_t mem;
	bool mem_set;
	const char *blocks[LGL_MAX_DEVICES];
	unsigned nblock;
	bool rng;
	const char *spec;
	const char *dump;
	const char *accel;
	unsigned num;
	bool verbose;
	double timeout;
	const char *kernel;
	char *cmdline;
};

/* The order devices are created in: flags in command-line order, then the console. */
struct devreq {
	uint8_t type;
	const char *file;
};

static int parse(int argc, char **argv, struct opts *o, struct devreq *req, unsigned *nreq)
{
	enum { O_BLOCK = 256, O_RNG, O_SPEC, O_DUMP, O_NUM, O_TIMEOUT, O_ACCEL };
	static const struct option lo[] = {
		{"mem", required_argument, NULL, 'm'},    {"block", required_argument, NULL, O_BLOCK},
		{"rng", no_argument, NULL, O_RNG},         {"spec", required_argument, NULL, O_SPEC},
		{"dump", required_argument, NULL, O_DUMP}, {"num", required_argument, NULL, O_NUM},
		{"timeout", required_argument, NULL, O_TIMEOUT}, {"accel", required_argument, NULL, O_ACCEL},
		{"verbose", no_argument, NULL, 'v'},       {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},       {NULL, 0, NULL, 0},
	};
	int c;
	uint64_t v;
	o->mem = DEFAULT_MEM;
	o->num = VIRTQUEUE_NUM;
	o->accel = "auto";
	*nreq = 0;
	while ((c = getopt_long(argc, argv, "+m:vhV", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (lgt_parse_size(optarg, &o->mem) < 0 || o->mem % (1u << 20) ||
			    o->mem < (2u << 20) || o->mem > (3ull << 30)) {
				fprintf(stderr, "lglaunch: --mem %s: expected a multiple of 1M from 2M to 3G\n",
					optarg);
				return -1;
			}
			o->mem_set = true;
			break;
		case O_BLOCK:
			if (*nreq >= LGL_MAX_DEVICES - 1) {
				fprintf(stderr, "lglaunch: too many devices\n");
				return -1;
			}
			o->blocks[o->nblock++] = optarg;
			req[(*nreq)++] = (struct devreq){LG_TYPE_BLOCK, optarg};
			break;
		case O_RNG:
			if (*nreq >= LGL_MAX_DEVICES - 1) {
				fprintf(stderr, "lglaunch: too many devices\n");
				return -1;
			}
			o->rng = true;
			req[(*nreq)++] = (struct devreq){LG_TYPE_RNG, NULL};
			break;
		case O_SPEC:
			o->spec = optarg;
			break;
		case O_DUMP:
			o->dump = optarg;
			break;
		case O_ACCEL:
			if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "kvm") != 0 &&
			    strcmp(optarg, "emu") != 0) {
				fprintf(stderr, "lglaunch: --accel %s: expected auto, kvm or emu\n", optarg);
				return -1;
			}
			o->accel = optarg;
			break;
		case O_NUM:
			if (lgt_parse_size(optarg, &v) < 0 || v > 65535) {
				fprintf(stderr, "lglaunch: --num %s: expected 0..65535\n", optarg);
				return -1;
			}
			o->num = (unsigned)v; /* unchecked on purpose: the layout checks judge it */
			break;
		case O_TIMEOUT: {
			char *end;
			o->timeout = strtod(optarg, &end);
			if (*end || o->timeout < 0) {
				fprintf(stderr, "lglaunch: --timeout %s: expected seconds\n", optarg);
				return -1;
			}
			break;
		}
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("lglaunch %s\n", LGKIT_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "lglaunch: no KERNEL given\n");
		usage(stderr);
		return -1;
	}
	o->kernel = argv[optind++];
	size_t len = 1;
	for (int i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	o->cmdline = calloc(1, len);
	if (!o->cmdline)
		return -1;
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strcat(o->cmdline, " ");
		strcat(o->cmdline, argv[i]);
	}
	req[(*nreq)++] = (struct devreq){LG_TYPE_CONSOLE, NULL};
	return 0;
}

/* add_virtqueue() of the real Launcher: bump-allocate ceil(vring_size/4096) pages. */
static int add_vq(struct lg_device *d, uint16_t num, uint64_t *limit, uint64_t max,
		  unsigned *next_irq)
{
	uint64_t pages = (lg_vring_size(num) + LG_PAGE_SIZE - 1) / LG_PAGE_SIZE;
	if (*limit + pages * LG_PAGE_SIZE > max) {
		fprintf(stderr, "lglaunch: not enough memory for devices (the device area is %llu "
				"KiB)\n",
			(unsigned long long)(DEVICE_AREA >> 10));
		return -1;
	}
	struct lg_vq *v = &d->vq[d->num_vq++];
	v->num = num;
	v->irq = (uint16_t)(*next_irq)++;
	v->pfn = (uint32_t)(*limit >> LG_PAGE_SHIFT);
	*limit += pages * LG_PAGE_SIZE;
	return 0;
}

static void add_feature(struct lg_device *d, unsigned bit)
{
	if (bit / 8 + 1 > d->feature_len)
		d->feature_len = (uint8_t)(bit / 8 + 1);
	d->host_features[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static int open_block(const char *path, struct lgl_block **out)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "lglaunch: --block=%s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct lgl_block *b = calloc(1, sizeof *b);
	if (!b) {
		close(fd);
		return -1;
	}
	b->fd = fd;
	b->size = (uint64_t)st.st_size;
	b->path = path;
	*out = b;
	return 0;
}

/* The layout from flags, as the 3.x Launcher built it (ABI.md §2.1, §2.4). */
static int layout_from_flags(const struct opts *o, const struct devreq *req, unsigned nreq,
			     struct lg_layout *l, uint64_t mem)
{
	uint64_t limit = mem + LG_PAGE_SIZE;
	unsigned next_irq = 1;
	lg_layout_init(l, mem);
	l->mem = mem;
	for (unsigned i = 0; i < nreq; i++) {
		struct lg_device *d = lg_layout_add(l);
		if (!d)
			return -1;
		d->type = req[i].type;
		unsigned nvq = req[i].type == LG_TYPE_CONSOLE ? 2 : 1;
		for (unsigned q = 0; q < nvq; q++)
			if (add_vq(d, (uint16_t)o->num, &limit, mem + DEVICE_AREA, &next_irq) < 0)
				return -1;
		if (req[i].type == LG_TYPE_BLOCK) {
			struct stat st;
			if (stat(req[i].file, &st) < 0) {
				fprintf(stderr, "lglaunch: --block=%s: %s\n", req[i].file, strerror(errno));
				return -1;
			}
			add_feature(d, 2); /* SEG_MAX */
			add_feature(d, 9); /* FLUSH */
			d->config_len = 16;
			lg_put64(d->config, (uint64_t)st.st_size / 512); /* capacity */
			lg_put32(d->config + 8, 0);                      /* size_max (not offered) */
			lg_put32(d->config + 12, (uint32_t)(o->num > 2 ? o->num - 2 : 0)); /* seg_max */
		}
	}
	l->pfn_limit = limit >> LG_PAGE_SHIFT;
	if (lg_layout_pack(l) < 0) {
		fprintf(stderr, "lglaunch: too many devices for one descriptor page\n");
		return -1;
	}
	return 0;
}

#ifdef LGL_HAVE_SPEC
static int layout_from_spec(const struct opts *o, struct lg_layout *l, uint64_t *mem)
{
	FILE *f = fopen(o->spec, "rb");
	if (!f) {
		fprintf(stderr, "lglaunch: %s: %s\n", o->spec, strerror(errno));
		return -1;
	}
	char *buf = malloc(LG_SPEC_MAX_SIZE);
	size_t n = buf ? fread(buf, 1, LG_SPEC_MAX_SIZE, f) : 0;
	fclose(f);
	if (!buf)
		return -1;
	struct lg_spec_opts so = {.flags = LG_SPEC_LAX, .mem = o->mem_set ? o->mem : 0};
	struct lg_error err = {0};
	int rc = lg_spec_load(buf, n, o->spec, &so, l, &err);
	free(buf);
	if (rc < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*mem = l->mem;
	if (l->page_addr != l->mem || l->mem % (1u << 20) || l->mem < (2u << 20) ||
	    l->mem > (3ull << 30)) {
		fprintf(stderr,
			"lglaunch: %s: the page must be at mem (%#llx), a multiple of 1M from 2M to 3G; "
			"got page %#llx\n",
			o->spec, (unsigned long long)l->mem, (unsigned long long)l->page_addr);
		lg_layout_free(l);
		return -1;
	}
	return 0;
}
#endif

static const struct lgl_dev_ops none_ops = {.name = "unsupported"};

/* Attach backends to the layout's devices; block devices take --block files in order. */
static int attach(struct lgl_vm *vm, const struct lg_layout *l, const struct opts *o)
{
	unsigned nb = 0;
	if (l->ndev > LGL_MAX_DEVICES) {
		fprintf(stderr, "lglaunch: at most %d devices\n", LGL_MAX_DEVICES);
		return -1;
	}
	for (size_t i = 0; i < l->ndev; i++) {
		const struct lg_device *ld = &l->dev[i];
		struct lgl_device *d = &vm->dev[vm->ndev++];
		d->vm = vm;
		d->wake_fd = -1;
		d->index = (unsigned)i;
		d->offset = ld->offset;
		d->type = ld->type;
		d->num_vq = ld->num_vq;
		d->feature_len = ld->feature_len;
		d->config_len = ld->config_len;
		d->nvq = ld->num_vq;
		d->vq = calloc(d->nvq ? d->nvq : 1, sizeof *d->vq);
		if (!d->vq)
			return -1;
		switch (ld->type) {
		case LG_TYPE_CONSOLE:
			d->ops = &lgl_console_ops;
			break;
		case LG_TYPE_RNG:
			d->ops = &lgl_rng_ops;
			break;
		case LG_TYPE_BLOCK: {
			struct lgl_block *b;
			if (nb >= o->nblock) {
				fprintf(stderr, "lglaunch: block device %zu has no --block=FILE\n", i);
				return -1;
			}
			if (open_block(o->blocks[nb++], &b) < 0)
				return -1;
			d->ops = &lgl_block_ops;
			d->priv = b;
			if (ld->config_len >= 8 && lg_le64(ld->config) != b->size / 512)
				fprintf(stderr,
					"lglaunch: device[%zu] (block): the layout says capacity %llu sectors, "
					"%s holds %llu; requests are bounded by the file\n",
					i, (unsigned long long)lg_le64(ld->config), b->path,
					(unsigned long long)(b->size / 512));
			break;
		}
		default:
			d->ops = &none_ops;
			if (vm->verbose)
				fprintf(stderr, "lglaunch: device[%zu] type %u has no backend; it stays idle\n",
					i, ld->type);
			break;
		}
		for (unsigned q = 0; q < d->nvq; q++) {
			struct lgl_vq *vq = &d->vq[q];
			vq->dev = d;
			vq->index = q;
			vq->num = ld->vq[q].num;
			vq->irq = ld->vq[q].irq;
			vq->pfn = ld->vq[q].pfn;
			vq->kickfd = -1;
			lg_ring_geom(vq->num, vq->pfn, &vq->g);
			vq->iov = calloc(vq->num ? 2u * vq->num : 1, sizeof *vq->iov);
			if (!vq->iov)
				return -1;
			if (d->priv && ld->type == LG_TYPE_BLOCK && q == 0) {
				struct lgl_block *b = d->priv;
				b->iov = calloc(vq->num ? 2u * vq->num : 1, sizeof *b->iov);
				if (!b->iov)
					return -1;
			}
		}
	}
	return 0;
}

static void release(struct lgl_vm *vm)
{
	for (unsigned i = 0; i < vm->ndev; i++) {
		struct lgl_device *d = &vm->dev[i];
		if (vm->be)
			lgl_device_kicks_off(vm, d);
		for (unsigned q = 0; q < d->nvq && d->vq; q++)
			free(d->vq[q].iov);
		free(d->vq);
		d->vq = NULL;
		if (d->ops == &lgl_block_ops && d->priv) {
			struct lgl_block *b = d->priv;
			if (vm->verbose && b->reqs)
				fprintf(stderr,
					"lglaunch: block %s: %llu requests, %llu bytes, %.2f us host time "
					"per request (%.2f us of it in file I/O)\n",
					b->path, (unsigned long long)b->reqs, (unsigned long long)b->bytes,
					b->host_ns / (double)b->reqs / 1e3, b->io_ns / (double)b->reqs / 1e3);
			close(b->fd);
			free(b->iov);
			free(b);
		}
	}
}

/* Check the layout as lgcheck would, over the guest's own memory.  0 = may boot. */
static int check_before_boot(struct lgl_vm *vm, const struct lg_layout *l, const char *name)
{
	struct lg_image *img = NULL;
	if (lg_image_from_memory(vm->mem.base, vm->mem.limit, 0, &img) < 0) {
		fprintf(stderr, "lglaunch: cannot wrap guest memory as an image\n");
		return -1;
	}
	struct lg_check_config cfg;
	lg_check_config_init(&cfg);
	cfg.image_has_area = true;
	/* Errors refuse the boot and warnings are worth a look; notes only when asked. */
	for (int i = 0; !vm->verbose && i < LG_CHECK_COUNT; i++)
		if (cfg.sev[i] == LG_SEV_NOTE)
			cfg.sev[i] = LG_SEV_OFF;
	struct lgt_findings fs = {0};
	struct lg_check_stats st;
	int rc = lg_check_layout(l, img, &cfg, lgt_collect, &fs, &st);
	lg_image_close(img);
	if (rc < 0 || fs.nomem) {
		fprintf(stderr, "lglaunch: checking the layout: %s\n", lg_strerror(rc < 0 ? rc : LG_ERR_NOMEM));
		lgt_findings_free(&fs);
		return -1;
	}
	if (st.errors || st.warnings || vm->verbose) {
		lgt_print_findings(stderr, name, &fs, lgt_use_color(stderr));
		lgt_print_summary(stderr, name, &st);
	}
	lgt_findings_free(&fs);
	if (st.errors) {
		fprintf(stderr, "lglaunch: the layout has errors; the guest was not started\n");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	memset(&o, 0, sizeof o);
	struct devreq req[LGL_MAX_DEVICES];
	unsigned nreq;
	if (parse(argc, argv, &o, req, &nreq) < 0)
		return LGL_EXIT_FAIL;

	static struct lgl_vm vm;
	vm.verbose = o.verbose;
	vm.timeout = o.timeout;
	struct lg_layout l;
	lg_layout_init(&l, 0);
	int code = LGL_EXIT_FAIL;
	uint64_t mem = o.mem;
	const char *lname = "lglaunch";

	if (o.spec) {
#ifdef LGL_HAVE_SPEC
		if (layout_from_spec(&o, &l, &mem) < 0)
			goto out;
		lname = o.spec;
#else
		fprintf(stderr, "lglaunch: --spec: this lglaunch was built without the spec loader\n");
		goto out;
#endif
	} else if (layout_from_flags(&o, req, nreq, &l, mem) < 0) {
		goto out;
	}
	uint64_t area_end = lg_layout_area_end(&l);
	if (area_end > mem + DEVICE_AREA || area_end < mem + LG_PAGE_SIZE) {
		fprintf(stderr, "lglaunch: the device area [%#llx, %#llx) does not fit the %llu KiB "
				"above RAM\n",
			(unsigned long long)mem, (unsigned long long)area_end,
			(unsigned long long)(DEVICE_AREA >> 10));
		goto out;
	}
	if (lgl_mem_alloc(&vm, mem, DEVICE_AREA) < 0)
		goto out;
	vm.page_addr = mem;
	vm.mem.limit = area_end;

	uint64_t entry;
	enum lgl_mode mode;
	if (lgl_elf_load(o.kernel, &vm.mem, &entry, &mode) < 0 ||
	    lgl_boot_params(&vm.mem, o.cmdline) < 0)
		goto out;
	uint8_t *page = LGL_GPA(&vm.mem, mem, LG_PAGE_SIZE);
	if (!page)
		goto out;
	memcpy(page, l.page, LG_PAGE_SIZE);
	if (o.verbose) {
		fprintf(stderr, "lglaunch: %s: %d-bit kernel, entry %#llx, RAM %llu MiB, page at %#llx, "
				"guest_limit %#llx\n",
			o.kernel, (int)mode, (unsigned long long)entry, (unsigned long long)(mem >> 20),
			(unsigned long long)mem, (unsigned long long)area_end);
		lgt_print_layout(stderr, &l);
	}
	int ck = check_before_boot(&vm, &l, lname);
	if (ck) {
		code = ck > 0 ? LGL_EXIT_LAYOUT : LGL_EXIT_FAIL;
		goto out;
	}
	/* Only a layout that passed opens a backend: --accel kvm without /dev/kvm is exit 2,
	 * but a layout with errors is exit 1 on every machine. */
	const struct lgl_backend *be = lgl_backend_pick(o.accel, o.verbose);
	if (!be)
		goto out;
	vm.be = be;
	struct lgl_boot_cpu cpu;
	if (be->create(&vm, mode) < 0 || attach(&vm, &l, &o) < 0 ||
	    lgl_x86_setup(&vm.mem, mode, entry, &cpu) < 0 || be->load_cpu(&vm, &cpu) < 0)
		goto out;
	if (lg_image_from_memory(vm.mem.base, vm.mem.limit, 0, &vm.img) < 0) {
		fprintf(stderr, "lglaunch: cannot wrap guest memory as an image\n");
		goto out;
	}

	fflush(stdout);
	code = lgl_run(&vm);
	if (o.dump && lgl_dump(&vm, o.dump) < 0 && code == 0)
		code = LGL_EXIT_FAIL;
out:
	release(&vm);
	if (vm.img)
		lg_image_close(vm.img);
	if (vm.be)
		vm.be->destroy(&vm);
	lgl_mem_free(&vm);
	lg_layout_free(&l);
	free(o.cmdline);
	return code;
}
