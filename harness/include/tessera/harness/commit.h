/* The commit the harness was built from (`git describe --always --dirty`, regenerated at every
 * build by harness/commit.cmake; "unknown" outside a git checkout). */
#ifndef TESSERA_HARNESS_COMMIT_H
#define TESSERA_HARNESS_COMMIT_H

extern const char tessera_commit[];

#endif
