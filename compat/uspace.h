/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-ins for the kernel facilities xsplit's protocol code uses,
 * so unit tests and fuzzers build that code unchanged.  Never included by a
 * kernel build (see xsplit_types.h); it is user-space code, which is why
 * scripts/style.sh does not hold it to checkpatch's kernel rules.
 */
#ifndef XSPLIT_USPACE_H
#define XSPLIT_USPACE_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define U32_MAX	((u32)~0U)

/* The kernel configuration symbols protocol code may test. */
#if defined(__i386__) && !defined(CONFIG_X86_32)
#define CONFIG_X86_32 1
#endif

#define BIT(nr) (1UL << (nr))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int : (-!!(e)); })))
#endif
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define static_assert(e, ...) _Static_assert(e, #e)
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
/*
 * The kernel's virt_* barriers order accesses to memory shared with another
 * domain; in a single user-space process the C11 fences give the same
 * ordering guarantees for the tests.
 */
#define virt_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virt_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virt_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define __always_unused __attribute__((unused))
#define __maybe_unused __attribute__((unused))
#ifndef __packed
#define __packed __attribute__((packed))
#endif
/*
 * net_device offload bits and Ethernet sizes, for the netif offload rules;
 * the bits' values do not matter, only that they are distinct.
 */
typedef u64 netdev_features_t;
#define NETIF_F_SG		((netdev_features_t)1 << 0)
#define NETIF_F_IP_CSUM		((netdev_features_t)1 << 1)
#define NETIF_F_IPV6_CSUM	((netdev_features_t)1 << 2)
#define NETIF_F_TSO		((netdev_features_t)1 << 3)
#define NETIF_F_TSO6		((netdev_features_t)1 << 4)
#define NETIF_F_RXCSUM		((netdev_features_t)1 << 5)
#ifndef ETH_HLEN
#define ETH_HLEN 14
#endif
#ifndef ETH_DATA_LEN
#define ETH_DATA_LEN 1500
#endif
#ifndef EREMOTEIO
#define EREMOTEIO 121
#endif

#endif /* XSPLIT_USPACE_H */
