/* Launch-mode selection and the roles of fleet entries. */
#include <tessera/errno.h>
#include <tessera/launch.h>
#include <tessera/lib.h>

const char *launch_mode_name(enum launch_mode m)
{
    return m == LAUNCH_DOM0 ? "dom0" : m == LAUNCH_BOOTDOMAIN ? "bootdomain" : "hyperlaunch";
}

int launch_parse_mode(const char *cmdline, enum launch_mode *mode)
{
    static const enum launch_mode modes[] = {LAUNCH_HYPERLAUNCH, LAUNCH_DOM0, LAUNCH_BOOTDOMAIN};
    size_t n;
    const char *v = lib_cmdline_value(cmdline, "mode", &n);

    *mode = LAUNCH_HYPERLAUNCH;
    if (!v) {
        return 0;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(modes); i++) {
        const char *name = launch_mode_name(modes[i]);
        if (lib_strlen(name) == n && lib_strncmp(v, name, n) == 0) {
            *mode = modes[i];
            return 0;
        }
    }
    return -EINVAL;
}

bool launch_in_fleet(const struct mf_domain *d)
{
    return !(d->permissions & MF_PERM_CONTROL) && !(d->functions & MF_FUNC_BOOT);
}
