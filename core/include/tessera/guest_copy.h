/* Copies between the hypervisor and a domain's IPA space, a page at a time through the
 * domain's stage-2: a bad guest pointer is -EFAULT, never a hypervisor fault. */
#ifndef TESSERA_GUEST_COPY_H
#define TESSERA_GUEST_COPY_H

#include <stddef.h>
#include <stdint.h>

struct domain;

int guest_copy_from(struct domain *d, void *dst, uint64_t ipa, size_t len);
int guest_copy_to(struct domain *d, uint64_t ipa, const void *src, size_t len);

#endif
