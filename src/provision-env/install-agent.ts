// The install agent: the busybox shell script the provisioning environment runs when booted with stage0.mode=install.
// Placeholder until the image-based installer lands: it reports failure instead of pretending to install.

/** Installed as /usr/lib/stage0/install.sh in the environment's initramfs; run by /init with no arguments. */
export const INSTALL_AGENT_SCRIPT = `#!/bin/sh
echo "stage0-install: the install agent is not implemented in this build"
exit 1
`;
