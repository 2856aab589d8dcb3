/* SPDX-License-Identifier: MIT */
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
#include "output.h"
#include "specdiag.h"
#include "lgkit/emit.h"
#include "lgkit/spec.h"
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
		"  -m, --mem SIZE      guest RAM, a multiple of 1M (default 32M)\n");
	/* A line per device class with a flag (device.c), its help indented alike. */
	const struct lgl_dev_class *dc;
	for (unsigned i = 0; (dc = lgl_dev_class_at(i)); i++) {
		if (!dc->flag)
			continue;
		char opt[40];
		snprintf(opt, sizeof opt, "--%s%s%s", dc->flag, dc->flag_arg ? " " : "",
			 dc->flag_arg ? dc->flag_arg : "");
		fprintf(out, "      %-16s", opt);
		for (const char *h = dc->flag_help; *h; h++) {
			if (*h == '\n')
				fprintf(out, "\n%22s", "");
			else
				fputc(*h, out);
		}
		fputc('\n', out);
	}
	fprintf(out,
		"      --spec FILE     take the device layout from a JSON spec%s\n"
		"      --num N         ring size of every queue (default 256)\n"
		"      --dump FILE     write guest memory at exit as an ELF core with the LGKIT note\n"
		"      --timeout SEC   stop a guest that runs longer (default: none)\n"
		"  -v, --verbose       tell what the launcher and the devices do\n"
		"  -q, --quiet         print only errors of the layout check (no warnings, no summary)\n"
		"      --color WHEN    colour the layout check's diagnostics: auto (default), always,\n"
		"                      never (auto: on a terminal, unless NO_COLOR is set)\n"
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
	const char *spec;
	const char *dump;
	const char *accel;
	unsigned num;
	bool verbose, quiet;
	int color; /* -1 auto, 0 never, 1 always */
	double timeout;
	const char *kernel;
	char *cmdline;
};

/* The order devices are created in: flags in command-line order, then the console. */
struct devreq {
	uint8_t type;
	const char *arg; /* --block FILE, --net BACKEND; NULL for --rng and the console */
};

