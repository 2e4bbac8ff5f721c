/* Copies between the hypervisor and a domain's IPA space (DESIGN.md 4.2): a range is used only
 * when every byte of it is RAM the domain may use with the access needed (its own frames, or
 * for reading, a read-only window onto RAM), checked in full before anything moves; anything
 * else is -EFAULT, never a hypervisor fault and never an access to a device. */
#ifndef TESSERA_GUEST_COPY_H
#define TESSERA_GUEST_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domain;

/* 0 if every byte of [ipa, ipa + len) is usable by d for reading (or writing), else -EFAULT
 * (traced as guest_ptr_refused). */
int guest_check(const struct domain *d, uint64_t ipa, uint64_t len, bool write);
int guest_copy_from(struct domain *d, void *dst, uint64_t ipa, size_t len);
int guest_copy_to(struct domain *d, uint64_t ipa, const void *src, size_t len);
/* Copies len bytes from src's IPA range to dst's (src NULL: zeroes dst's range); both ranges are
 * checked in full first. */
int guest_copy_between(struct domain *dst, uint64_t dst_ipa, struct domain *src, uint64_t src_ipa,
                       uint64_t len);

#endif
