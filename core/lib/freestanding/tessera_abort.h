/* lib_abort: the bare-metal library's way out when it detects a broken invariant (a smashed
 * stack canary). Each bare-metal program (hypervisor, guest) defines it for its own world. */
#ifndef TESSERA_FREESTANDING_ABORT_H
#define TESSERA_FREESTANDING_ABORT_H

/* Reports why and stops; never returns. */
void lib_abort(const char *why) __attribute__((noreturn));

#endif
