// Whether a discovered node should reboot straight into its install: read from the next-boot state, owned by provisioning.

/** The one thing discovery reads of a node's boot state (BootStateRepo has it). */
export interface BootStateReader {
  get(node: string): Promise<{ target: string; installStatus: string | null } | undefined>;
}

/**
 * True when the node's next boot is an install that has not failed: after install-done the state moves to
 * `boot`, and a failed install waits for an operator (never a loop back into the installer).
 */
export function pendingInstallFrom(states: BootStateReader): (node: string) => Promise<boolean> {
  return async (node) => {
    const s = await states.get(node);
    return s?.target === 'install' && s.installStatus !== 'failed' && s.installStatus !== 'installed';
  };
}
