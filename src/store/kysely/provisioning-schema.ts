// Table shapes of provisioning (migration 004): boot states, profiles, install tokens. Epoch-ms columns are bigint.
import type { ColumnType } from 'kysely';

type EpochMs = ColumnType<number | string, number, number>;
type NullableEpochMs = ColumnType<number | string | null, number | null, number | null>;

export interface BootStatesTable {
  node: string;
  target: string;
  profile: string | null;
  /** 0 or 1: the same integer on both backends. */
  oneshot: number;
  expires_at: NullableEpochMs;
  install_status: string | null;
  status_reason: string | null;
  install_deadline: NullableEpochMs;
  actor: string;
  cause: string | null;
  updated_at: string;
}

export interface ProfilesTable {
  name: string;
  kernel: string;
  initrd: string | null;
  cmdline: string;
  template: string | null;
  image: string | null;
  install_timeout: number | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface InstallTokensTable {
  hash: string;
  node: string;
  purpose: string;
  created_at: EpochMs;
  expires_at: EpochMs;
  spent_at: NullableEpochMs;
  spent_reason: string | null;
}

export interface ProvisioningSchema {
  boot_states: BootStatesTable;
  profiles: ProfilesTable;
  install_tokens: InstallTokensTable;
}
