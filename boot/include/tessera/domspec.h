/* From a manifest entry to a domain spec: image format and placement, the domain's guest
 * physical layout (kernel, ramdisk, device tree) and its generated device tree. Shared by
 * every launch mode. */
#ifndef TESSERA_DOMSPEC_H
#define TESSERA_DOMSPEC_H

#include <stddef.h>
#include <tessera/domain.h>
#include <tessera/manifest.h>

/* Fills s for fleet entry i; the device tree is written into dtb_buf (GFDT_BUF_SIZE bytes),
 * which must stay valid until dom_create has run. Returns 0, or a negative errno with a
 * message naming the domain in err. */
int domspec_build(const struct mf_fleet *f, unsigned i, struct dom_spec *s, void *dtb_buf,
                  char *err, size_t errlen);
/* The same, for a control domain: its device tree also says where the boot DTB and the boot
 * modules are mapped for it (tessera,fleet-dtb and tessera,module-offset in /chosen). */
int domspec_build_control(const struct mf_fleet *f, unsigned i, struct dom_spec *s, void *dtb_buf,
                          uint64_t fleet_dtb_ipa, uint64_t module_offset, char *err, size_t errlen);

#endif