static int parse(int argc, char **argv, struct opts *o, struct devreq *req, unsigned *nreq)
{
	enum { O_SPEC = 256, O_DUMP, O_NUM, O_TIMEOUT, O_ACCEL, O_COLOR, O_DEVICE = 512 };
	static const struct option fixed[] = {
		{"mem", required_argument, NULL, 'm'},	   {"spec", required_argument, NULL, O_SPEC},
		{"dump", required_argument, NULL, O_DUMP}, {"num", required_argument, NULL, O_NUM},
		{"timeout", required_argument, NULL, O_TIMEOUT}, {"accel", required_argument, NULL, O_ACCEL},
		{"quiet", no_argument, NULL, 'q'},     {"color", required_argument, NULL, O_COLOR},
		{"colour", required_argument, NULL, O_COLOR},
		{"verbose", no_argument, NULL, 'v'},       {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
	};
	/* The fixed options, then one per device class with a flag (O_DEVICE + class index). */
	struct option lo[sizeof fixed / sizeof fixed[0] + 16];
	size_t nlo = sizeof fixed / sizeof fixed[0];
	memcpy(lo, fixed, sizeof fixed);
	const struct lgl_dev_class *dc;
	for (unsigned i = 0; (dc = lgl_dev_class_at(i)) && nlo + 1 < sizeof lo / sizeof lo[0]; i++)
		if (dc->flag)
			lo[nlo++] = (struct option){dc->flag,
						    dc->flag_arg ? required_argument : no_argument,
						    NULL, O_DEVICE + (int)i};
	lo[nlo] = (struct option){NULL, 0, NULL, 0};
	static char prog[] = "lglaunch"; /* getopt's messages name the tool, not its path */
	argv[0] = prog;
	int c;
	uint64_t v;
	o->mem = DEFAULT_MEM;
	o->num = VIRTQUEUE_NUM;
	o->accel = "auto";
	o->color = -1;
	*nreq = 0;
	while ((c = getopt_long(argc, argv, "+m:vqhV", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (lg_parse_size(optarg, &o->mem) < 0 || o->mem % (1u << 20) ||
			    o->mem < (2u << 20) || o->mem > (3ull << 30)) {
				fprintf(stderr, "lglaunch: --mem %s: expected a multiple of 1M from 2M to 3G\n",
					optarg);
				return -1;
			}
			o->mem_set = true;
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
			if (lg_parse_size(optarg, &v) < 0 || v > 65535) {
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
			printf("lglaunch (lgkit) %s\n", LGKIT_VERSION);
			exit(0);
		case 'q':
			o->quiet = true;
			break;
		case O_COLOR:
			if (lgt_opt_color("lglaunch", optarg, &o->color) < 0)
				return -1;
			break;
		default:
			if (c >= O_DEVICE && (dc = lgl_dev_class_at((unsigned)(c - O_DEVICE)))) {
				if (*nreq >= LGL_MAX_DEVICES - 1) {
					fprintf(stderr, "lglaunch: too many devices\n");
					return -1;
				}
				req[(*nreq)++] =
					(struct devreq){dc->type, dc->flag_arg ? optarg : NULL};
				break;
			}
			/* getopt said what was wrong, in one line. */
			fprintf(stderr, "Try 'lglaunch --help' for more information.\n");
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "lglaunch: no KERNEL given\nTry 'lglaunch --help' for more information.\n");
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

/* add_virtqueue() of the real Launcher (lg_vq_alloc), within the device area below max. */
static int add_vq(struct lg_device *d, uint16_t num, struct lg_vq_alloc *va, uint64_t max)
{
	struct lg_ring_geom g;
	lg_ring_geom(num, 0, &g);
	if ((va->next_pfn + g.pages) << LG_PAGE_SHIFT > max) {
		fprintf(stderr, "lglaunch: not enough memory for devices (the device area is %llu "
				"KiB)\n",
			(unsigned long long)(DEVICE_AREA >> 10));
		return -1;
	}
	struct lg_vq *v = &d->vq[d->num_vq++];
	v->num = num;
	v->irq = (uint16_t)va->next_irq;
	v->pfn = (uint32_t)va->next_pfn;
	lg_vq_alloc_placed(va, num, va->next_pfn, va->next_irq);
	return 0;
}

/* The layout from flags, as the 3.x Launcher built it (devices in flag order, irqs from 1,
 * each ring's pages right after the last; tools/lglaunch/README.md): each device
 * class says its queues, features and config. */
static int layout_from_flags(const struct opts *o, const struct devreq *req, unsigned nreq,
			     struct lg_layout *l, uint64_t mem)
{
	struct lg_vq_alloc va;
	lg_vq_alloc_init(&va, mem);
	lg_layout_init(l, mem);
	l->mem = mem;
	for (unsigned i = 0; i < nreq; i++) {
		const struct lgl_dev_class *dc = lgl_dev_class_of(req[i].type);
		struct lg_device *d = lg_layout_add(l);
		if (!d || !dc)
			return -1;
		d->type = req[i].type;
		for (unsigned q = 0; q < dc->nvq; q++)
			if (add_vq(d, (uint16_t)o->num, &va, mem + DEVICE_AREA) < 0)
				return -1;
		if (dc->describe && dc->describe(d, req[i].arg, o->num) < 0)
			return -1;
	}
	l->pfn_limit = va.next_pfn;
	if (lg_layout_pack(l) < 0) {
		fprintf(stderr, "lglaunch: too many devices for one descriptor page\n");
		return -1;
	}
	return 0;
}

#ifdef LGL_HAVE_SPEC
/* The spec's text, kept to place the checks' findings in it (check_before_boot). */
static char *spec_text;
static size_t spec_len;

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
	/* Each problem as lggen prints it: FILE:LINE:COL: error: .path: message. */
	struct lgt_spec_report rep = {stderr, o->spec,
				      o->color < 0 ? lgt_use_color(stderr) : o->color, 0, 0, 0, 0};
	int rc = lg_spec_load_each(buf, n, &so, l, lgt_spec_sink, &rep);
	lgt_spec_report_end(&rep);
	if (rc < 0) {
		free(buf);
		return -1;
	}
	if (l->era != LG_ERA_E2) {
		fprintf(stderr,
			"lglaunch: %s: a %s page (era %s) cannot be launched: lglaunch serves the "
			"E2 device page of 2.6.25 and later\n",
			o->spec, lg_era_kernel(l->era), lg_era_name(l->era));
		lg_layout_free(l);
		free(buf);
		return -1;
	}
	spec_text = buf;
	spec_len = n;
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

/* The argument of the k-th device of type (in page order): the k-th --block FILE or --net
 * BACKEND, as the flags gave them; NULL when there are fewer. */
static const char *arg_for(const struct devreq *req, unsigned nreq, uint8_t type, unsigned k)
{
	for (unsigned i = 0; i < nreq; i++)
		if (req[i].type == type && req[i].arg && k-- == 0)
			return req[i].arg;
	return NULL;
}

/* Attach the device classes to the layout's devices; a spec's devices take the flags'
 * arguments of their type in order (block devices the --block files, net the --net
 * backends). */
static int attach(struct lgl_vm *vm, const struct lg_layout *l, const struct devreq *req,
		  unsigned nreq)
{
	unsigned seen[256] = {0};
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
		d->cls = &lgl_idle_class;
		d->vq = calloc(d->nvq ? d->nvq : 1, sizeof *d->vq);
		if (!d->vq)
			return -1;
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
		}
		const struct lgl_dev_class *dc = lgl_dev_class_of(ld->type);
		const char *arg = arg_for(req, nreq, ld->type, seen[ld->type]++);
		if (!dc || (dc->flag_arg && !arg && !dc->arg_optional)) {
			if (dc) {
				fprintf(stderr, "lglaunch: device[%zu] (%s) has no --%s %s\n", i,
					lg_type_name(dc->type), dc->flag, dc->flag_arg);
				return -1;
			}
			if (vm->verbose)
				fprintf(stderr, "lglaunch: device[%zu] type %u has no backend; it stays idle\n",
					i, ld->type);
			continue;
		}
		if (dc->flag_arg && !arg) {
			if (vm->verbose)
				fprintf(stderr, "lglaunch: device[%zu] (%s) has no --%s %s; it stays idle\n",
					i, lg_type_name(dc->type), dc->flag, dc->flag_arg);
			continue;
		}
		d->cls = dc;
		if (dc->setup && dc->setup(vm, d, ld, arg) < 0)
			return -1;
	}
	return 0;
}

static void release(struct lgl_vm *vm)
{
	for (unsigned i = 0; i < vm->ndev; i++) {
		struct lgl_device *d = &vm->dev[i];
		if (vm->be)
			lgl_device_kicks_off(vm, d);
		if (d->cls && d->cls->teardown) /* NULL: attach failed first */
			d->cls->teardown(vm, d);
		for (unsigned q = 0; q < d->nvq && d->vq; q++)
			free(d->vq[q].iov);
		free(d->vq);
		d->vq = NULL;
	}
}

/* --dump FILE is checked before the guest runs, against every file lglaunch reads (the
 * kernel, the spec, the block files): the output helper's rules (tools/common/output.h),
 * so a dump never replaces its own disk or kernel, a FIFO or a device. */
static int dump_precheck(const struct opts *o, const struct devreq *req, unsigned nreq)
{
	const char *inputs[LGL_MAX_DEVICES + 2];
	unsigned n = 0;
	inputs[n++] = o->kernel;
	if (o->spec)
		inputs[n++] = o->spec;
	for (unsigned i = 0; i < nreq; i++)
		if (req[i].arg && lgl_dev_class_of(req[i].type)->arg_is_input)
			inputs[n++] = req[i].arg;
	for (unsigned i = 0; i < n; i++) {
		struct lgt_out t;
		if (lgt_out_open(&t, "lglaunch", o->dump, inputs[i]) < 0)
			return -1;
		lgt_out_abort(&t);
	}
	return 0;
}

/* Check the layout as lgcheck would, over the guest's own memory.  0 = may boot. */
static int check_before_boot(struct lgl_vm *vm, const struct lg_layout *l, const char *name,
			     const struct opts *o)
{
	struct lg_image *img = NULL;
	if (lg_image_from_memory(vm->mem.base, vm->mem.limit, 0, &img) < 0) {
		fprintf(stderr, "lglaunch: cannot wrap guest memory as an image\n");
		return -1;
	}
	struct lg_check_config *cfg = lg_check_config_new();
	if (!cfg) {
		fprintf(stderr, "lglaunch: checking the layout: %s\n", lg_strerror(LG_ERR_NOMEM));
		lg_image_close(img);
		return -1;
	}
	lg_check_config_set_image_has_area(cfg, true);
	/* Errors refuse the boot and warnings are worth a look; notes only when asked. */
	for (unsigned i = 0; !vm->verbose && i < lg_check_count(); i++) {
		enum lg_severity sev = lg_check_config_get(cfg, (enum lg_check_id)i);
		if (sev == LG_SEV_NOTE || (o->quiet && sev == LG_SEV_WARNING))
			lg_check_config_set(cfg, (enum lg_check_id)i, LG_SEV_OFF);
	}
	struct lgt_findings fs = {0};
	struct lg_check_stats st;
	struct lg_error why = {0};
	int rc = lg_check_layout(l, img, cfg, lgt_collect, &fs, &st, &why);
	lg_check_config_free(cfg);
	lg_image_close(img);
	if (rc < 0 || fs.nomem) {
		fprintf(stderr, "lglaunch: checking the layout: %s\n",
			rc < 0 ? why.msg : lg_strerror(LG_ERR_NOMEM));
		lgt_findings_free(&fs);
		return -1;
	}
	if (st.errors || st.warnings || vm->verbose) {
		bool color = o->color < 0 ? lgt_use_color(stderr) : o->color;
#ifdef LGL_HAVE_SPEC
		if (spec_text) /* at the spec's device, queue or key */
			lgt_print_spec_findings(stderr, name, spec_text, spec_len, &fs, color);
		else
#endif
			lgt_print_findings(stderr, name, &fs, color);
		if (!o->quiet)
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

	if (o.dump && dump_precheck(&o, req, nreq) < 0)
		goto out;
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
	int ck = check_before_boot(&vm, &l, lname, &o);
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
	if (be->create(&vm, mode) < 0 || attach(&vm, &l, req, nreq) < 0 ||
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
#ifdef LGL_HAVE_SPEC
	free(spec_text);
#endif
	return code;
}
