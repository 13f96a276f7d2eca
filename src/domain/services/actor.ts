// Who asked for a change and from where: recorded on every event.
export interface Actor {
  name: string;
  /** Remote address or "cli"; kept for the audit trail. */
  from?: string;
}

export const systemActor: Actor = { name: 'system' };
