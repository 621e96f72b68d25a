// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU-only costs a data path pays per byte: the copies between a
 * persistent page and a bio, and the zeroing of a fresh receive page.
 */
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "calib.h"

/* 1 MiB ops take 256 times the work of 4 KiB ones: time fewer of them. */
#define CALIB_MIB_DIVISOR	16

static unsigned int calib_mib_reps(void)
{
	return max(calib_reps / CALIB_MIB_DIVISOR, 1U);
}

static void calib_cpu_page(const char *role, void *dst, void *src)
{
	struct calib_watch w;
	unsigned int i;

	calib_start(&w, role);
	for (i = 0; i < calib_reps; i++)
		memcpy(dst, src, PAGE_SIZE);
	calib_report(&w, "memcpy_4k", calib_reps);

	calib_start(&w, role);
	for (i = 0; i < calib_reps; i++)
		copy_page(dst, src);
	calib_report(&w, "copy_page_4k", calib_reps);

	calib_start(&w, role);
	for (i = 0; i < calib_reps; i++)
		clear_page(dst);
	calib_report(&w, "clear_page_4k", calib_reps);
}

static void calib_cpu_mib(const char *role, u8 *dst, u8 *src)
{
	unsigned int i, p, n = calib_mib_reps();
	struct calib_watch w;

	calib_start(&w, role);
	for (i = 0; i < n; i++)
		memcpy(dst, src, CALIB_MIB);
	calib_report(&w, "memcpy_1m", n);

	calib_start(&w, role);
	for (i = 0; i < n; i++)
		for (p = 0; p < CALIB_MIB; p += PAGE_SIZE)
			clear_page(dst + p);
	calib_report(&w, "clear_page_1m", n);
}

/**
 * calib_cpu - time the copies and clears, in this domain
 * @role: the label of the figures ("dom0" or "guest")
 *
 * Return: 0, or -ENOMEM.
 */
int calib_cpu(const char *role)
{
	u8 *src, *dst;

	/* page-aligned, as the data path's buffers are */
	src = vzalloc(CALIB_MIB);
	dst = vzalloc(CALIB_MIB);
	if (!src || !dst) {
		vfree(src);
		vfree(dst);
		return -ENOMEM;
	}
	calib_cpu_page(role, dst, src);
	calib_cpu_mib(role, dst, src);
	vfree(dst);
	vfree(src);
	return 0;
}
