/* Words for the negative error numbers of tessera/errno.h, so no bare "-12" reaches a user. */
#include <tessera/errno.h>
#include <tessera/lib.h>

static const struct {
    int num;
    const char *text;
} lib_errors[] = {
    {0, "no error"},
    {EPERM, "not permitted (EPERM)"},
    {ENOENT, "not found (ENOENT)"},
    {ESRCH, "no such domain (ESRCH)"},
    {EIO, "input/output error (EIO)"},
    {E2BIG, "too big (E2BIG)"},
    {ENOEXEC, "not an image it can load (ENOEXEC)"},
    {EAGAIN, "try again (EAGAIN)"},
    {ENOMEM, "out of memory (ENOMEM)"},
    {EFAULT, "bad address (EFAULT)"},
    {EBUSY, "busy (EBUSY)"},
    {EEXIST, "already exists (EEXIST)"},
    {ENODEV, "no such device (ENODEV)"},
    {EINVAL, "invalid argument (EINVAL)"},
    {ENOSPC, "no space left (ENOSPC)"},
    {ERANGE, "out of range (ERANGE)"},
    {ENOSYS, "not implemented (ENOSYS)"},
};

const char *lib_errstr(int rc)
{
    int num = rc < 0 ? -rc : rc;

    for (size_t i = 0; i < sizeof(lib_errors) / sizeof(lib_errors[0]); i++) {
        if (lib_errors[i].num == num) {
            return lib_errors[i].text;
        }
    }
    return "unknown error";
}
